"""The hook reference (``docs/hooks.md``), rendered from the hook specifications.

Why generated: a hook's contract is its specification — the signature and the
docstring in the ``hookspecs.py`` that declares it. Retyping it in the guide let
the two drift; rendering it means the reference is right by construction, and a
test (``tests/kernel/test_docs.py``) fails when the committed file is stale.

Regenerate after changing a hookspec::

    python -m kernel.hookdocs              # writes docs/hooks.md (built-in addons)
    python -m kernel.hookdocs --check      # exit 1 when docs/hooks.md is stale
    suanpan addons hooks [NAME …] [-o FILE]  # any addons, e.g. your own on --addons-path

Besides each hook's text, the reference lists which built-in addons implement it,
in the order pluggy calls them, computed from a registry composed of the addons
rendered — so the documented call order is the real one.
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import FunctionType, ModuleType
from typing import Any

from kernel.addons.manifest import Manifest
from kernel.hooks import PROJECT

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = ROOT / "docs" / "hooks.md"
SPEC_MARK = f"{PROJECT}_spec"


@dataclass
class Impl:
    """One implementation of a hook, as pluggy will call it."""

    addon: str
    when: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()

    def text(self) -> str:
        extra = [*self.flags]
        if self.when:
            extra.append("when " + ", ".join(self.when) + " installed")
        return f"{self.addon} ({'; '.join(extra)})" if extra else self.addon


@dataclass
class HookDoc:
    name: str
    func: FunctionType
    options: dict[str, Any]
    impls: list[Impl] = field(default_factory=list)


@dataclass
class SpecModule:
    owner: str  # "kernel" or the addon's name
    module: ModuleType
    hooks: list[HookDoc]

    @property
    def facade(self) -> str | None:
        """The name of the module's typed facade (a :class:`kernel.hooks.HookFacade`)."""
        from kernel.hooks import HookFacade

        for value in vars(self.module).values():
            if (
                isinstance(value, type)
                and issubclass(value, HookFacade)
                and value.__module__ == self.module.__name__
            ):
                return value.__name__
        return None


def spec_functions(module: ModuleType) -> list[FunctionType]:
    """Functions of ``module`` carrying pluggy's spec marker, in source order."""
    found = [
        value
        for value in vars(module).values()
        if isinstance(value, FunctionType)
        and hasattr(value, SPEC_MARK)
        and value.__module__ == module.__name__
    ]
    return sorted(found, key=lambda f: f.__code__.co_firstlineno)


def collect(manifests: Iterable[Manifest]) -> list[SpecModule]:
    """The kernel's hookspecs, then each addon's (dependency order), with their implementations.

    The implementations are read from a registry composed of ``manifests``: its
    plugin manager holds exactly what pluggy calls, in its order.
    """
    from kernel import hookspecs as kernel_specs
    from kernel.addons.resolve import order
    from kernel.instance import addon_parts
    from kernel.models.registry import build_registry

    manifests = list(manifests)
    by_name = {m.name: m for m in manifests}
    ordered = [by_name[n] for n in order(by_name, by_name)]
    parts = {m.name: addon_parts(m) for m in ordered}
    registry = build_registry(ordered, parts)
    installed = {"kernel", *by_name}
    when_of: dict[str, tuple[str, ...]] = {}
    for manifest in ordered:
        applied = [c for c in parts[manifest.name].plugins if c.applies(installed)]
        for index, conditional in enumerate(applied):
            when_of[f"{manifest.name}:{index}"] = conditional.when

    modules = [SpecModule("kernel", kernel_specs, [])]
    for manifest in ordered:
        modules.extend(SpecModule(manifest.name, m, []) for m in parts[manifest.name].hookspecs)
    for spec_module in modules:
        for func in spec_functions(spec_module.module):
            caller = getattr(registry.pm.hook, func.__name__)
            impls = [
                Impl(
                    addon=impl.plugin_name.split(":")[0],
                    when=when_of.get(impl.plugin_name, ()),
                    flags=_flags(impl),
                )
                for impl in reversed(caller.get_hookimpls())  # pluggy calls the last first
            ]
            spec_module.hooks.append(
                HookDoc(func.__name__, func, dict(getattr(func, SPEC_MARK)), impls)
            )
    return modules


def _flags(impl: Any) -> tuple[str, ...]:
    names = ("wrapper", "hookwrapper", "tryfirst", "trylast")
    return tuple(name for name in names if getattr(impl, name, False))


# --- Markdown ---------------------------------------------------------------------------

_ROLE = re.compile(r":(?:func|class|meth|mod|attr|data|exc):`(~?)([^`]+)`")


def _role(match: re.Match[str]) -> str:
    """``:func:`a.b``` → ```a.b```; with ``~`` only the last name, as Sphinx shows it."""
    tilde, target = match.groups()
    return f"`{target.rsplit('.', 1)[-1] if tilde else target}`"


def markdown_of(docstring: str) -> str:
    """reStructuredText as written in docstrings → Markdown.

    Handles what hookspec docstrings use: ````literal```` → ```literal```, the
    ``:func:``/``:class:`` roles (``~`` keeps the last name), and a paragraph ending in
    ``::`` followed by an indented block (a fenced code block).
    """
    text = inspect.cleandoc(docstring)
    text = _ROLE.sub(_role, text)
    text = re.sub(r"``([^`]+)``", r"`\1`", text)
    out: list[str] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.rstrip().endswith("::"):
            stripped = line.rstrip()
            head = stripped[:-2].rstrip()
            if head:
                out.append(head + ":")
            i += 1
            block: list[str] = []
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith((" ", "\t"))):
                block.append(lines[i])
                i += 1
            while block and not block[-1].strip():
                block.pop()
            while block and not block[0].strip():
                block.pop(0)
            indent = min(
                (len(b) - len(b.lstrip()) for b in block if b.strip()),
                default=0,
            )
            out.extend(["", "```", *(b[indent:] for b in block), "```", ""])
            continue
        out.append(line)
        i += 1
    return "\n".join(out).strip() + "\n"


def _signature(func: FunctionType) -> str:
    sig = inspect.signature(func)
    params = []
    for p in sig.parameters.values():
        note = p.annotation if p.annotation is not inspect.Parameter.empty else None
        params.append(f"{p.name}: {note}" if note else p.name)
    ret = sig.return_annotation
    tail = f" -> {ret}" if ret is not inspect.Signature.empty else ""
    return f"def {func.__name__}({', '.join(params)}){tail}: ..."


def _source_path(module: ModuleType) -> str:
    file = Path(module.__file__ or "")
    try:
        return file.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return module.__name__


def _anchor(title: str) -> str:
    return re.sub(r"[^\w\- ]", "", title.lower()).strip().replace(" ", "-")


PREAMBLE = """\
# Hook reference

<!-- Generated by `python -m kernel.hookdocs` from the hook specifications; do not edit.
     A test fails when this file differs from what the hookspecs render. -->

Every hook an addon can implement, rendered from the `@hookspec` functions that declare
it: the kernel's (`kernel/hookspecs.py`) and each built-in addon's `hookspecs.py`, grouped
by the module declaring them, in dependency order. How to offer and implement hooks is in
the [addon guide](addon-guide.md#hooks). Regenerate this file after changing a hookspec:

```sh
python -m kernel.hookdocs                          # writes docs/hooks.md
suanpan --addons-path ./my_addons addons hooks warranty -o warranty-hooks.md  # your addons
```

## How hooks are called

- **Keyword arguments only, through the typed facade** of the module declaring the hook:
  `SalesOrderHooks(env).sale_order_approved(env=env, order=order)` (each `hookspecs.py`
  declares one, a `kernel.hooks.HookFacade` with one typed method per hook; the bare relay
  `env.hook.<name>(...)` works too but is not type-checked). An implementation may leave
  out parameters it does not use; pluggy passes only those it names.
- **Results.** A normal hook returns the list of every implementation's non-`None`
  result, in call order (the facade types it: `list[list[CheckResult]]` for
  `sale_order_checks`). A *firstresult* hook stops at the first non-`None` result and
  returns it (`None` when every implementation returned `None`).
- **Errors.** An implementation that raises stops the call: the implementations after it
  do not run and the exception reaches the caller. Unless a hook says otherwise it runs in
  the caller's unit of work, so the whole action rolls back and the user sees the error.
- **Call order between addons.** The kernel registers one plugin per `parts.plugin(...)`
  call, addon by addon in installation order (dependencies first, ties broken by name —
  the order `suanpan addons graph` prints), skipping `when=` parts whose addons are not
  installed. pluggy calls the **last registered implementation first**, so an addon's
  implementation runs *before* those of the addons it depends on: delivery's
  `stock_picking_done` runs before stock's own, purchase_accounting's
  `account_payment_state_changed` before accounting's. Between addons that do not depend
  on each other it follows the installation order, which depends on which addons are
  installed: treat it as unspecified and do not rely on it.
- **`@hookimpl(tryfirst=True)` / `@hookimpl(trylast=True)`** move an implementation to
  the front or the back; among several `tryfirst` (or `trylast`) ones, again the last
  registered runs first. Use them when an order is part of the contract (a firstresult
  hook where a specific answer must win), not to paper over a hidden dependency: if B needs
  A's effect, make B depend on A or have A report a milestone.
- **`@hookimpl(wrapper=True)`**: a generator function wrapping every other
  implementation: code before its `yield` runs first, `yield` returns the result (or
  raises the exception) of the others, and what it returns becomes the call's result.
- **`@hookimpl(optionalhook=True)`** implements a hook of an addon you do not depend on;
  without it, implementing a hook no installed addon specifies fails when the registry is
  composed (a misspelt name never goes unnoticed).

Under each hook, *Implemented by* lists the addons of this reference implementing it, in
the order pluggy calls them when all of them are installed (a `when=` part runs only where
the addons it names are installed too).
"""


def render(modules: list[SpecModule], preamble: str = PREAMBLE) -> str:
    """The whole reference as Markdown."""
    out = [preamble.rstrip("\n"), ""]
    toc: list[str] = []
    body: list[str] = []
    for spec_module in modules:
        if not spec_module.hooks:
            continue
        path = _source_path(spec_module.module)
        title = f"{spec_module.owner} ({path})"
        toc.append(
            f"- [{spec_module.owner}](#{_anchor(title)}): "
            + ", ".join(f"`{h.name}`" for h in spec_module.hooks)
        )
        body.extend([f"## {spec_module.owner} (`{path}`)", ""])
        if spec_module.module.__doc__:
            body.extend([markdown_of(spec_module.module.__doc__).rstrip("\n"), ""])
        for hook in spec_module.hooks:
            params = ", ".join(inspect.signature(hook.func).parameters)
            body.extend([f"### `{hook.name}({params})`", ""])
            body.extend(["```python", _signature(hook.func), "```", ""])
            kinds = []
            if hook.options.get("firstresult"):
                kinds.append("*firstresult*: the first non-`None` answer wins and stops the call.")
            if hook.options.get("historic"):
                kinds.append("*historic*: implementations registered later are called too.")
            if kinds:
                body.extend([" ".join(kinds), ""])
            body.extend([markdown_of(hook.func.__doc__ or "").rstrip("\n"), ""])
            if spec_module.facade:
                names = list(inspect.signature(hook.func).parameters)
                args = ", ".join(f"{p}={p}" for p in names)
                holder = "env" if "env" in names else "registry.pm"
                call = f"{spec_module.facade}({holder}).{hook.name}({args})"
                body.extend([f"*Call*: `{call}`.", ""])
            impls = " → ".join(i.text() for i in hook.impls) or "none of these addons"
            body.extend([f"*Implemented by* (call order): {impls}.", ""])
    out.extend(["## Contents", "", *toc, "", *body])
    return "\n".join(out).rstrip("\n") + "\n"


def builtin_manifests() -> list[Manifest]:
    """Every built-in addon (not those on an addons path or from entry points)."""
    from kernel.addons.discovery import discover

    return [m for m in discover().values() if m.source == "builtin"]


def reference(manifests: Iterable[Manifest] | None = None) -> str:
    """The rendered reference for ``manifests`` (default: the built-in addons)."""
    return render(collect(builtin_manifests() if manifests is None else manifests))


def main(argv: list[str] | None = None, *, write: Callable[[str], Any] = print) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kernel.hookdocs", description="Render docs/hooks.md from the hookspecs."
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--check", action="store_true", help="exit 1 when the file is stale")
    args = parser.parse_args(argv)
    text = reference()
    current = args.output.read_text(encoding="utf-8") if args.output.is_file() else ""
    if args.check:
        if current != text:
            write(f"{args.output} is stale: run python -m kernel.hookdocs")
            return 1
        write(f"{args.output} is up to date")
        return 0
    if current != text:
        args.output.write_text(text, encoding="utf-8")
        write(f"wrote {args.output}")
    else:
        write(f"{args.output} is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())

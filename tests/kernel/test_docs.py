"""Every hook an addon developer can implement is documented, with its real parameters.

After datasette's ``tests/test_docs.py``: the hook specifications of the kernel
and of every built-in addon are collected from their pluggy markers and compared
with the ``#### `hook(arg, …)` `` headings of ``docs/addon-guide.md``.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path
from types import FunctionType

import pytest

from kernel.hooks import PROJECT

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "addon-guide.md"
HEADING = re.compile(r"^#### `(?P<name>\w+)\((?P<params>[^)]*)\)`", re.MULTILINE)
SPEC_MARK = f"{PROJECT}_spec"


def spec_modules() -> list[str]:
    """``kernel.hookspecs`` and ``addons.<name>.hookspecs`` of every built-in addon."""
    found = ["kernel.hookspecs"]
    for path in sorted((ROOT / "addons").glob("*/hookspecs.py")):
        found.append(f"addons.{path.parent.name}.hookspecs")
    return found


def hookspecs() -> dict[str, tuple[str, FunctionType]]:
    """Hook name → (module, function), for functions carrying pluggy's spec marker."""
    specs: dict[str, tuple[str, FunctionType]] = {}
    for module_name in spec_modules():
        module = importlib.import_module(module_name)
        for name, value in vars(module).items():
            if isinstance(value, FunctionType) and hasattr(value, SPEC_MARK):
                specs[name] = (module_name, value)
    return specs


def documented() -> dict[str, list[str]]:
    text = GUIDE.read_text(encoding="utf-8")
    return {
        m["name"]: [p.strip() for p in m["params"].split(",") if p.strip()]
        for m in HEADING.finditer(text)
    }


SPECS = hookspecs()


def test_hookspecs_are_found() -> None:
    # The kernel alone has a dozen; an empty collection would make the checks below vacuous.
    assert {"registry_ready", "register_cli_commands", "deliver_outbox_message"} <= set(SPECS)


@pytest.mark.parametrize("hook", sorted(SPECS))
def test_hook_is_documented_with_its_parameters(hook: str) -> None:
    module, func = SPECS[hook]
    docs = documented()
    assert hook in docs, f"{hook} (from {module}) is missing from {GUIDE.name}"
    params = list(inspect.signature(func).parameters)
    assert docs[hook] == params, (
        f"{GUIDE.name} documents {hook}({', '.join(docs[hook])}) "
        f"but {module} declares {hook}({', '.join(params)})"
    )


@pytest.mark.parametrize("hook", sorted(SPECS))
def test_hook_has_a_contract_docstring(hook: str) -> None:
    module, func = SPECS[hook]
    assert (func.__doc__ or "").strip(), f"{module}.{hook} has no docstring"


def test_guide_documents_no_hook_that_does_not_exist() -> None:
    stale = sorted(set(documented()) - set(SPECS))
    assert not stale, f"{GUIDE.name} documents hooks nobody specifies: {stale}"

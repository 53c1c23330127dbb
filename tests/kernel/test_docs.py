"""The hook reference is generated from the hookspecs and current; the docs name real things.

``docs/hooks.md`` is rendered by :mod:`kernel.hookdocs` from the ``@hookspec``
functions of the kernel and of every built-in addon (signature, docstring, the
addons implementing each in call order). The tests fail when the committed file is
stale, when a hook has no docstring, or when the guide retypes hook entries instead
of pointing at the reference.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path
from types import FunctionType

import pytest

from kernel import hookdocs

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "addon-guide.md"
HOOKS_DOC = ROOT / "docs" / "hooks.md"


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
        for func in hookdocs.spec_functions(module):
            specs[func.__name__] = (module_name, func)
    return specs


SPECS = hookspecs()


@pytest.fixture(scope="module")
def rendered() -> str:
    return hookdocs.reference()


def test_hookspecs_are_found() -> None:
    # The kernel alone has a dozen; an empty collection would make the checks below vacuous.
    assert {"registry_ready", "register_cli_commands", "deliver_outbox_message"} <= set(SPECS)
    assert {"sale_order_approved", "stock_picking_done", "delivery_shipment_signed"} <= set(SPECS)


def test_hooks_md_is_current(rendered: str) -> None:
    committed = HOOKS_DOC.read_text(encoding="utf-8") if HOOKS_DOC.is_file() else ""
    assert committed == rendered, (
        "docs/hooks.md is stale: regenerate it with `python -m kernel.hookdocs`"
    )


@pytest.mark.parametrize("hook", sorted(SPECS))
def test_every_hook_is_in_the_reference_with_its_parameters(hook: str, rendered: str) -> None:
    module, func = SPECS[hook]
    params = ", ".join(inspect.signature(func).parameters)
    assert f"### `{hook}({params})`" in rendered, f"{module}.{hook} is missing from the reference"


@pytest.mark.parametrize("hook", sorted(SPECS))
def test_hook_has_a_contract_docstring(hook: str) -> None:
    module, func = SPECS[hook]
    doc = inspect.cleandoc(func.__doc__ or "")
    assert doc, f"{module}.{hook} has no docstring: the reference is rendered from it"
    # a contract says more than a title: when it is called and what the answer means
    assert len(doc.split()) >= 12, f"{module}.{hook}'s docstring is too short to be a contract"


def test_reference_documents_the_call_order(rendered: str) -> None:
    assert "last registered implementation first" in rendered
    assert "tryfirst" in rendered and "trylast" in rendered and "firstresult" in rendered
    # computed from a composed registry: delivery (depends on stock) is called before stock
    section = rendered.split("### `stock_picking_done(")[1].split("###")[0]
    order = section.split("*Implemented by* (call order):")[1]
    assert order.index("delivery") < order.index("stock")


def test_guide_points_at_the_reference_instead_of_retyping_it() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    assert "(hooks.md)" in guide
    retyped = re.findall(r"^#+ `(\w+)\(", guide, re.MULTILINE)
    assert not set(retyped) & set(SPECS), f"hooks retyped in {GUIDE.name}: {retyped}"


def test_docstring_rst_becomes_markdown() -> None:
    text = hookdocs.markdown_of(
        """Calls :func:`~kernel.mail.notify.staff` and :class:`kernel.web.views.View`.

        Use ``x``::

            a = 1

        Done.
        """
    )
    assert "`staff`" in text and "`kernel.web.views.View`" in text and "`x`" in text
    assert "Use `x`:\n\n```\na = 1\n```\n\nDone." in text


README = ROOT / "README.md"
CI_SCRIPT = ROOT / ".ci" / "run"


def shell_blocks(text: str) -> list[list[str]]:
    blocks = re.findall(r"```(?:sh|bash|shell)\n(.*?)```", text, re.DOTALL)
    return [[line for line in block.splitlines() if line.strip()] for block in blocks]


def test_readme_sets_up_with_exactly_two_commands_the_second_being_ci() -> None:
    first = shell_blocks(README.read_text(encoding="utf-8"))[0]
    assert len(first) == 2, first
    assert "setup_instance.py --serve" in first[0]
    assert first[1] == "bash .ci/run"


def test_ci_script_is_executable_strict_bash() -> None:
    import os
    import subprocess

    assert os.access(CI_SCRIPT, os.X_OK)
    source = CI_SCRIPT.read_text(encoding="utf-8")
    assert source.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in source
    subprocess.run(["bash", "-n", str(CI_SCRIPT)], check=True)
    for needed in ("SUANPAN_TEST_DB=sqlite", "SUANPAN_TEST_DB=postgresql", 'ruff" check', "mypy"):
        assert needed in source


def test_commands_shown_in_the_docs_exist() -> None:
    """Every ``suanpan a b`` line of the README and the guide names a real (sub)command."""
    import click

    from kernel.cli import cli

    texts = README.read_text(encoding="utf-8") + GUIDE.read_text(encoding="utf-8")
    shown = re.findall(
        r"^\s*suanpan ((?:--?[\w-]+ \S+ )*)([a-z][\w-]*)(?: ([a-z][\w-]*))?", texts, re.MULTILINE
    )
    assert len(shown) > 10
    for _options, name, sub in shown:
        command = cli.commands.get(name)
        assert command is not None, f"suanpan {name} is shown in the docs but does not exist"
        if isinstance(command, click.Group) and sub:
            assert sub in command.commands, f"suanpan {name} {sub} does not exist"

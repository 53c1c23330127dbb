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

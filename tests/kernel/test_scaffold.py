"""`suanpan addons new`: the generated addon installs, passes its own tests and uninstalls."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kernel import lifecycle, schema
from kernel.cli import cli
from kernel.testing import MakeInstance, db_kind, table_counts


def scaffold(where: Path, *args: str) -> Path:
    result = CliRunner().invoke(cli, ["addons", "new", *args, "--path", str(where)])
    assert result.exit_code == 0, result.output
    return where


def own_tests(folder: Path, tests: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the generated tests as their developer would, outside this repository."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "kernel.testing",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(folder),
            tests,
        ],
        cwd=folder,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_a_folder_addon_installs_passes_its_tests_and_uninstalls(
    make_instance: MakeInstance, tmp_path: Path
) -> None:
    scaffold(tmp_path, "warranty", "--title", "Warranty", "--title-zh", "保修")
    addon = tmp_path / "warranty"
    assert (addon / "i18n" / "zh_CN" / "LC_MESSAGES" / "messages.po").is_file()
    assert len(list((addon / "migrations").glob("*_initial.py"))) == 1

    run = own_tests(tmp_path, "warranty/tests")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "failed" not in run.stdout

    instance = make_instance(["base"])
    instance = type(instance)(instance.url, [str(tmp_path)])
    with instance.engine.connect() as conn:
        before = schema.snapshot(conn)
    rows = table_counts(instance)
    assert lifecycle.install(instance, ["warranty"]) == ["warranty"]
    with instance.unit(None, su=True) as env:
        assert "warranty.record" in env.registry
        menus: list[tuple[str, str | None]] = []
        env.hook.register_menus(
            register=lambda key, *a, parent=None, **k: menus.append((key, parent))
        )
        assert ("warranty.records", "base") in menus  # hung under the built-in Master Data menu
        assert env.ref("warranty.group_manager").name == "Manager"
    lifecycle.uninstall(instance, ["warranty"])
    with instance.engine.connect() as conn:
        assert schema.snapshot(conn) == before
    assert table_counts(instance) == rows


@pytest.mark.skipif(db_kind() != "sqlite", reason="packaging does not depend on the database")
def test_a_pip_addon_builds_and_passes_its_tests_through_its_entry_point(tmp_path: Path) -> None:
    scaffold(tmp_path, "shelf_life", "--pip")
    project = tmp_path / "suanpan-shelf-life"
    assert "suanpan.addons" in (project / "pyproject.toml").read_text()
    site = tmp_path / "site"
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(site),
            str(project),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    run = own_tests(site, "suanpan_shelf_life/tests", PYTHONPATH=str(site))
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "failed" not in run.stdout


def test_bad_names_are_refused_in_one_line(tmp_path: Path) -> None:
    for name, reason in (("sales_order", "already exists"), ("9lives", "not a valid addon name")):
        result = CliRunner().invoke(cli, ["addons", "new", name, "--path", str(tmp_path)])
        assert result.exit_code == 1
        assert reason in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []

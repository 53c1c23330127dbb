"""``setup_instance.py``: one idempotent step from nothing to a working instance."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from kernel.addons.discovery import discover
from kernel.cli_setup import setup
from kernel.instance import Instance
from kernel.passwords import verify_password

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = str(ROOT / "tests" / "fixtures" / "addons")
PHASE_ONE = ("base", "sales_order", "stock", "purchase", "accounting")


def run_setup(*args: str) -> Result:
    return CliRunner().invoke(setup, list(args), env={"LANG": "C"})


def test_second_run_changes_nothing(db_url: str) -> None:
    args = (
        "--db", db_url, "--addons-path", FIXTURES, "--addons", "library",
        "--company", "Acme", "--admin-password", "pw1",
    )  # fmt: skip
    first = run_setup(*args)
    assert first.exit_code == 0, first.output
    assert "initialized" in first.output and "installed library" in first.output
    instance = Instance(db_url, [FIXTURES])
    try:
        assert instance.installed_names() == ["library"]
        second = run_setup(*args[:-1], "another-password")
        assert second.exit_code == 0, second.output
        assert "nothing to do" in second.output
        assert instance.installed_names() == ["library"]
        with instance.unit(None, su=True) as env:
            User = env["res.user"]
            admins = env.session.scalars(select(User).where(User.login == "admin")).all()
            assert len(admins) == 1
            assert verify_password("pw1", admins[0].password_hash)[0]
            assert env.setting("company_name") == "Acme"

        more = run_setup("--db", db_url, "--addons-path", FIXTURES, "--addons", "library_loan")
        assert more.exit_code == 0, more.output
        assert "installed library_loan, library_glue" in more.output
        assert instance.installed_names() == ["library", "library_loan", "library_glue"]
    finally:
        instance.engine.dispose()


def test_new_instance_needs_an_admin_password(db_url: str) -> None:
    result = run_setup("--db", db_url, "--addons-path", FIXTURES, "--addons", "library")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: --admin-password is needed to create the instance {db_url_shown(db_url)}"
    ]


def test_unknown_addon_is_refused_before_anything_is_written(db_url: str) -> None:
    result = run_setup(
        "--db", db_url, "--addons-path", FIXTURES, "--addons", "libary", "--admin-password", "x"
    )  # fmt: skip
    assert result.exit_code == 2
    assert "did you mean library?" in result.stderr
    instance = Instance(db_url, [FIXTURES])
    try:
        assert not instance.is_initialized()
    finally:
        instance.engine.dispose()


def test_the_script_runs_from_a_shell(db_url: str) -> None:
    """The file at the root of the repository is what the README tells people to run."""
    cmd = [
        sys.executable, str(ROOT / "setup_instance.py"), "--db", db_url,
        "--addons-path", FIXTURES, "--addons", "library", "--admin-password", "pw",
    ]  # fmt: skip
    env = {**os.environ, "LANG": "C", "SUANPAN_FAST_HASH": "1"}
    first = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert first.returncode == 0, first.stderr
    second = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert second.returncode == 0, second.stderr
    assert "nothing to do" in second.stdout


@pytest.mark.slow
@pytest.mark.skipif(
    not set(PHASE_ONE) <= set(discover()), reason="the phase-1 addons are not all there yet"
)
def test_full_demo_instance(db_url: str) -> None:
    first = run_setup("--db", db_url, "--all", "--demo", "--admin-password", "admin")
    assert first.exit_code == 0, first.output
    instance = Instance(db_url)
    try:
        assert set(PHASE_ONE) <= set(instance.installed_names())
        with instance.unit(None, su=True) as env:
            SaleOrder = env["sale.order"]
            assert env.session.scalars(select(SaleOrder).limit(1)).first() is not None
    finally:
        instance.engine.dispose()
    second = run_setup("--db", db_url, "--all", "--demo", "--admin-password", "admin")
    assert second.exit_code == 0 and "nothing to do" in second.output


def db_url_shown(url: str) -> str:
    from kernel.cli_common import safe_url

    return safe_url(url)

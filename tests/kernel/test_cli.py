"""The ``suanpan`` command as an implementer uses it, on SQLite and PostgreSQL.

Addons come from the kernel's test fixtures (``tests/fixtures/addons``) and from a
tiny probe addon written into a temporary folder, so these tests do not depend on
the built-in addons.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from kernel.apikeys import verify_api_key
from kernel.cli import cli
from kernel.instance import Instance
from kernel.passwords import verify_password
from kernel.testing import MakeInstance, db_kind

FIXTURES = str(Path(__file__).resolve().parents[1] / "fixtures" / "addons")

PROBE_MANIFEST = """\
name = "cli_probe"
title = "CLI probe"
version = "1.0"
summary = "Test addon adding a command to suanpan."
depends = []
"""
PROBE_INIT = """\
from kernel.addons.parts import AddonParts


def register(parts: AddonParts) -> None:
    from . import hooks

    parts.plugin(hooks)
"""
PROBE_HOOKS = """\
import click

from kernel import _, hookimpl
from kernel.cli import pass_instance


@click.command("probe-hello")
@pass_instance
def hello(instance):
    click.echo(_("Installed here: %(names)s", names=", ".join(instance.installed_names())))


@hookimpl
def register_cli_commands(register):
    register(hello)
"""


@pytest.fixture(scope="module")
def probe_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An addons folder with ``cli_probe``, an addon that registers a CLI command."""
    root = tmp_path_factory.mktemp("probe_addons")
    addon = root / "cli_probe"
    addon.mkdir()
    (addon / "manifest.toml").write_text(PROBE_MANIFEST, encoding="utf-8")
    (addon / "__init__.py").write_text(PROBE_INIT, encoding="utf-8")
    (addon / "hooks.py").write_text(PROBE_HOOKS, encoding="utf-8")
    return str(root)


def run(*args: str, input: str | None = None, lang: str = "C") -> Result:
    return CliRunner().invoke(cli, list(args), input=input, env={"LANG": lang})


def suanpan(url: str, *args: str, input: str | None = None, path: str = FIXTURES) -> Result:
    return run("--db", url, "--addons-path", path, *args, input=input)


def test_init_creates_the_instance_once(db_url: str) -> None:
    result = run("init", "--db", db_url, "--admin-password", "s3cret", "--company", "Acme 有限公司")
    assert result.exit_code == 0, result.output
    instance = Instance(db_url)
    try:
        assert instance.is_initialized()
        with instance.unit(None, su=True) as env:
            assert env.setting("company_name") == "Acme 有限公司"
            User = env["res.user"]
            admin = env.session.scalar(select(User).where(User.login == "admin"))
            assert verify_password("s3cret", admin.password_hash)[0]
    finally:
        instance.engine.dispose()
    again = run("init", "--db", db_url, "--admin-password", "other")
    assert again.exit_code == 0
    assert "already initialized" in again.output


def test_commands_on_an_empty_database_explain_what_to_do(db_url: str) -> None:
    result = suanpan(db_url, "addons", "install", "library")
    assert result.exit_code == 2
    assert "not initialized" in result.stderr
    assert "suanpan init" in result.stderr
    assert "Traceback" not in result.output


def test_list_shows_every_addon_with_what_is_installed(make_instance: MakeInstance) -> None:
    instance = make_instance(["library"], addons_path=[FIXTURES])
    result = suanpan(instance.url, "addons", "list")
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line for line in result.output.splitlines() if line.strip()}
    assert "library" in rows and "library_loan" in rows
    library = rows["library"]
    assert "Library" in library and "addons path" in library and "tests" in library
    loan = rows["library_loan"]
    assert " - " in loan and "tests" not in loan  # not installed: no version, no installer
    assert "built-in" in rows["base"]


def test_install_then_uninstall_refuses_while_dependents_remain(
    make_instance: MakeInstance,
) -> None:
    instance = make_instance(addons_path=[FIXTURES])
    url = instance.url
    installed = suanpan(url, "addons", "install", "library_loan")
    assert installed.exit_code == 0, installed.output
    # library_glue installs by itself once library and library_loan are present.
    assert "Installed: library, library_loan, library_glue" in installed.output
    assert instance.installed_names() == ["library", "library_loan", "library_glue"]

    refused = suanpan(url, "addons", "uninstall", "library", "--yes")
    assert refused.exit_code == 2
    assert "library_loan" in refused.stderr and "--cascade" in refused.stderr
    assert instance.installed_names() == ["library", "library_loan", "library_glue"]

    declined = suanpan(url, "addons", "uninstall", "library", "--cascade", input="n\n")
    assert declined.exit_code == 1
    assert "library_glue, library_loan, library" in declined.output
    assert "Nothing was removed" in declined.output
    assert instance.installed_names() == ["library", "library_loan", "library_glue"]

    removed = suanpan(url, "addons", "uninstall", "library", "--cascade", "--yes")
    assert removed.exit_code == 0, removed.output
    assert "Uninstalled: library_glue, library_loan, library" in removed.output
    assert instance.installed_names() == []


def test_unknown_addon_is_one_line_with_the_closest_name(make_instance: MakeInstance) -> None:
    instance = make_instance(addons_path=[FIXTURES])
    result = suanpan(instance.url, "addons", "install", "libary_loan")
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert lines == ["Error: unknown addon libary_loan — did you mean library_loan?"]
    assert instance.installed_names() == []


def test_errors_are_translated(make_instance: MakeInstance) -> None:
    instance = make_instance(addons_path=[FIXTURES])
    result = run(
        "--lang", "zh_CN", "--db", instance.url, "--addons-path", FIXTURES,
        "addons", "install", "libary_loan",
    )  # fmt: skip
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert "library_loan" in line and "unknown addon" not in line and "Error" not in line


def test_graph_shows_dependencies_and_extension_order(make_instance: MakeInstance) -> None:
    instance = make_instance(["library_loan"], addons_path=[FIXTURES])
    result = suanpan(instance.url, "addons", "graph")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "library_glue 1.0 (auto)" in out
    assert "└── library 1.0" in out
    assert "Installation order: library → library_loan → library_glue" in out
    assert "lib.book: library:Book → library_loan:BookLoan → library_glue:BookGlue" in out


def test_hooks_renders_the_reference_of_an_addon_outside_the_repository(tmp_path: Path) -> None:
    """A third-party developer renders their addon's hook reference like docs/hooks.md."""
    out = tmp_path / "hooks.md"
    url = f"sqlite:///{tmp_path / 'none.db'}"  # no database is needed, none is made
    result = suanpan(url, "addons", "hooks", "library_loan", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    library = text.split("## library (`")[1]
    assert "### `library_book_labels(env, book)`" in library
    assert "every installed implementation contributes a list" in library
    labels = library.split("### `library_book_labels(")[1].split("###")[0]
    assert "*Implemented by* (call order): library_loan." in labels
    assert "## stock" not in text  # only the addons named and their dependencies
    assert not (tmp_path / "none.db").exists()
    unknown = suanpan(url, "addons", "hooks", "no_such_addon")
    assert unknown.exit_code == 2 and "no_such_addon" in unknown.stderr


def test_api_key_is_printed_once_and_only_its_hash_is_stored(
    make_instance: MakeInstance,
) -> None:
    instance = make_instance()
    result = suanpan(instance.url, "users", "api-key", "admin", "--name", "ci")
    assert result.exit_code == 0, result.output
    keys = [word for word in result.output.split() if word.startswith("sp_")]
    assert len(keys) == 1
    key = keys[0]
    assert result.output.count(key) == 1
    with instance.unit(None, su=True) as env:
        ApiKey = env["res.user.apikey"]
        row = env.session.scalars(select(ApiKey)).one()
        assert row.name == "ci"
        assert row.prefix == key[3:11]
        stored = [str(v) for v in (row.key_hash, row.prefix, row.name)]
        assert all(key not in value for value in stored)
        assert verify_password(key, row.key_hash)[0]
        admin_id = row.user_id
    with instance.sessionmaker() as session:
        assert verify_api_key(session, instance.registry, key) == admin_id
        assert verify_api_key(session, instance.registry, key[:-1] + "x") is None
        assert verify_api_key(session, instance.registry, "sp_short") is None


def test_users_create_and_passwd(make_instance: MakeInstance) -> None:
    instance = make_instance()
    url = instance.url
    typo = suanpan(
        url, "users", "create", "clerk", "--name", "Clerk", "--password", "clerk-pass-1", "--group",
        "kernel.group_admn",
    )  # fmt: skip
    assert typo.exit_code == 1
    assert "did you mean kernel.group_admin?" in typo.stderr
    created = suanpan(
        url, "users", "create", "clerk", "--name", "Clerk", "--password", "clerk-pass-1", "--group",
        "kernel.group_admin",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    taken = suanpan(
        url, "users", "create", "clerk", "--name", "Again", "--password", "clerk-pass-1"
    )
    assert taken.exit_code == 1 and "already taken" in taken.stderr
    changed = suanpan(url, "users", "passwd", "clerk", input="n3w-pass-1\nn3w-pass-1\n")
    assert changed.exit_code == 0, changed.output
    with instance.unit(None, su=True) as env:
        User = env["res.user"]
        clerk = env.session.scalar(select(User).where(User.login == "clerk"))
        assert verify_password("n3w-pass-1", clerk.password_hash)[0]
    with instance.unit(clerk.id) as env:
        assert env.has_group("kernel.group_admin") and env.has_group("kernel.group_user")
    missing = suanpan(url, "users", "passwd", "nobody", "--password", "x")
    assert missing.exit_code == 1 and "nobody" in missing.stderr
    short = suanpan(url, "users", "passwd", "clerk", "--password", "n3w")
    assert short.exit_code == 1 and "at least 8 characters" in short.stderr
    assert len(short.stderr.strip().splitlines()) == 1


def test_workflow_diagram(make_instance: MakeInstance) -> None:
    instance = make_instance(["library"], addons_path=[FIXTURES])
    mermaid = suanpan(instance.url, "workflow", "diagram", "lib.book")
    assert mermaid.exit_code == 0, mermaid.output
    assert mermaid.output.startswith("stateDiagram-v2")
    assert "draft --> submitted: submit" in mermaid.output
    dot = suanpan(instance.url, "workflow", "diagram", "lib.book", "--format", "dot")
    assert '"draft" -> "submitted" [label="submit"];' in dot.output
    typo = suanpan(instance.url, "workflow", "diagram", "lib.bok")
    assert typo.exit_code == 1 and "did you mean lib.book?" in typo.stderr


def test_addons_add_commands_through_the_hook(make_instance: MakeInstance, probe_path: str) -> None:
    instance = make_instance(["cli_probe"], addons_path=[probe_path])
    help_text = suanpan(instance.url, "--help", path=probe_path)
    assert "probe-hello" in help_text.output
    result = suanpan(instance.url, "probe-hello", path=probe_path)
    assert result.exit_code == 0, result.output
    assert "Installed here: cli_probe" in result.output


def test_addon_commands_fail_soft_before_init(db_url: str, probe_path: str) -> None:
    help_text = suanpan(db_url, "--help", path=probe_path)
    assert help_text.exit_code == 0
    assert "probe-hello" not in help_text.output and "addons" in help_text.output
    unknown = suanpan(db_url, "probe-hello", path=probe_path)
    assert unknown.exit_code == 2 and "No such command" in unknown.output


def test_i18n_update_counts_untranslated_messages(tmp_path: Path) -> None:
    addon = tmp_path / "cli_words"
    addon.mkdir()
    (addon / "manifest.toml").write_text(
        PROBE_MANIFEST.replace("cli_probe", "cli_words"), encoding="utf-8"
    )
    (addon / "__init__.py").write_text(
        'from kernel import _\n\nGREETING = _("Good morning")\n\n\ndef register(parts):\n    pass\n',
        encoding="utf-8",
    )
    result = run("i18n", "update", "cli_words", "--addons-path", str(tmp_path))
    assert result.exit_code == 0, result.output
    # "Good morning" plus the manifest's title and summary.
    assert "cli_words [zh_CN]: 3 untranslated" in result.output
    po = addon / "i18n" / "zh_CN" / "LC_MESSAGES" / "messages.po"
    assert 'msgid "Good morning"' in po.read_text(encoding="utf-8")
    extracted = run("i18n", "extract", "cli_words", "--addons-path", str(tmp_path))
    assert extracted.exit_code == 0 and (addon / "i18n" / "messages.pot").is_file()
    compiled = run("i18n", "compile", "cli_words", "--addons-path", str(tmp_path))
    assert compiled.exit_code == 0 and po.with_suffix(".mo").is_file()
    unknown = run("i18n", "update", "cli_wrds", "--addons-path", str(tmp_path))
    assert unknown.exit_code == 2 and "did you mean cli_words?" in unknown.stderr


REV_MANIFEST = PROBE_MANIFEST.replace("cli_probe", "cli_rev")
REV_INIT = """\
def register(parts):
    from .note import Note

    parts.model(Note)
"""
REV_MODEL = """\
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kernel import info, model
from kernel.i18n import _


@model("rev.note", _("Note"))
class Note:
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(64), default="", info=info(_("Text")))
"""


def test_revision_then_upgrade_migrates_an_installed_addon(db_url: str, tmp_path: Path) -> None:
    """The release cycle of an addon: installed at 1.0, a column added, a migration written and applied."""
    import os
    import subprocess
    import sys

    from sqlalchemy import inspect, text

    addon = tmp_path / "cli_rev"
    addon.mkdir()
    (addon / "manifest.toml").write_text(REV_MANIFEST, encoding="utf-8")
    (addon / "__init__.py").write_text(REV_INIT, encoding="utf-8")
    (addon / "note.py").write_text(REV_MODEL, encoding="utf-8")
    # Version 1.0 is installed by another process, as a customer's instance would be.
    root = Path(__file__).resolve().parents[2]
    subprocess.run(
        [sys.executable, "setup_instance.py", "--db", db_url, "--addons-path", str(tmp_path),
         "--addons", "cli_rev", "--admin-password", "x"],
        cwd=root, check=True, capture_output=True, env={**os.environ, "SUANPAN_FAST_HASH": "1"},
        timeout=120,
    )  # fmt: skip
    new_column = '    extra: Mapped[str] = mapped_column(String(8), default="", server_default="", info=info(_("Extra")))\n'
    (addon / "note.py").write_text(REV_MODEL + new_column, encoding="utf-8")

    wrote = suanpan(db_url, "addons", "revision", "cli_rev", "-m", "add extra", path=str(tmp_path))
    assert wrote.exit_code == 0, wrote.output
    [script] = list((addon / "migrations").glob("*_add_extra.py"))
    source = script.read_text(encoding="utf-8")
    assert "branch_labels = ('cli_rev',)" in source
    assert "add_column" in source and "'extra'" in source

    upgraded = suanpan(db_url, "addons", "upgrade", "cli_rev", path=str(tmp_path))
    assert upgraded.exit_code == 0, upgraded.output
    instance = Instance(db_url, [str(tmp_path)])
    try:
        with instance.engine.connect() as conn:
            columns = {c["name"] for c in inspect(conn).get_columns("rev_note")}
            applied = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        assert "extra" in columns
        assert applied == [script.name.split("_", 1)[0]]
    finally:
        instance.engine.dispose()


def test_serve_refuses_a_database_that_is_not_set_up(db_url: str) -> None:
    result = run("serve", "--db", db_url, "--port", "0")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[0].startswith("Error: the database")
    assert "suanpan init" in result.stderr


def test_list_works_before_init(db_url: str) -> None:
    result = suanpan(db_url, "addons", "list")
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line for line in result.output.splitlines() if line.strip()}
    assert "library" in rows and " - " in rows["library"]


@pytest.mark.slow
def test_serve_answers_with_a_key_made_by_the_cli(make_instance: MakeInstance) -> None:
    """`suanpan serve` starts the web host; a key from `users api-key` opens the JSON API."""
    import json
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    from kernel.web.api.routes import PREFIX

    instance = make_instance(["library"], addons_path=[FIXTURES])
    made = suanpan(instance.url, "users", "api-key", "admin")
    key = next(word for word in made.output.split() if word.startswith("sp_"))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "kernel.cli", "serve", "--db", instance.url,
         "--addons-path", FIXTURES, "--port", str(port)],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "SUANPAN_FAST_HASH": "1"},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip

    def get(token: str) -> tuple[int, bytes]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{PREFIX}/_models",
            headers={"Authorization": f"Bearer {token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, body = get(key)
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                assert time.monotonic() < deadline, "the server did not answer within 30 s"
                time.sleep(0.3)
        assert status == 200, body
        assert "lib.book" in {m["model"] for m in json.loads(body)["models"]}
        assert get(key[:-2] + "xx")[0] == 401
    finally:
        _stop(server)


def _stop(server: Any) -> None:
    import subprocess

    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


@pytest.mark.slow
@pytest.mark.skipif(
    db_kind() == "postgresql",
    reason="on PostgreSQL `serve` leaves the jobs to `suanpan worker` (tested in test_jobs_workers)",
)
def test_serve_on_sqlite_answers_and_runs_the_jobs_in_process(
    make_instance: MakeInstance,
) -> None:
    """The README's demo: `serve` on SQLite answers and runs due jobs with no other service.

    The job runner must start inside the served worker: started in the parent before
    the server forks, a job running at that moment left the worker hung on a lock.
    Stock's reorder job is due at once on a new instance, so it runs while we wait.
    """
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    instance = make_instance(["stock"])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "kernel.cli", "serve", "--db", instance.url, "--port", str(port)],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "SUANPAN_FAST_HASH": "1"},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120  # generous: CI runs this beside other tests
        answered, ran = False, []
        while not (answered and ran):
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
            assert time.monotonic() < deadline, f"answered={answered} job runs={ran} after 120 s"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as r:
                    answered = r.status == 200
            except (urllib.error.URLError, ConnectionError):
                pass
            with instance.unit(None, su=True) as env:
                Run = env["ir.job.run"]
                ran = env.session.scalars(
                    select(Run.id).where(Run.job_name == "stock.reorder_rules")
                ).all()
            time.sleep(0.5)
    finally:
        _stop(server)


def test_users_create_without_password_or_terminal_says_what_to_do(
    make_instance: MakeInstance,
) -> None:
    instance = make_instance()
    blind = suanpan(instance.url, "users", "create", "clerk", "--name", "Clerk", input="")
    assert blind.exit_code == 1
    assert "--password" in blind.stderr and "Aborted" not in blind.output + blind.stderr
    piped = suanpan(
        instance.url, "users", "create", "clerk", "--name", "Clerk", input="pipe-pass-1\n"
    )
    assert piped.exit_code == 0, piped.output
    with instance.unit(None, su=True) as env:
        User = env["res.user"]
        clerk = env.session.scalar(select(User).where(User.login == "clerk"))
        assert verify_password("pipe-pass-1", clerk.password_hash)[0]


def test_installed_addon_whose_code_is_gone_is_listed_and_removed_by_force(
    make_instance: MakeInstance, tmp_path: Path
) -> None:
    import shutil

    from kernel import schema

    bare = make_instance()
    with bare.engine.connect() as conn:
        before = schema.snapshot(conn)
    shelf = tmp_path / "shelf"
    shutil.copytree(Path(FIXTURES) / "library", shelf / "library")
    installed = suanpan(bare.url, "addons", "install", "library", path=str(shelf))
    assert installed.exit_code == 0, installed.output
    shutil.rmtree(shelf / "library")  # the code is gone, its tables and rows are not

    listed = suanpan(bare.url, "addons", "list", path=str(shelf))
    assert listed.exit_code == 0, listed.output
    row = next(line for line in listed.output.splitlines() if line.split()[:1] == ["library"])
    assert "missing" in row
    assert "uninstall --force library" in listed.output

    plain = suanpan(bare.url, "addons", "uninstall", "library", "--yes", path=str(shelf))
    assert plain.exit_code == 2 and "--force" in plain.stderr
    forced = suanpan(
        bare.url, "addons", "uninstall", "library", "--force", "--yes", path=str(shelf)
    )
    assert forced.exit_code == 0, forced.output
    assert bare.installed_names() == []
    with bare.engine.connect() as conn:
        assert schema.snapshot(conn) == before
    with bare.unit(None, su=True) as env:
        Data, Access = env["ir.model.data"], env["ir.access"]
        assert not env.session.scalars(select(Data).where(Data.addon == "library")).all()
        assert not env.session.scalars(select(Access).where(Access.model.like("lib.%"))).all()


def test_folder_named_like_an_addon_package_does_not_hide_the_installed_one(
    db_url: str, tmp_path: Path
) -> None:
    import importlib.metadata

    names = {ep.name for ep in importlib.metadata.entry_points(group="suanpan.addons")}
    if "loyalty" not in names:
        pytest.skip("the suanpan_loyalty fixture distribution is not installed")
    (tmp_path / "suanpan_loyalty").mkdir()  # e.g. the project folder holding pyproject.toml
    listed = run("addons", "list", "--db", db_url, "--addons-path", str(tmp_path))
    assert listed.exit_code == 0, listed.output + listed.stderr
    row = next(line for line in listed.output.splitlines() if line.split()[:1] == ["loyalty"])
    assert "entry point" in row

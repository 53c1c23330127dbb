"""`suanpan db backup` / `db restore`: one archive, restored table for table, refusals that explain."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect, text

from kernel import backup, schema
from kernel.cli import cli
from kernel.database import normalize_url
from kernel.instance import Instance
from kernel.testing import DatabaseFactory, MakeInstance, db_kind

PDF = b"%PDF-1.4 fake but binary \x00\xff\x10" * 50


def every_row(url: str) -> tuple[dict[str, Any], dict[str, list[tuple[str, ...]]]]:
    """The schema and every row of every table, comparable across two databases."""
    engine = create_engine(normalize_url(url))
    with engine.connect() as conn:
        picture = schema.snapshot(conn)
        rows = {
            table: sorted(
                tuple(repr(v) for v in row)
                for row in conn.execute(text(f'SELECT * FROM "{table}"')).all()
            )
            for table in inspect(conn).get_table_names()
        }
    engine.dispose()
    return picture, rows


@pytest.fixture
def books(make_instance: MakeInstance) -> Instance:
    instance = make_instance(["sales_order"])
    with instance.unit(None, su=True) as env:
        partner = env["res.partner"](name="上海算盘贸易有限公司", is_company=True, is_customer=True)
        env.session.add(partner)
        env.session.flush()
        env.session.add(
            env["ir.attachment"](
                model="res.partner",
                res_id=partner.id,
                filename="合同.pdf",
                mimetype="application/pdf",
                size=len(PDF),
                content=PDF,
            )
        )
    instance.engine.dispose()
    return instance


def test_round_trip_restores_every_table_row_and_attachment(
    books: Instance, database_factory: DatabaseFactory, tmp_path: Path
) -> None:
    archive = tmp_path / "acme.tar.gz"
    manifest = backup.backup(books.url, archive)
    assert manifest["database"] == db_kind()
    assert [a["name"] for a in manifest["addons"]] == ["base", "sales_order"]
    assert manifest["attachments"] == 1
    assert manifest["tables"]["res_partner"] >= 1

    target = (
        database_factory.new_url() if db_kind() == "postgresql" else f"sqlite:///{tmp_path}/r.db"
    )
    backup.restore(archive, target)

    assert every_row(target) == every_row(books.url)
    restored = Instance(target)
    with restored.unit(None, su=True) as env:
        from sqlalchemy import select

        att = env.session.scalars(select(env["ir.attachment"])).one()
        assert (att.filename, bytes(att.content)) == ("合同.pdf", PDF)
    restored.engine.dispose()


def test_restore_refuses_a_database_that_holds_data(books: Instance, tmp_path: Path) -> None:
    archive = tmp_path / "acme.tar.gz"
    backup.backup(books.url, archive)
    with pytest.raises(backup.BackupError, match="--replace"):
        backup.restore(archive, books.url)
    backup.restore(archive, books.url, replace=True)  # asked for: replaced, same content
    assert every_row(books.url)[1]["res_partner"]


def test_an_archive_that_does_not_match_its_manifest_is_refused(
    books: Instance, database_factory: DatabaseFactory, tmp_path: Path
) -> None:
    good = tmp_path / "good.tar.gz"
    manifest = backup.backup(books.url, good)
    manifest["tables"]["res_partner"] += 1
    bad = tmp_path / "bad.tar.gz"
    with tarfile.open(good, "r:gz") as src, tarfile.open(bad, "w:gz") as dst:
        for member in src.getmembers():
            if member.name == backup.MANIFEST:
                data = json.dumps(manifest).encode()
                member.size = len(data)
                dst.addfile(member, io.BytesIO(data))
            else:
                dst.addfile(member, src.extractfile(member))
    target = (
        database_factory.new_url() if db_kind() == "postgresql" else f"sqlite:///{tmp_path}/r.db"
    )
    with pytest.raises(backup.BackupError, match="res_partner"):
        backup.restore(bad, target)


@pytest.mark.skipif(db_kind() != "sqlite", reason="SQLite's online backup while a writer is busy")
def test_sqlite_backup_while_serving_takes_only_committed_work(
    books: Instance, tmp_path: Path
) -> None:
    writer = create_engine(normalize_url(books.url))
    with writer.connect() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        conn.exec_driver_sql("UPDATE res_partner SET name = 'uncommitted'")
        backup.backup(books.url, tmp_path / "live.tar.gz")  # while the writer holds its lock
        conn.rollback()
    writer.dispose()
    backup.restore(tmp_path / "live.tar.gz", f"sqlite:///{tmp_path}/live.db")
    assert every_row(f"sqlite:///{tmp_path}/live.db") == every_row(books.url)
    assert "uncommitted" not in repr(every_row(books.url)[1]["res_partner"])


def test_cli_backup_and_restore_answer_in_one_line(books: Instance, tmp_path: Path) -> None:
    archive = tmp_path / "cli.tar.gz"
    done = CliRunner().invoke(cli, ["db", "backup", "--db", books.url, str(archive)])
    assert done.exit_code == 0, done.output
    assert "1 attachments" in done.output or "attachments" in done.output
    again = CliRunner().invoke(cli, ["db", "restore", "--db", books.url, str(archive)])
    assert again.exit_code == 1
    assert "--replace" in again.output and "Traceback" not in again.output
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    bad = CliRunner().invoke(cli, ["db", "restore", "--db", books.url, str(junk)])
    assert bad.exit_code == 1 and "is not a Suanpan backup" in bad.output

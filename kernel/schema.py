"""Creating and removing exactly the tables and columns an addon owns.

Install creates, from the instance's composed metadata, the tables the addon
defines and the columns it adds to other addons' tables, and records each in
``ir.schema.owner``. Uninstall reads that record back and drops exactly those —
columns first (on SQLite through Alembic's batch mode, which rebuilds the table),
then tables in foreign-key order.

Why metadata and not only migrations for the first install: an addon's columns on
another addon's model exist only where both are installed (``when=``), so the
right initial schema depends on the combination. Migrations (Alembic, one branch
per addon) carry every change after that first install.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import Column, Connection, MetaData, Table, func, inspect, select, update

from kernel.errors import AddonError
from kernel.i18n import _
from kernel.models.registry import Registry


def create_owned(
    conn: Connection, registry: Registry, addons: set[str]
) -> list[tuple[str, str, str, str]]:
    """Create missing tables/columns owned by ``addons``; returns the ownership rows to record."""
    inspector = inspect(conn)
    existing = set(inspector.get_table_names())
    created: list[tuple[str, str, str, str]] = []
    new_tables = [
        t
        for t in registry.metadata.sorted_tables
        if t.name not in existing and registry.table_owners.get(t.name) in addons | {"kernel"}
    ]
    registry.metadata.create_all(conn, tables=new_tables)
    for table in new_tables:
        table_owner = registry.table_owners[table.name]
        created.append((table_owner, "table", table.name, ""))
        # Installed together, an addon's extension columns are created with the table they
        # extend: record them as that addon's, so uninstalling it alone drops them.
        for column in table.columns:
            by = registry.column_owners.get((table.name, column.name))
            if by is not None and by != table_owner:
                created.append((by, "column", table.name, column.name))
    ops = Operations(MigrationContext.configure(conn))
    for table in registry.metadata.sorted_tables:
        if table.name not in existing:
            continue
        present = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            owner = registry.column_owners.get((table.name, column.name))
            if column.name in present or owner not in addons:
                continue
            _add_column(ops, conn, table, column)
            created.append((owner, "column", table.name, column.name))
    fill_defaults(conn, registry, [(t, c) for _o, kind, t, c in created if kind == "column"])
    return created


def columns_of(conn: Connection) -> set[tuple[str, str]]:
    """Every (table, column) of the database, to tell afterwards what a migration added."""
    inspector = inspect(conn)
    return {
        (table, column["name"])
        for table in inspector.get_table_names()
        for column in inspector.get_columns(table)
    }


def fill_defaults(conn: Connection, registry: Registry, added: list[tuple[str, str]]) -> None:
    """Give the rows that existed before a column was added the column's default.

    A model's ``default=`` lives in Python and only applies to new inserts: without
    this, every existing order would read NULL in a column its addon declares as
    ``default=12``. A required column without any default cannot be filled, so it is
    refused on a table that has rows, naming the addon and the column.
    """
    ops = Operations(MigrationContext.configure(conn))
    for table_name, column_name in added:
        table = registry.metadata.tables.get(table_name)
        if table is None or column_name not in table.c:
            continue
        column = table.c[column_name]
        found, value = _default_for_existing_rows(column)
        if found:
            conn.execute(update(table).where(column.is_(None)).values({column_name: value}))
        elif not column.nullable and column.server_default is None:
            empty = conn.execute(select(func.count()).select_from(table)).scalar() == 0
            if not empty:
                owner = registry.column_owners.get((table_name, column_name), "?")
                raise AddonError(
                    _(
                        "addon %(addon)s adds the required column %(column)s to %(table)s, "
                        "which already has rows, without a default to fill them: give the "
                        "column a default or make it nullable",
                        addon=owner,
                        column=column_name,
                        table=table_name,
                    )
                )
        if not column.nullable and conn.dialect.name == "postgresql":
            # Added nullable so existing rows could be filled; now the declared rule holds.
            ops.alter_column(table_name, column_name, nullable=False)


def _default_for_existing_rows(column: Column[Any]) -> tuple[bool, Any]:
    """(True, value) when the column's default can be computed without an insert context."""
    default = column.default
    if default is None:
        return False, None
    if default.is_scalar or default.is_clause_element:
        return True, default.arg  # type: ignore[attr-defined]
    if default.is_callable:
        try:
            return True, default.arg(None)  # type: ignore[attr-defined]
        except (TypeError, AttributeError):
            return False, None  # the default reads the row being inserted
    return False, None


@contextmanager
def sqlite_triggers_survive_rebuilds(conn: Connection) -> Iterator[None]:
    """Re-create the triggers of every SQLite table that schema work rebuilt.

    SQLite cannot add a foreign-key column or drop a column in place, so Alembic's
    batch mode copies the table into a new one, and the copy has none of the old
    table's triggers (e.g. accounting's "posted lines are immutable"). A rebuilt
    table has a new root page; a trigger that vanished from such a table is put
    back, while one a migration dropped on a table it did not rebuild stays gone.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    before = _sqlite_master(conn)
    yield
    after = _sqlite_master(conn)
    for (kind, name), (table, _rootpage, sql) in before.items():
        if kind != "trigger" or (kind, name) in after or sql is None:
            continue
        now = after.get(("table", table))
        if now is not None and now[1] != before.get(("table", table), (None, None, None))[1]:
            conn.exec_driver_sql(sql)


def _sqlite_master(conn: Connection) -> dict[tuple[str, str], tuple[str, int, str | None]]:
    rows = conn.exec_driver_sql(
        "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_master"
        " WHERE type IN ('table', 'trigger')"
    ).all()
    return {(r[0], r[1]): (r[2], r[3], r[4]) for r in rows}


def _add_column(ops: Operations, conn: Connection, table: Table, column: Column[Any]) -> None:
    copy = column._copy()
    copy.nullable = True if column.server_default is None else column.nullable
    if conn.dialect.name == "sqlite":
        with ops.batch_alter_table(
            table.name, recreate="always" if column.foreign_keys or column.index else "auto"
        ) as batch:
            batch.add_column(copy)
            if column.index:
                batch.create_index(f"ix_{table.name}_{column.name}", [column.name])
        return
    ops.add_column(table.name, copy)  # Alembic also adds the column's foreign key and index


def drop_owned(conn: Connection, owned: list[tuple[str, str, str]]) -> None:
    """Drop the owned columns (kind "column") then tables (kind "table"), given as (kind, table, column)."""
    ops = Operations(MigrationContext.configure(conn))
    tables = {t for kind, t, _c in owned if kind == "table"}
    by_table: dict[str, list[str]] = {}
    for kind, table, column in owned:
        if kind == "column" and table not in tables:
            by_table.setdefault(table, []).append(column)
    inspector = inspect(conn)
    present = set(inspector.get_table_names())
    for table, columns in by_table.items():
        if table not in present:
            continue
        columns = [c for c in columns if c in {col["name"] for col in inspector.get_columns(table)}]
        if not columns:
            continue
        if conn.dialect.name == "sqlite":
            reflected = Table(table, MetaData(), autoload_with=conn)
            with ops.batch_alter_table(table, copy_from=reflected, recreate="always") as batch:
                for index in inspector.get_indexes(table):
                    if set(index["column_names"]) & set(columns):
                        batch.drop_index(str(index["name"]))
                for column in columns:
                    batch.drop_column(column)
        else:
            for column in columns:
                ops.drop_column(table, column)
    if tables:
        meta = MetaData()
        mine = [t for t in tables if t in present]
        meta.reflect(conn, only=mine)
        # reflect() also loads the tables ``mine`` refers to (another addon's): drop only ours.
        meta.drop_all(conn, tables=[meta.tables[t] for t in mine])


def unrecorded_ownership(
    conn: Connection, registry: Registry, addons: set[str]
) -> list[tuple[str, str, str, str]]:
    """Tables and columns ``addons`` own that exist without an ownership record.

    Migrations create them (a column added in release 1.1); recording them is what
    lets uninstall remove them again.
    """
    owner_table = registry["ir.schema.owner"].__table__
    recorded = {
        (r.table_name, r.column_name)
        for r in conn.execute(select(owner_table.c.table_name, owner_table.c.column_name))
    }
    inspector = inspect(conn)
    existing = set(inspector.get_table_names())
    rows: list[tuple[str, str, str, str]] = []
    for table in registry.metadata.sorted_tables:
        if table.name not in existing:
            continue
        table_owner = registry.table_owners.get(table.name)
        if table_owner in addons and (table.name, "") not in recorded:
            rows.append((table_owner, "table", table.name, ""))
        present = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            owner = registry.column_owners.get((table.name, column.name))
            if (
                owner in addons
                and owner != table_owner  # the table owner's columns go with its table
                and column.name in present
                and (table.name, column.name) not in recorded
            ):
                rows.append((owner, "column", table.name, column.name))
    return rows


def recorded_ownership(
    conn: Connection, registry: Registry, addons: set[str]
) -> list[tuple[str, str, str]]:
    table = registry["ir.schema.owner"].__table__
    rows = conn.execute(
        select(table.c.kind, table.c.table_name, table.c.column_name).where(
            table.c.addon.in_(addons)
        )
    ).all()
    return [(r.kind, r.table_name, r.column_name) for r in rows]


def snapshot(conn: Connection) -> dict[str, Any]:
    """A comparable picture of the schema (tables, columns, indexes, foreign keys)."""
    inspector = inspect(conn)
    picture: dict[str, Any] = {}
    for name in sorted(inspector.get_table_names()):
        picture[name] = {
            "columns": sorted(
                (c["name"], str(c["type"]), bool(c["nullable"]))
                for c in inspector.get_columns(name)
            ),
            "indexes": sorted(
                (tuple(i["column_names"]), bool(i["unique"])) for i in inspector.get_indexes(name)
            ),
            "fks": sorted(
                (tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"]))
                for f in inspector.get_foreign_keys(name)
            ),
            "uniques": sorted(
                tuple(u["column_names"]) for u in inspector.get_unique_constraints(name)
            ),
            "index_names": [],
            "triggers": [],
        }
    # The inspector skips expression indexes (``lower(code)``); read every name directly.
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql(
            "SELECT tbl_name, name FROM sqlite_master WHERE type = 'index'"
            " AND name NOT LIKE 'sqlite_autoindex_%'"
        ).all()
    else:
        rows = conn.exec_driver_sql(
            "SELECT tablename, indexname FROM pg_indexes WHERE schemaname = current_schema()"
        ).all()
    for table, index in sorted(rows):
        if table in picture:
            picture[table]["index_names"].append(index)
    for table, trigger in sorted(_triggers(conn)):
        if table in picture:
            picture[table]["triggers"].append(trigger)
    return picture


def _triggers(conn: Connection) -> list[tuple[str, str]]:
    if conn.dialect.name == "sqlite":
        sql = "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'"
    else:
        sql = (
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE NOT t.tgisinternal AND n.nspname = current_schema()"
        )
    return [(r[0], r[1]) for r in conn.exec_driver_sql(sql).all()]

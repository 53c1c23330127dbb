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

from typing import Any

from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import Column, Connection, MetaData, Table, inspect, select

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
        created.append((registry.table_owners[table.name], "table", table.name, ""))
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
    return created


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
        if table_owner in addons:
            if (table.name, "") not in recorded:
                rows.append((table_owner, "table", table.name, ""))
            continue  # its columns go with the table
        present = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            owner = registry.column_owners.get((table.name, column.name))
            if (
                owner in addons
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
    return picture

"""Alembic environment: runs on the connection the kernel hands over, never its own."""

from __future__ import annotations

from alembic import context

config = context.config
conn = config.attributes["connection"]
instance = config.attributes["instance"]
addon = config.attributes.get("autogenerate_addon")
registry = instance.registry


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    """Autogenerate only what the addon being revised owns."""
    if addon is None:
        return True
    if type_ == "table":
        return registry.table_owners.get(name) == addon
    if type_ == "column":
        return registry.column_owners.get((obj.table.name, name)) == addon
    return True


context.configure(
    connection=conn,
    target_metadata=registry.metadata,
    include_object=include_object,
    render_as_batch=conn.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()

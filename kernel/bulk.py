"""Inserting many rows of a model in one statement and getting them back as records.

Services that create many records at once (the lines of an order, the moves of a
transfer, the lines of a journal entry) insert them with one executemany instead
of one ``INSERT … RETURNING`` per row. On PostgreSQL SQLAlchemy batches
``INSERT … RETURNING`` too ("insertmanyvalues", in the order the rows were
given), so the records come back from that same statement; on SQLite, which
cannot batch it, they are read back with one query. Either way: one or two
statements whatever the number of rows, never one per row.

A Core-level insert passes no flush, hence no flush-time access check: callers
check ``create`` themselves before calling.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, insert

from kernel.statements import built

if TYPE_CHECKING:
    from kernel.env import Env


def batches_returning(env: Env) -> bool:
    """Whether the database batches ``INSERT … RETURNING`` (PostgreSQL; not SQLite).

    Where it does, the ORM's own flush inserts many new records in one statement, so a
    service may leave them pending until one flush writes them in their final state.
    """
    return env.instance.dialect == "postgresql"


def insert_records(
    env: Env,
    cls: Any,
    rows: Sequence[dict[str, Any]],
    reread: Callable[[], Select[Any]],
    *,
    render_nulls: bool = False,
) -> list[Any]:
    """Insert ``rows`` of ``cls``; the new records in the order of ``rows``.

    ``reread`` makes the query that selects exactly the new records in that order,
    built only where the database cannot return them from the insert (SQLite).
    ``render_nulls`` writes a ``None`` as NULL instead of splitting the batch by the
    keys that are set.
    """
    returning = batches_returning(env)
    statement = built(
        env.registry,
        ("kernel.bulk.insert", cls, render_nulls, returning),
        lambda: _insert(cls, render_nulls, returning),
    )
    if returning:
        records = list(env.session.scalars(statement, list(rows)))
    else:
        env.session.execute(statement, list(rows))
        records = list(env.session.scalars(reread()))
    # like the records a flush inserts (kernel.workflow): this transaction made them, so
    # no other one can see them yet (no milestone query, no row lock to claim them)
    name = getattr(cls, "__model_name__", None)
    if name is not None:
        env.cache.created_records.update((name, record.id) for record in records)
    return records


def _insert(cls: Any, render_nulls: bool, returning: bool) -> Any:
    statement = insert(cls)
    if render_nulls:
        statement = statement.execution_options(render_nulls=True)
    if returning:
        statement = statement.returning(cls, sort_by_parameter_order=True)
    return statement

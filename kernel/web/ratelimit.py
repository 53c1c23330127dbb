"""Per-API-key rate limits, counted in the database so every worker shares them.

Why the database: the limit must hold across all workers of a server, and a
SQLite instance has no Redis. The API-key check already opens a write
transaction per request (it re-reads the key to notice revocation), so one
upsert on ``web.api.usage`` in that same transaction is the whole cost.

The count is a sliding-window estimate (the "previous and current minute"
method): ``previous × (1 − elapsed fraction of this minute) + current``. It
smooths the burst a fixed window allows at a minute's edge, with one row per
key. Requests refused count too, so a client that ignores ``Retry-After``
stays refused; one that waits as told gets through.

The limit: ``create_app(api_rate_limit=N)`` requests per minute per key, from
``SUANPAN_API_RATE_LIMIT`` when served (default :data:`DEFAULT_PER_MINUTE`;
``0`` turns it off). Browser sessions are not limited here.
"""

from __future__ import annotations

import math
import os
import time
import weakref
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Integer, Table, bindparam, case
from sqlalchemy.orm import Session

DEFAULT_PER_MINUTE = 600
ENV_LIMIT = "SUANPAN_API_RATE_LIMIT"
MINUTE = 60


def configured_limit(value: int | None = None) -> int:
    """The per-minute limit: ``value``, else the environment, else the default (0: none)."""
    if value is not None:
        return max(0, int(value))
    raw = os.environ.get(ENV_LIMIT, "").strip()
    return max(0, int(raw)) if raw.isdigit() else DEFAULT_PER_MINUTE


@dataclass(frozen=True)
class Usage:
    """Requests of one key in the current minute (this one included) and the one before."""

    count: int
    previous: int
    elapsed: float  # fraction of the current minute gone, 0 ≤ elapsed < 1

    def estimate(self) -> float:
        return self.previous * (1 - self.elapsed) + self.count

    def retry_after(self, limit: int) -> int | None:
        """Seconds until one more request would pass, or None when this one passes."""
        if self.estimate() <= limit:
            return None
        # still in this minute: wait until the previous minute's share has faded enough
        if self.previous and self.count + 1 <= limit:
            needed = 1 - (limit - self.count - 1) / self.previous
            return max(1, math.ceil((needed - self.elapsed) * MINUTE))
        # otherwise in the next minute, where this minute's count becomes the previous one
        needed = max(0.0, 1 - (limit - 1) / self.count) if self.count else 0.0
        return max(1, math.ceil((1 - self.elapsed + needed) * MINUTE))


def record(
    session: Session | Connection, usage_model: Any, key_id: int | str, now: float | None = None
) -> Usage:
    """Count one request of ``key_id`` (one statement) and return the key's usage.

    ``usage_model`` is any model with a unique ``key_id`` and integer ``minute``,
    ``count`` and ``previous`` columns: addons limit other things than API keys
    with it (delivery's public tracking page counts client addresses). ``session``
    may be a plain connection (the API key's check uses one).
    """
    now = time.time() if now is None else now
    bind = session if isinstance(session, Connection) else session.get_bind()
    stmt = upsert(bind.dialect.name, usage_model.__table__)
    count, previous = session.execute(stmt, {"key": key_id, "minute": minute_of(now)}).one()
    return usage_at(count, previous, now)


def minute_of(now: float) -> int:
    """The ``minute`` bound into :func:`upsert`'s statement for a request at ``now``."""
    return int(now // MINUTE)


def usage_at(count: int, previous: int, now: float) -> Usage:
    """The usage :func:`upsert`'s statement returned, as seen at ``now``."""
    return Usage(int(count), int(previous), (now % MINUTE) / MINUTE)


#: the upsert per (dialect, table), built once: it runs on every API call, and
#: building it (and its cache key) cost as much CPU as running it
_UPSERTS: weakref.WeakKeyDictionary[Table, dict[str, Any]] = weakref.WeakKeyDictionary()


def upsert(dialect: str, table: Table) -> Any:
    """Count one request of ``:key`` in ``:minute``, returning ``count`` and ``previous``.

    Exposed for a caller that runs it inside a statement of its own (the API key's
    check makes it a common table expression of its query on PostgreSQL).
    """
    built = _UPSERTS.setdefault(table, {})
    stmt = built.get(dialect)
    if stmt is not None:
        return stmt
    minute = bindparam("minute", type_=Integer)
    stmt = (
        _insert_for(dialect)(table)
        .values(key_id=bindparam("key"), minute=minute, count=1, previous=0)
        .on_conflict_do_update(
            index_elements=[table.c.key_id],
            set_={
                "previous": case(
                    (table.c.minute == minute, table.c.previous),
                    (table.c.minute == minute - 1, table.c.count),
                    else_=0,
                ),
                "count": case((table.c.minute == minute, table.c.count + 1), else_=1),
                "minute": minute,
            },
        )
        .returning(table.c.count, table.c.previous)
    )
    built[dialect] = stmt
    return stmt


def _insert_for(dialect: str) -> Any:
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert

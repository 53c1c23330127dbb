"""Engines for SQLite and PostgreSQL with the behaviour the kernel relies on.

SQLite: foreign keys on, WAL, a busy timeout, and write transactions that begin
``IMMEDIATE`` (the driver otherwise starts transactions lazily, so two writers
would both read, then one fails to upgrade its lock). Read-only units ask for a
deferred ``BEGIN`` through the ``sqlite_begin`` execution option.

PostgreSQL: a pooled connection that sat idle is pinged before it is handed out
(:func:`ping_after_idle`); one in steady use is not.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

DEFAULT_DB_DIR = Path("instance")
#: A pooled PostgreSQL connection idle at least this long is pinged before use.
IDLE_PING_SECONDS = 5.0


def default_url() -> str:
    return os.environ.get("SUANPAN_DB") or f"sqlite:///{DEFAULT_DB_DIR / 'suanpan.db'}"


def normalize_url(url: str) -> str:
    """Accept ``postgresql://`` and pick the psycopg 3 driver; make SQLite folders exist."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername.startswith("sqlite") and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalize_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs
        )
        _sqlite_events(engine)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    engine = create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        ping_after_idle(engine, IDLE_PING_SECONDS)
    return engine


def ping_after_idle(engine: Engine, idle_seconds: float) -> None:
    """Ping a pooled connection before use only when it sat idle ``idle_seconds`` or more.

    Why not SQLAlchemy's ``pool_pre_ping``: it pings on every checkout, and with
    psycopg a ping is three calls and a round trip (autocommit on, ``SELECT 1``,
    autocommit off) — six per order-to-cash cycle, each unit of work paying one.
    Connections die while they wait in the pool (a restarted or failed-over server,
    an idle timeout of the server or of a proxy), not between two units a
    millisecond apart, so a connection back from use moments ago goes out as it is.
    A ping that finds the server gone invalidates the whole pool (every pooled
    connection predates the restart) and the pool connects afresh, as pre-ping does.
    """
    dialect = engine.dialect

    @event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_conn: Any, record: ConnectionPoolEntry) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def on_checkout(
        dbapi_conn: Any, record: ConnectionPoolEntry, _proxy: PoolProxiedConnection
    ) -> None:
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < idle_seconds:
            return
        try:
            dialect.do_ping(dbapi_conn)
        except dialect.loaded_dbapi.Error as err:
            if dialect.is_disconnect(err, dbapi_conn, None):
                raise exc.InvalidatePoolError() from err
            raise


def _sqlite_events(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql("BEGIN" if mode == "DEFERRED" else "BEGIN IMMEDIATE")


def is_retryable(exc: BaseException) -> bool:
    """Serialization failures, deadlocks, lock timeouts (PostgreSQL) and a busy SQLite."""
    orig = getattr(exc, "orig", None)
    sqlstate = getattr(orig, "sqlstate", None) or getattr(
        getattr(orig, "diag", None), "sqlstate", None
    )
    if sqlstate in ("40001", "40P01", "55P03"):
        return True
    text = str(orig or exc).lower()
    return "database is locked" in text or "database table is locked" in text

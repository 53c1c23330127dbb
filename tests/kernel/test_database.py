"""Engines: a pooled PostgreSQL connection is pinged only after sitting idle."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from kernel import database
from kernel.instance import Instance
from kernel.testing import db_kind, make_user

pytestmark = pytest.mark.skipif(db_kind() != "postgresql", reason="PostgreSQL's pool")


def backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def terminate(url: str, pid: int) -> None:
    """Kill one server process, as a restart or an idle timeout would."""
    admin = create_engine(database.normalize_url(url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
    finally:
        admin.dispose()


def pings(engine: Engine) -> list[object]:
    """Record the connections the dialect pings."""
    seen: list[object] = []
    real = engine.dialect.do_ping

    def counting(dbapi_conn: object) -> bool:
        seen.append(dbapi_conn)
        return real(dbapi_conn)

    engine.dialect.do_ping = counting  # type: ignore[method-assign]
    return seen


def test_a_connection_in_steady_use_goes_out_without_a_ping(db_url: str) -> None:
    engine = database.make_engine(db_url)
    seen = pings(engine)
    try:
        pids = {backend_pid(engine) for _ in range(5)}
        assert len(pids) == 1  # the same pooled connection, five units in a row
        assert seen == []
    finally:
        engine.dispose()


def test_a_connection_that_sat_idle_is_pinged_and_replaced_when_dead(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "IDLE_PING_SECONDS", 0.05)
    engine = database.make_engine(db_url)
    seen = pings(engine)
    try:
        first = backend_pid(engine)
        time.sleep(0.1)
        assert backend_pid(engine) == first  # idle, pinged, alive: kept
        assert len(seen) == 1
        terminate(db_url, first)
        time.sleep(0.1)
        # the ping finds it dead: the pool connects afresh and the unit never notices
        assert backend_pid(engine) != first
    finally:
        engine.dispose()


def test_a_dead_connection_in_steady_use_fails_one_unit_then_the_pool_recovers(
    db_url: str,
) -> None:
    """The price of not pinging hot connections: one unit fails, the next reconnects."""
    engine = database.make_engine(db_url)
    try:
        first = backend_pid(engine)
        terminate(db_url, first)
        with pytest.raises(OperationalError) as failed:
            backend_pid(engine)
        assert failed.value.connection_invalidated
        assert backend_pid(engine) != first
    finally:
        engine.dispose()


def test_a_users_unit_on_a_connection_that_died_in_the_pool_starts_again(
    library: Instance,
) -> None:
    """A restarted server: the next user's unit reconnects instead of failing."""
    uid = make_user(library, "reader", [])
    with library.unit(uid) as env:
        first = int(env.session.execute(text("SELECT pg_backend_pid()")).scalar_one())
    terminate(library.url, first)
    with library.unit(uid) as env:
        assert env.user.login == "reader"
        assert env.session.execute(text("SELECT pg_backend_pid()")).scalar_one() != first

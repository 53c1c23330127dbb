"""Units of work: rollback, retries on conflicts, and the outbox written exactly once."""

from __future__ import annotations

import importlib
import sqlite3
import threading
import uuid
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError, OperationalError

from kernel.env import Env
from kernel.errors import AddonError, RetryLater
from kernel.instance import Instance
from kernel.testing import db_kind, make_user


def serialization_failure() -> OperationalError:
    """What SQLAlchemy raises when PostgreSQL aborts a transaction with SQLSTATE 40001."""
    return OperationalError(
        "UPDATE ...", {}, psycopg.errors.SerializationFailure("could not serialize access")
    )


def sqlite_busy() -> OperationalError:
    return OperationalError("BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked"))


def count_books(instance: Instance, title: str) -> int:
    with instance.unit(None, su=True) as env:
        Book = env["lib.book"]
        return int(env.session.scalar(select(func.count()).where(Book.title == title)) or 0)


def test_rolled_back_unit_leaves_nothing(library: Instance) -> None:
    with pytest.raises(RuntimeError), library.unit(None, su=True) as env:
        env.session.add(env["lib.book"](title="Ghost", price=Decimal("1")))
        env.session.flush()
        env.outbox("library.book_added", {"title": "Ghost", "token": "ghost"})
        env.next_number("lib.book")
        raise RuntimeError("boom")
    with library.unit(None, su=True) as env:
        for model in ("lib.book", "ir.outbox", "ir.sequence.counter"):
            assert env.session.scalar(select(func.count()).select_from(env[model])) == 0, model


def test_readonly_unit_never_writes(library: Instance) -> None:
    with library.unit(None, su=True, readonly=True) as env:
        env.session.add(env["lib.book"](title="Draft only"))
        env.session.flush()
    assert count_books(library, "Draft only") == 0


def test_a_read_only_transaction_refuses_writes_and_keeps_prepared_statements(
    library: Instance,
) -> None:
    """A GET's unit on PostgreSQL: the database refuses writes; it ends without ROLLBACK.

    Why it matters: psycopg forgets every prepared statement of a connection on
    ROLLBACK, so a read ending that way made the next requests parse and plan anew.
    """
    if library.dialect != "postgresql":
        pytest.skip("SQLite has no READ ONLY transactions (its read units are DEFERRED)")
    from sqlalchemy import event
    from sqlalchemy.exc import InternalError

    env = library.open_unit(None, su=True, readonly=True, read_only_transaction=True)
    env.session.add(env["lib.book"](title="Written in a read"))
    with pytest.raises(InternalError, match="read-only transaction"):
        env.session.flush()
    library.end_unit(env, readonly=True, ok=False)
    assert count_books(library, "Written in a read") == 0

    rollbacks: list[Any] = []

    def on_rollback(connection: Any) -> None:
        rollbacks.append(connection)

    event.listen(library.engine, "rollback", on_rollback)
    try:
        env = library.open_unit(None, su=True, readonly=True, read_only_transaction=True)
        env.session.scalar(select(func.count()).select_from(env["lib.book"]))
        connection = env.session.connection().connection.dbapi_connection
        library.end_unit(env, readonly=True, ok=True)
    finally:
        event.remove(library.engine, "rollback", on_rollback)
    assert rollbacks == [], "a read ended with ROLLBACK"
    assert connection is not None and not connection.read_only, "the pool got it back read-only"


def test_unit_for_an_unknown_user_is_refused(library: Instance) -> None:
    with pytest.raises(AddonError, match="#999 does not exist"), library.unit(999):
        pass


@pytest.mark.parametrize("make_error", [serialization_failure, sqlite_busy])
def test_run_retries_conflicts_and_writes_once(library: Instance, make_error: Any) -> None:
    attempts: list[int] = []

    def work(env: Env) -> int:
        attempts.append(1)
        book = env["lib.book"](title="Retried", price=Decimal("5"))
        env.session.add(book)
        env.session.flush()
        if len(attempts) <= 3:
            raise make_error()
        return int(book.id)

    book_id = library.run(work, retries=3)
    assert len(attempts) == 4
    assert book_id > 0
    assert count_books(library, "Retried") == 1


def test_run_gives_up_at_the_limit_and_writes_nothing(library: Instance) -> None:
    attempts: list[int] = []

    def work(env: Env) -> None:
        attempts.append(1)
        env.session.add(env["lib.book"](title="Never", price=Decimal("5")))
        env.session.flush()
        raise serialization_failure()

    with pytest.raises(RetryLater) as caught:
        library.run(work, retries=2)
    assert len(attempts) == 3
    assert caught.value.status == 503
    assert count_books(library, "Never") == 0


def test_run_does_not_retry_other_errors(library: Instance) -> None:
    attempts: list[int] = []

    def work(env: Env) -> None:
        attempts.append(1)
        env.session.add(env["lib.book"](title=None))  # NOT NULL violation
        env.session.flush()

    with pytest.raises(IntegrityError):
        library.run(work, retries=4)
    assert len(attempts) == 1


@pytest.mark.skipif(db_kind() != "postgresql", reason="real serialization failures need PostgreSQL")
@pytest.mark.parametrize(("conflicts", "retries", "succeeds"), [(2, 3, True), (3, 2, False)])
def test_real_serialization_failures_are_retried(
    library: Instance, conflicts: int, retries: int, succeeds: bool
) -> None:
    """Each attempt reads a book under REPEATABLE READ; a concurrent transaction then
    changes it, so our update fails with SQLSTATE 40001 — up to ``conflicts`` times."""
    with library.unit(None, su=True) as env:
        shared = env["lib.book"](title="Shared", price=Decimal("10"))
        env.session.add(shared)
        env.session.flush()
        shared_id = shared.id
    attempts: list[int] = []

    def interfere() -> None:
        with library.engine.begin() as conn:
            conn.execute(
                text("UPDATE lib_book SET price = price + 1 WHERE id = :id"), {"id": shared_id}
            )

    def work(env: Env) -> None:
        attempts.append(1)
        env.session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        book = env.get("lib.book", shared_id)
        env.session.add(env["lib.book"](title="Side effect", price=Decimal("1")))
        env.session.flush()
        if len(attempts) <= conflicts:
            thread = threading.Thread(target=interfere)
            thread.start()
            thread.join()
        book.price = book.price + Decimal("100")
        env.session.flush()

    if succeeds:
        library.run(work, retries=retries)
    else:
        with pytest.raises(RetryLater):
            library.run(work, retries=retries)
    assert len(attempts) == min(conflicts, retries) + 1
    with library.unit(None, su=True) as env:
        price = env.get("lib.book", shared_id).price
    interfered = min(conflicts, len(attempts))
    assert price == Decimal("10") + interfered + (Decimal("100") if succeeds else 0)
    assert count_books(library, "Side effect") == (1 if succeeds else 0)


def test_outbox_of_a_retried_unit_is_written_and_delivered_once(library: Instance) -> None:
    delivered = importlib.import_module("library.hooks").DELIVERED
    token = uuid.uuid4().hex
    attempts: list[int] = []

    def work(env: Env) -> None:
        attempts.append(1)
        book = env["lib.book"](title="Announced", number=token, price=Decimal("3"))
        env.session.add(book)
        env.session.flush()
        env.hook.library_book_added(env=env, book=book)  # library's hook writes the outbox
        if len(attempts) < 3:
            raise serialization_failure()

    library.run(work)
    assert len(attempts) == 3
    with library.unit(None, su=True) as env:
        Outbox = env["ir.outbox"]
        rows = env.session.scalars(select(Outbox)).all()
    mine = [r for r in rows if r.payload.get("token") == token]
    assert len(mine) == 1
    assert mine[0].sent_at is not None and mine[0].attempts == 1
    assert [d for d in delivered if d["token"] == token] == [{"title": "Announced", "token": token}]


def test_outbox_message_nobody_delivers_is_parked_with_a_reason(library: Instance) -> None:
    uid = make_user(library, "clerk", ["library.group_user"])
    with library.unit(uid) as env:
        env.outbox("nobody.listens", {"x": 1})
    with library.unit(None, su=True) as env:
        row = env.session.scalars(select(env["ir.outbox"])).one()
    assert row.sent_at is None
    assert row.last_error == "no deliverer for this topic"
    assert library.deliver_outbox() == 0, "a parked message is not retried forever"

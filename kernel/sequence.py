"""Gapless document numbers (``SO2026-00001``).

A counter row per sequence and period is incremented inside the caller's
transaction with ``UPDATE … RETURNING``: PostgreSQL holds the row lock until the
transaction ends, so concurrent callers queue and a rolled-back transaction gives
its number back. SQLite write transactions begin ``IMMEDIATE`` and are serialised.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

from kernel.errors import UserError
from kernel.i18n import _
from kernel.statements import built

if TYPE_CHECKING:
    from kernel.env import Env


def period_of(reset: str, when: dt.date) -> str:
    if reset == "year":
        return f"{when.year:04d}"
    if reset == "month":
        return f"{when.year:04d}-{when.month:02d}"
    return "all"


def format_number(prefix: str, suffix: str, padding: int, number: int, when: dt.date) -> str:
    values = {
        "year": f"{when.year:04d}",
        "y": f"{when.year % 100:02d}",
        "month": f"{when.month:02d}",
        "day": f"{when.day:02d}",
    }
    return f"{prefix % values}{number:0{padding}d}{suffix % values}"


def next_number(
    env: Env, code: str, company_id: int = 0, when: dt.date | dt.datetime | None = None
) -> str:
    session = env.session
    reg = env.registry
    when = when or dt.date.today()
    day = when.date() if isinstance(when, dt.datetime) else when
    seq = session.execute(
        built(reg, "kernel.sequence.series", lambda: _series_statement(reg)),
        {"code": code, "company_id": company_id},
    ).first()
    if seq is None:
        raise UserError(_("no numbering sequence %(code)s is configured", code=code))
    period = period_of(seq.reset, day)
    conn = session.connection()
    bump = built(reg, "kernel.sequence.bump", lambda: _bump_statement(reg))
    values = {"b_sequence": seq.id, "b_period": period}
    drawn = conn.execute(bump, values).scalar()
    if drawn is None:
        # First number of the period: create the counter (a concurrent creator may win;
        # then ours is a no-op) and draw again under the row lock.
        table = reg["ir.sequence.counter"].__table__
        conn.execute(
            _insert_ignore(conn.dialect.name, table).values(
                sequence_id=seq.id, period=period, next_number=1
            )
        )
        drawn = conn.execute(bump, values).scalar()
    number = int(drawn or 0) - 1
    return format_number(seq.prefix, seq.suffix, seq.padding, number, day)


def _series_statement(reg: Any) -> Any:
    """The series of a code: the company's own, else the one for all companies (0)."""
    Sequence = reg["ir.sequence"]
    return (
        select(Sequence.id, Sequence.prefix, Sequence.suffix, Sequence.padding, Sequence.reset)
        .where(
            Sequence.code == bindparam("code"),
            Sequence.company_id.in_([bindparam("company_id"), 0]),
        )
        .order_by(Sequence.company_id.desc())
        .limit(1)
    )


def _bump_statement(reg: Any) -> Any:
    """Draw the next number of a counter row, holding its lock to the end of the transaction."""
    table = reg["ir.sequence.counter"].__table__
    return (
        update(table)
        .where(
            table.c.sequence_id == bindparam("b_sequence"), table.c.period == bindparam("b_period")
        )
        .values(next_number=table.c.next_number + 1)
        .returning(table.c.next_number)
    )


def ensure_sequence(
    env: Env,
    code: str,
    *,
    name: str = "",
    prefix: str = "",
    padding: int = 5,
    reset: str = "year",
    company_id: int = 0,
) -> None:
    """Create the series ``code`` unless it exists (for the company or for all).

    A statement on the connection, not an ORM record: a model's ``__on_create__``
    (a journal made on a form) may call it in the middle of a flush, and numbering
    series are the kernel's own bookkeeping, not a record the user writes.
    """
    table = env.registry["ir.sequence"].__table__
    conn = env.session.connection()
    exists = conn.execute(
        select(table.c.id).where(table.c.code == code, table.c.company_id.in_([company_id, 0]))
    ).first()
    if exists is None:
        from kernel.security import bump_stamp

        # a Core insert passes no ORM event: tell the configuration cache itself
        bump_stamp(env.session, env.registry)
        conn.execute(
            _insert_ignore_on(conn.dialect.name, table, ["code", "company_id"]).values(
                code=code,
                name=name,
                company_id=company_id,
                prefix=prefix,
                suffix="",
                padding=padding,
                reset=reset,
            )
        )


def _insert_ignore_on(dialect: str, table: Table, columns: list[str]) -> Any:
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=columns)
    return sqlite.insert(table).on_conflict_do_nothing(index_elements=columns)


def _insert_ignore(dialect: str, table: Table) -> Any:
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(
            index_elements=["sequence_id", "period"]
        )
    return sqlite.insert(table).on_conflict_do_nothing(index_elements=["sequence_id", "period"])

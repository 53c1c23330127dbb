"""Order numbers: one ``ir.sequence`` row per company, so each company edits its own prefix.

The number is drawn when the order is created: the customer gets a quotation
with its final reference right away, and the draw is part of the creating
transaction, so a rolled-back creation gives the number back (gapless).
Cancelled orders keep their number — the series still has no holes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import insert, select

from kernel.caches import Slot

if TYPE_CHECKING:
    from kernel.env import Env

CODE = "sale.order"


#: companies known to have their own series in this unit of work
COMPANIES_WITH_SEQUENCE: Slot[set[int]] = Slot("sales_order.sequences", set)


def ensure_company_sequence(env: Env, company_id: int) -> None:
    """Give ``company_id`` its own copy of the default series if it has none yet."""
    known = env.cache.get(COMPANIES_WITH_SEQUENCE)
    if company_id in known:
        return
    Sequence = env["ir.sequence"]
    rows = env.session.execute(
        select(
            Sequence.company_id,
            Sequence.name,
            Sequence.prefix,
            Sequence.suffix,
            Sequence.padding,
            Sequence.reset,
        ).where(Sequence.code == CODE, Sequence.company_id.in_([company_id, 0]))
    ).all()
    if any(r.company_id == company_id for r in rows) or not rows:
        known.add(company_id)
        return
    default = rows[0]
    # A statement on the connection, not an ORM record: an order entered on the form or
    # through the API is numbered in the middle of its flush (the order's ``__defaults__``),
    # and a numbering series is the kernel's bookkeeping, not a record the user writes.
    env.session.connection().execute(
        insert(Sequence.__table__).values(
            code=CODE,
            company_id=company_id,
            name=default.name,
            prefix=default.prefix,
            suffix=default.suffix,
            padding=default.padding,
            reset=default.reset,
        )
    )
    known.add(company_id)


def next_order_number(env: Env, company_id: int, when: object = None) -> str:
    ensure_company_sequence(env, company_id)
    return env.next_number(CODE, company_id, when)

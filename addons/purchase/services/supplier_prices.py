"""Choosing a supplier and a price for a product and quantity."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select

if TYPE_CHECKING:
    from kernel.env import Env


def best_prices(
    env: Env, product_ids: list[int], on: dt.date | None = None
) -> dict[int, list[Any]]:
    """Valid supplier prices per product, best first (priority, then price), in one query."""
    Price = env["purchase.supplier.price"]
    on = on or dt.date.today()
    rows = env.session.scalars(
        select(Price)
        .where(
            Price.product_id.in_(product_ids),
            Price.active.is_(True),
            or_(Price.date_start.is_(None), Price.date_start <= on),
            or_(Price.date_end.is_(None), Price.date_end >= on),
        )
        .order_by(Price.product_id, Price.sequence, Price.price, Price.id)
    ).all()
    result: dict[int, list[Any]] = {}
    for row in rows:
        result.setdefault(row.product_id, []).append(row)
    return result


def price_for(candidates: list[Any], partner_id: int | None, quantity: Decimal) -> Any | None:
    """The applicable row for ``quantity`` (the largest minimum not above it) from ``partner_id``."""
    usable = [
        c
        for c in candidates
        if (partner_id is None or c.partner_id == partner_id) and c.min_qty <= quantity
    ]
    if not usable:
        return None
    best_partner = partner_id if partner_id is not None else usable[0].partner_id
    same = [c for c in usable if c.partner_id == best_partner]
    return max(same, key=lambda c: (c.min_qty, -c.sequence))

"""Demand history per product or category and period: one grouped SQL statement.

Why grouped by the line's unit as well: a line sold by the dozen counts twelve units;
the database sums each (series, period, unit) group exactly and Python converts the
few group totals to the product's unit — never a loop over order lines. Demand is the
quantity on confirmed orders (approved onwards, as in the sales analysis), dated by the
order date.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select

from addons.reporting.analyses import periods
from kernel.env import Env
from kernel.web.ui.domain import bucket

CONFIRMED = ("approved", "in_progress", "completed", "closed")


def demand(
    env: Env,
    unit: str,
    by: str,
    ids: list[int] | None,
    first: dt.date,
    last: dt.date,
) -> dict[int, dict[str, Decimal]]:
    """``{product or category id: {period key: quantity in the product's unit}}``.

    ``by`` is ``product`` or ``category``; ``ids`` limits the series (``None``: all).
    Periods without sales are absent (the caller fills them with zeros)."""
    from sqlalchemy import func

    from addons.base.services.uom import convert

    Line, Order, Product = env["sale.order.line"], env["sale.order"], env["product.product"]
    key = Product.category_id if by == "category" else Line.product_id
    period = bucket(env, Order.date_order, unit)
    stmt = (
        select(
            key,
            period,
            Line.uom_id,
            Product.uom_id,
            func.sum(Line.quantity, type_=Line.quantity.type),
        )
        .join(Order, Order.id == Line.order_id)
        .join(Product, Product.id == Line.product_id)
        .where(
            Order.state.in_(CONFIRMED),
            Order.date_order >= first,
            Order.date_order <= last,
            key.is_not(None),
        )
        .group_by(key, period, Line.uom_id, Product.uom_id)
    )
    if ids is not None:
        stmt = stmt.where(key.in_(ids))
    out: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for series, when, line_uom, product_uom, quantity in env.session.execute(stmt):
        value = convert(env, Decimal(quantity or 0), line_uom, product_uom, rounded=False)
        out[series][when] = out[series].get(when, Decimal(0)) + value
    return dict(out)


def window(today: dt.date, unit: str, count: int) -> list[str]:
    """The ``count`` complete periods before the one holding ``today``, oldest first.

    Why complete: the running week or month is only partly sold and would read as a
    collapse in demand."""
    current = periods.key_of(today, unit)
    return [periods.shift(current, unit, -count + i) for i in range(count)]

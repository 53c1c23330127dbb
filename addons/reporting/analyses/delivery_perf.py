"""Delivery performance: the share of sales orders shipped by the date the customer asked
for (registered where sales_order and stock are installed).

The shipped day is when the order reached its ``shipped`` milestone (every delivery
done); the promise is the order's ``requested_date``. Only orders that expect that
milestone count (stock expects it when it plans the deliveries: an order of services
ships nothing and is never late); of those, the ones requested in the range count: on time when shipped by that day, late when
shipped after it or still not shipped once it has passed; those not yet due and not
yet shipped are pending and left out of the rate. Two grouped statements (per month of
the requested date, per customer) and the list of late open orders.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select

from addons.reporting.analyses.dates import day_of
from kernel.env import Env
from kernel.errors import ValidationError
from kernel.i18n import _
from kernel.web.introspect import display_name, prefetch_display
from kernel.web.ui.domain import bucket

CONFIRMED = ("approved", "in_progress", "completed", "closed")
HUNDRED = Decimal(100)
LATE_LISTED = 50


@dataclass
class Rate:
    key: Any
    label: str
    on_time: int
    late: int
    pending: int

    @property
    def rate(self) -> Decimal | None:
        done = self.on_time + self.late
        return (Decimal(self.on_time) * HUNDRED / done).quantize(Decimal("0.1")) if done else None


@dataclass
class LateOrder:
    order_id: int
    name: str
    customer: str
    requested: dt.date
    days_late: int


@dataclass
class DeliveryAnalysis:
    date_from: dt.date
    date_to: dt.date
    today: dt.date
    months: list[Rate] = field(default_factory=list)
    customers: list[Rate] = field(default_factory=list)
    late_open: list[LateOrder] = field(default_factory=list)  # the oldest LATE_LISTED
    late_open_count: int = 0  # all of them

    @property
    def overall(self) -> Rate:
        return Rate(
            "*",
            "",
            sum(m.on_time for m in self.months),
            sum(m.late for m in self.months),
            sum(m.pending for m in self.months),
        )


def analyse(
    env: Env, date_from: dt.date, date_to: dt.date, today: dt.date | None = None
) -> DeliveryAnalysis:
    if date_to < date_from:
        raise ValidationError(_("the end date is before the start date"), field="date_to")
    env.check("sale.order", "read")
    today = today or dt.date.today()
    Order, Milestone = env["sale.order"], env["workflow.milestone"]
    shipped = (
        select(Milestone.res_id.label("order_id"), Milestone.done_at.label("at"))
        .where(Milestone.model == "sale.order", Milestone.name == "shipped")
        .subquery()
    )
    day = day_of(env, shipped.c.at)
    on_time = case((day <= Order.requested_date, 1), else_=0)
    late = case(
        (day > Order.requested_date, 1),
        (shipped.c.at.is_(None) & (Order.requested_date < today), 1),
        else_=0,
    )
    where = [
        Order.state.in_(CONFIRMED),
        Order.requested_date.is_not(None),
        Order.requested_date >= date_from,
        Order.requested_date <= date_to,
    ]

    def grouped(key: Any) -> list[Any]:
        return list(
            env.session.execute(
                select(key, func.sum(on_time), func.sum(late), func.count(Order.id))
                .join(shipped, shipped.c.order_id == Order.id)
                .where(*where)
                .group_by(key)
                .order_by(key)
            ).all()
        )

    def rate(key: Any, label: str, ok: Any, bad: Any, count: Any) -> Rate:
        ok, bad = int(ok or 0), int(bad or 0)
        return Rate(key, label, ok, bad, int(count) - ok - bad)

    month = bucket(env, Order.requested_date, "month")
    analysis = DeliveryAnalysis(date_from, date_to, today)
    analysis.months = [rate(k, k, *rest) for k, *rest in grouped(month)]
    by_customer = grouped(Order.partner_id)
    names = _partner_names(env, {r[0] for r in by_customer if r[0] is not None})
    analysis.customers = sorted(
        (rate(k, names.get(k, f"#{k}"), *rest) for k, *rest in by_customer),
        key=lambda r: (r.rate is None, r.rate or 0, r.label.casefold()),
    )
    late_where = [*where, shipped.c.at.is_(None), Order.requested_date < today]
    analysis.late_open_count = int(
        env.session.scalar(
            select(func.count(Order.id))
            .join(shipped, shipped.c.order_id == Order.id)
            .where(*late_where)
        )
        or 0
    )
    late_rows = env.session.execute(
        select(Order)
        .join(shipped, shipped.c.order_id == Order.id)
        .where(*late_where)
        .order_by(Order.requested_date, Order.id)
        .limit(LATE_LISTED)
    ).scalars()
    late_orders = list(late_rows)
    prefetch_display(env, late_orders)
    analysis.late_open = [
        LateOrder(
            o.id,
            o.name,
            display_name(o.partner, env) if o.partner_id else "",
            o.requested_date,
            (today - o.requested_date).days,
        )
        for o in late_orders
    ]
    return analysis


def _partner_names(env: Env, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    Partner = env["res.partner"]
    partners = list(env.session.scalars(select(Partner).where(Partner.id.in_(sorted(ids)))))
    prefetch_display(env, partners)
    return {p.id: display_name(p, env) for p in partners}

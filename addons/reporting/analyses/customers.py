"""Customers analysis: orders, revenue, contribution share with an ABC (Pareto) class,
last order date — from confirmed orders in one currency.

Why one currency at a time: contribution shares and the Pareto line only mean
something over amounts that may be added; orders in another currency are a separate
analysis (the screen offers the switch), never converted silently. One grouped
statement returns every customer's figures; Python only ranks the groups.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from addons.reporting.analyses.sales import HUNDRED
from kernel.env import Env
from kernel.errors import ValidationError
from kernel.i18n import _
from kernel.web.introspect import display_name, prefetch_display
from kernel.web.ui.listing import ListState

CONFIRMED = ("approved", "in_progress", "completed", "closed")
A_LIMIT = Decimal(80)  # the customers making the first 80 % of revenue
B_LIMIT = Decimal(95)


@dataclass
class CustomerLine:
    partner_id: int
    name: str
    orders: int
    revenue: Decimal
    share: Decimal  # % of the revenue in the currency
    cumulative: Decimal  # % of the revenue of this customer and every larger one
    abc: str
    last_order: dt.date | None
    list_url: str


@dataclass
class CustomerAnalysis:
    currency: str
    currency_id: int
    date_from: dt.date
    date_to: dt.date
    lines: list[CustomerLine] = field(default_factory=list)
    total: Decimal = Decimal(0)
    orders: int = 0
    classes: dict[str, int] = field(default_factory=dict)  # customers per class
    other_currencies: list[tuple[int, str]] = field(default_factory=list)


def abc_class(before: Decimal) -> str:
    """A while the customers before this one make less than 80 %, B up to 95 %, else C."""
    if before < A_LIMIT:
        return "A"
    if before < B_LIMIT:
        return "B"
    return "C"


def analyse(
    env: Env, date_from: dt.date, date_to: dt.date, currency_id: int | None = None
) -> CustomerAnalysis:
    if date_to < date_from:
        raise ValidationError(_("the end date is before the start date"), field="date_to")
    env.check("sale.order", "read")
    Order, Currency = env["sale.order"], env["res.currency"]
    in_range = [
        Order.state.in_(CONFIRMED),
        Order.date_order >= date_from,
        Order.date_order <= date_to,
    ]
    used: dict[int, str] = dict(
        env.session.execute(
            select(Currency.id, Currency.code)
            .where(Currency.id.in_(select(Order.currency_id).where(*in_range)))
            .order_by(Currency.code)
        ).all()
    )
    if currency_id is None:
        from addons.base.services.company import company_currency

        currency_id = company_currency(env).id
    currency = env.session.get(Currency, currency_id)
    if currency is None:
        raise ValidationError(_("there is no currency #%(id)s", id=currency_id), field="currency")
    analysis = CustomerAnalysis(currency.code, currency.id, date_from, date_to)
    analysis.other_currencies = [(i, c) for i, c in used.items() if i != currency.id]
    revenue = func.sum(Order.amount_untaxed)
    rows = env.session.execute(
        select(Order.partner_id, func.count(Order.id), revenue, func.max(Order.date_order))
        .where(*in_range, Order.currency_id == currency.id)
        .group_by(Order.partner_id)
        .order_by(revenue.desc(), Order.partner_id)
    ).all()
    partners = list(
        env.session.scalars(
            select(env["res.partner"]).where(env["res.partner"].id.in_([r[0] for r in rows]))
        )
    )
    prefetch_display(env, partners)
    names = {p.id: display_name(p, env) for p in partners}
    total = sum((Decimal(r[2] or 0) for r in rows), Decimal(0))
    analysis.total = total
    running = Decimal(0)
    for partner_id, count, amount, last in rows:
        amount = Decimal(amount or 0)
        before = running * HUNDRED / total if total else Decimal(0)
        running += amount
        line = CustomerLine(
            partner_id=partner_id,
            name=names.get(partner_id, f"#{partner_id}"),
            orders=int(count),
            revenue=amount,
            share=(amount * HUNDRED / total).quantize(Decimal("0.1")) if total else Decimal(0),
            cumulative=(running * HUNDRED / total).quantize(Decimal("0.1"))
            if total
            else Decimal(0),
            abc=abc_class(before),
            last_order=_date(last),
            list_url=_orders_url(partner_id, currency.id, date_from, date_to),
        )
        analysis.lines.append(line)
        analysis.orders += line.orders
        analysis.classes[line.abc] = analysis.classes.get(line.abc, 0) + 1
    return analysis


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _orders_url(partner_id: int, currency_id: int, first: dt.date, last: dt.date) -> str:
    state = ListState(
        filters=["confirmed"],
        domain=[
            f"partner_id={partner_id}",
            f"currency_id={currency_id}",
            f"date_order>={first.isoformat()}",
            f"date_order<={last.isoformat()}",
        ],
    )
    return f"/app/sales/orders?{state.query()}"

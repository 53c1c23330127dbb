"""Purchase analysis: spend per supplier and per product, and each supplier's on-time
rate (registered where purchase is installed).

Spend is the untaxed amount of confirmed purchase orders (confirmed, received, done)
dated in the range, summed exactly per currency — never converted silently. A
supplier's on-time rate counts the orders whose promised date (``expected_date``)
falls in the range: on time when fully received by that day (the last done receipt),
late when received after it or still not fully received once it has passed; orders
not yet due and not yet received are pending and left out of the rate. Each figure
is one grouped statement.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import case, func, select

from addons.reporting.analyses.dates import day_of
from kernel.env import Env
from kernel.errors import ValidationError
from kernel.i18n import _
from kernel.web.introspect import display_name, prefetch_display

CONFIRMED = ("confirmed", "received", "done")
HUNDRED = Decimal(100)


@dataclass
class Spend:
    key: int
    label: str
    currency: str
    amount: Decimal
    orders: int  # orders (per supplier) or lines (per product)
    quantity: Decimal | None = None


@dataclass
class Punctuality:
    partner_id: int
    label: str
    on_time: int
    late: int
    pending: int

    @property
    def rate(self) -> Decimal | None:
        done = self.on_time + self.late
        return (Decimal(self.on_time) * HUNDRED / done).quantize(Decimal("0.1")) if done else None


@dataclass
class PurchaseAnalysis:
    date_from: dt.date
    date_to: dt.date
    suppliers: list[Spend] = field(default_factory=list)
    products: list[Spend] = field(default_factory=list)
    punctuality: list[Punctuality] = field(default_factory=list)

    @property
    def currencies(self) -> list[str]:
        return sorted({s.currency for s in self.suppliers})

    def total(self, currency: str) -> Decimal:
        return sum((s.amount for s in self.suppliers if s.currency == currency), Decimal(0))


def analyse(
    env: Env, date_from: dt.date, date_to: dt.date, today: dt.date | None = None
) -> PurchaseAnalysis:
    if date_to < date_from:
        raise ValidationError(_("the end date is before the start date"), field="date_to")
    env.check("purchase.order", "read")
    today = today or dt.date.today()
    Order, Line = env["purchase.order"], env["purchase.order.line"]
    Currency, Picking = env["res.currency"], env["stock.picking"]
    in_range = [
        Order.state.in_(CONFIRMED),
        Order.date_order >= date_from,
        Order.date_order <= date_to,
    ]
    analysis = PurchaseAnalysis(date_from, date_to)
    amount = func.sum(Order.amount_untaxed, type_=Order.amount_untaxed.type)
    suppliers = env.session.execute(
        select(Order.partner_id, Currency.code, amount, func.count(Order.id))
        .join(Currency, Currency.id == Order.currency_id)
        .where(*in_range)
        .group_by(Order.partner_id, Currency.code)
        .order_by(Currency.code, amount.desc(), Order.partner_id)
    ).all()
    subtotal = func.sum(Line.price_subtotal, type_=Line.price_subtotal.type)
    products = env.session.execute(
        select(
            Line.product_id,
            Currency.code,
            subtotal,
            func.count(Line.id),
            func.sum(Line.quantity, type_=Line.quantity.type),
        )
        .join(Order, Order.id == Line.order_id)
        .join(Currency, Currency.id == Order.currency_id)
        .where(*in_range)
        .group_by(Line.product_id, Currency.code)
        .order_by(Currency.code, subtotal.desc(), Line.product_id)
    ).all()
    received = (
        select(Picking.origin_id.label("order_id"), func.max(Picking.date_done).label("at"))
        .where(Picking.origin_model == "purchase.order", Picking.state == "done")
        .group_by(Picking.origin_id)
        .subquery()
    )
    full = Order.receipt_status == "full"
    arrived = day_of(env, received.c.at)
    on_time = case((full & (arrived <= Order.expected_date), 1), else_=0)
    late = case(
        (full & (arrived > Order.expected_date), 1),
        (~full & (Order.expected_date < today), 1),
        else_=0,
    )
    punctual = env.session.execute(
        select(
            Order.partner_id,
            func.sum(on_time),
            func.sum(late),
            func.count(Order.id),
        )
        .outerjoin(received, received.c.order_id == Order.id)
        .where(
            Order.state.in_(CONFIRMED),
            Order.expected_date.is_not(None),
            Order.expected_date >= date_from,
            Order.expected_date <= date_to,
        )
        .group_by(Order.partner_id)
    ).all()
    names = _names(env, "res.partner", {r[0] for r in suppliers} | {r[0] for r in punctual})
    products_names = _names(env, "product.product", {r[0] for r in products})
    analysis.suppliers = [
        Spend(pid, names.get(pid, f"#{pid}"), code, Decimal(total or 0), int(count))
        for pid, code, total, count in suppliers
    ]
    analysis.products = [
        Spend(
            pid,
            products_names.get(pid, f"#{pid}"),
            code,
            Decimal(total or 0),
            int(count),
            Decimal(qty or 0),
        )
        for pid, code, total, count, qty in products
    ]
    analysis.punctuality = sorted(
        (
            Punctuality(
                pid,
                names.get(pid, f"#{pid}"),
                int(ok or 0),
                int(bad or 0),
                int(n) - int(ok or 0) - int(bad or 0),
            )
            for pid, ok, bad, n in punctual
        ),
        key=lambda p: (p.rate is None, p.rate or 0, p.label.casefold()),
    )
    return analysis


def _names(env: Env, model: str, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    Model = env[model]
    records = list(env.session.scalars(select(Model).where(Model.id.in_(sorted(ids)))))
    prefetch_display(env, records)
    return {r.id: display_name(r, env) for r in records}

"""Demo data: two years of weekly sales with a Spring Festival peak, for the forecast.

Why inserted set-based and not through the order services: 2 × 52 weeks of orders
through the full workflow would make the demo instance slow to build, and this is
history from before the instance went live — closed orders with their lines, written
by two bulk INSERTs. Seeded (same figures every time), relative to today, only where
sales_order is installed, and only once.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select

from addons.reporting.demo.seasonal import mondays, weekly_quantities

SEED = 20260217
WEEKS = 104
ORDERS_PER_WEEK = 3
PRODUCTS = 8
PREFIX = "HIST/"


def _demo(env: Any, model: str, prefix: str, limit: int) -> list[Any]:
    Data, Model = env["ir.model.data"], env[model]
    ids = list(
        env.session.scalars(
            select(Data.res_id)
            .where(Data.addon == "base", Data.model == model, Data.name.like(f"{prefix}%"))
            .order_by(Data.name)
        )
    )
    records = {r.id: r for r in env.session.scalars(select(Model).where(Model.id.in_(ids)))}
    return [records[i] for i in ids if i in records][:limit]


def load(env: Any, today: dt.date | None = None) -> None:
    if not env.has_addon("sales_order"):
        return
    Order, Line = env["sale.order"], env["sale.order.line"]
    if env.session.scalar(select(func.count()).where(Order.name.like(f"{PREFIX}%"))):
        return
    products = [p for p in _demo(env, "product.product", "demo_product_", 40) if p.sale_ok][
        :PRODUCTS
    ]
    customers = _demo(env, "res.partner", "demo_customer_", 12)
    if not products or not customers:
        return
    from addons.base.services.company import main_company

    company = main_company(env)
    rng = random.Random(SEED)
    today = today or dt.date.today()
    weeks = mondays(today - dt.timedelta(weeks=1), WEEKS)
    sold = {
        p.id: weekly_quantities(weeks, rng.uniform(12, 60), rng.uniform(0.05, 0.25), rng)
        for p in products
    }
    orders: list[dict[str, Any]] = []
    for index, monday in enumerate(weeks):
        for slot in range(ORDERS_PER_WEEK):
            orders.append(
                {
                    "name": f"{PREFIX}{monday:%G-W%V}/{slot + 1}",
                    "company_id": company.id,
                    "currency_id": company.currency_id,
                    "partner_id": customers[(index * ORDERS_PER_WEEK + slot) % len(customers)].id,
                    "date_order": monday + dt.timedelta(days=rng.randrange(5)),
                    "state": "closed",
                    "note": "Imported sales history (demo)",
                }
            )
    lines: list[dict[str, Any]] = []
    totals = [Decimal(0)] * len(orders)
    for index in range(len(weeks)):
        for number, product in enumerate(products):
            quantity = sold[product.id][index]
            if not quantity:
                continue
            at = index * ORDERS_PER_WEEK + (index + number) % ORDERS_PER_WEEK
            price = Decimal(product.list_price or 1)
            subtotal = price * quantity
            totals[at] += subtotal
            lines.append(
                {
                    "order": at,
                    "product_id": product.id,
                    "name": product.name,
                    "quantity": Decimal(quantity),
                    "uom_id": product.uom_id,
                    "price_unit": price,
                    "price_subtotal": subtotal,
                    "price_total": subtotal,
                    "cost_price": Decimal(product.standard_price or 0),
                }
            )
    for order, total in zip(orders, totals, strict=True):
        order.update(amount_untaxed=total, amount_tax=Decimal(0), amount_total=total)
    ids = list(
        env.session.scalars(insert(Order).returning(Order.id, sort_by_parameter_order=True), orders)
    )
    for line in lines:
        line["order_id"] = ids[line.pop("order")]
    env.session.execute(insert(Line), lines)
    env.session.flush()

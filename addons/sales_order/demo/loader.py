"""Demo data: price rules, restrictions, an auto-approval rule and ~300 orders over a year.

Orders go through the real service functions (create, submit, approve, reject,
cancel), so every installed addon's hooks act on them — stock reserves,
accounting invoices — exactly as in production. Seeded: the same database
comes out every time (dates are relative to today).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from addons.sales_order.services import exceptions, orders

if TYPE_CHECKING:
    from kernel.env import Env

SEED = 20260101
ORDER_COUNT = 300
REJECT_REASONS = [
    "Discount above the agreed 10 %, please re-check with the customer",
    "Delivery date cannot be met, propose a later date",
    "Customer must pay the overdue invoice first",
]
CANCEL_REASONS = ["Customer withdrew the order", "Duplicate entry", "Price not accepted"]


def _demo_records(env: Env, model: str, prefix: str) -> list[Any]:
    Data = env["ir.model.data"]
    ids = list(
        env.session.scalars(
            select(Data.res_id)
            .where(Data.addon == "base", Data.model == model, Data.name.like(f"{prefix}%"))
            .order_by(Data.name)
        )
    )
    cls = env[model]
    if not ids:
        return []
    return list(env.session.scalars(select(cls).where(cls.id.in_(ids)).order_by(cls.id)))


def _customers(env: Env) -> list[Any]:
    found = _demo_records(env, "res.partner", "demo_customer")
    if found:
        return found
    Partner = env["res.partner"]
    return list(
        env.session.scalars(
            select(Partner)
            .where(Partner.is_customer.is_(True), Partner.parent_id.is_(None))
            .order_by(Partner.id)
        )
    )


def _products(env: Env) -> list[Any]:
    found = [p for p in _demo_records(env, "product.product", "demo_product") if p.sale_ok]
    if found:
        return found
    Product = env["product.product"]
    return list(
        env.session.scalars(
            select(Product)
            .where(Product.sale_ok.is_(True), Product.active.is_(True))
            .order_by(Product.id)
        )
    )


def _configuration(env: Env, customers: list[Any], products: list[Any]) -> None:
    Pricelist = env["sale.pricelist"]
    Rule = env["sale.pricelist.rule"]
    AutoRule = env["sale.autoapprove.rule"]
    # demo names in the instance's language (a Chinese office reads no English labels)
    zh = env.setting("lang", "en") == "zh_CN"
    pricelist = Pricelist(name="2026 标准价目表" if zh else "Standard 2026")
    env.session.add(pricelist)
    env.session.flush()
    rules = [
        Rule(
            pricelist_id=pricelist.id,
            name="满 50 件 95 折" if zh else "Volume discount 5 % from 50 units",
            priority=10,
            kind="discount",
            discount=Decimal("5"),
            min_quantity=Decimal("50"),
        ),
        Rule(
            pricelist_id=pricelist.id,
            name=f"大客户 {customers[0].name}" if zh else f"Key account {customers[0].name}",
            priority=20,
            partner_id=customers[0].id,
            kind="discount",
            discount=Decimal("8"),
        ),
    ]
    costed = [p for p in products if (p.standard_price or 0) > 0]
    if costed:
        rules.append(
            Rule(
                pricelist_id=pricelist.id,
                name=(
                    f"{costed[0].default_code or costed[0].name} 成本加成 35%"
                    if zh
                    else f"Cost plus 35 % on {costed[0].default_code or costed[0].name}"
                ),
                priority=15,
                product_id=costed[0].id,
                kind="cost_plus",
                margin=Decimal("35"),
                surcharge=Decimal("2"),
            )
        )
    env.session.add_all(rules)
    env.session.add(
        AutoRule(
            name="3,000 元以内的常规订单" if zh else "Routine orders up to 3,000",
            max_total=Decimal("3000"),
            max_receivable=Decimal("0"),
            require_clean_checks=True,
        )
    )
    env.session.flush()


def load(env: Env) -> None:
    customers = _customers(env)
    products = _products(env)
    if not customers or not products:
        return
    _configuration(env, customers, products)
    # The identity map holds objects weakly: keep master data alive between orders so
    # each order finds taxes, units and companies without querying them again.
    pinned = [
        row
        for model in ("res.company", "res.currency", "res.tax", "uom.uom", "res.country")
        for row in env.session.scalars(select(env[model]))
    ]
    rng = random.Random(SEED)
    today = dt.date.today()
    days = sorted(rng.randrange(0, 365) for _ in range(ORDER_COUNT))
    running: list[int] = []
    for back in reversed(days):
        _trim_session(env)
        day = today - dt.timedelta(days=back)
        customer = rng.choice(customers)
        lines = [
            {
                "product_id": product.id,
                "quantity": Decimal(rng.choice((1, 2, 3, 5, 10, 12, 20, 24, 50, 60, 100))),
            }
            for product in rng.sample(products, k=min(len(products), rng.randint(1, 6)))
        ]
        order = orders.create_order(
            env,
            customer.id,
            lines,
            date_order=day,
            requested_date=day + dt.timedelta(days=rng.randint(3, 21)),
            payment_method=rng.choice(("bank_transfer", "bank_transfer", "e_wallet", "cheque")),
        )
        for line in order.lines:
            if line.price_net < (line.cost_price or 0):
                line.below_cost_reason = "Clearance of old stock"
        fate = rng.random()
        recent = back < 30
        if recent and fate < 0.35:
            continue  # a quotation still being prepared
        if fate < 0.05:
            orders.cancel(env, order, rng.choice(CANCEL_REASONS))
            continue
        orders.submit(env, order)
        if order.state != "submitted":
            running.append(order.id)
            continue  # approved by the auto-approval rule
        if fate < 0.12:
            orders.reject(env, order, rng.choice(REJECT_REASONS))
            continue
        if recent and fate < 0.6:
            continue  # waiting for a manager
        if any(c.severity == "block" for c in order.checks):
            continue
        orders.approve(env, order)
        running.append(order.id)
    _trim_session(env)
    del pinned
    _exceptions(env, rng, running)


MASTER_DATA = frozenset(
    {
        "res.partner",
        "product.product",
        "product.category",
        "uom.uom",
        "res.tax",
        "res.currency",
        "res.company",
        "res.country",
        "res.user",
        "res.payment.term",
    }
)


def _trim_session(env: Env) -> None:
    """Forget finished orders: flush-time checks walk every object the session holds.

    Master data stays, so the next order finds customers and products without a query.
    """
    env.session.flush()
    for obj in list(env.session):
        if getattr(obj, "__model_name__", None) not in MASTER_DATA and obj in env.session:
            env.session.expunge(obj)


def _exceptions(env: Env, rng: random.Random, candidates: list[int]) -> None:
    samples = [
        ("delay", "Carrier reports a two-day delay at the Ningbo hub"),
        ("quality", "Customer reports scratches on 3 units"),
        ("complaint", "Invoice address was wrong on the delivery note"),
    ]
    chosen = rng.sample(candidates, k=min(len(samples), len(candidates)))
    for order_id, (kind, text) in zip(chosen, samples, strict=False):
        exceptions.report_exception(
            env,
            env.get("sale.order", order_id),
            kind,
            text,
            due_date=dt.date.today() + dt.timedelta(days=3),
        )

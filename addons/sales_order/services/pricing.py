"""The pricing engine: which price a customer pays for a product, and why.

Order of precedence for one line:

1. the ``sale_price_rule`` hook (another addon's contract or promotion), first answer wins;
2. the active ``sale.pricelist.rule`` rows that match — customer or customer group,
   product or category (or its parents), minimum quantity, validity dates — the one
   with the highest priority, then the most specific, then the oldest;
3. the product's list price.

A rule computes a fixed price, a percentage discount on the list price, or
cost × (1 + margin %) + surcharge. Formulas are data, never evaluated code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, bindparam, or_, select

from addons.sales_order.hookspecs import SalesOrderHooks
from addons.sales_order.services.totals import HUNDRED
from addons.sales_order.types import PriceSuggestion
from kernel.caches import Slot
from kernel.statements import built

if TYPE_CHECKING:
    from kernel.env import Env

PRICE_QUANTUM = Decimal("0.0001")


@dataclass(frozen=True)
class LastPrice:
    order_id: int
    order_name: str
    date_order: dt.date
    quantity: Decimal
    price_unit: Decimal
    discount: Decimal
    currency_id: int


def category_chain(env: Env, category_id: int | None) -> list[int]:
    """The category and its parents (nearest first), read with one query for all categories."""
    if category_id is None:
        return []
    parents = _category_parents(env)
    chain: list[int] = []
    current: int | None = category_id
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


#: product categories' parents, read once per unit of work
CATEGORY_PARENTS: Slot[dict[int, int | None]] = Slot("sales_order.category_parents", dict)


def _category_parents(env: Env) -> dict[int, int | None]:
    cache = env.cache.peek(CATEGORY_PARENTS)
    if cache is None:
        Category = env["product.category"]
        cache = dict(env.session.execute(select(Category.id, Category.parent_id)).all())
        env.cache.set(CATEGORY_PARENTS, cache)
    return cache


def candidate_rules(
    env: Env, partner: Any | None, products: Iterable[Any], day: dt.date
) -> list[Any]:
    """Every active rule that may apply to ``partner`` and any of ``products`` on ``day`` (one query)."""
    product_ids = {p.id for p in products}
    category_ids: set[int] = set()
    for product in products:
        category_ids.update(category_chain(env, product.category_id))
    partner_ids = [partner.id] if partner is not None else []
    if partner is not None and partner.parent_id:
        partner_ids.append(partner.parent_id)
    group_id = getattr(partner, "customer_group_id", None) if partner is not None else None
    shape = (bool(partner_ids), bool(group_id), bool(product_ids), bool(category_ids))
    stmt = built(env.registry, ("sales_order.candidate_rules", shape), lambda: _rules(env, *shape))
    values = {
        "partners": partner_ids,
        "group_id": group_id,
        "products": sorted(product_ids),
        "categories": sorted(category_ids),
        "day": day,
    }
    return list(env.session.scalars(stmt, {k: v for k, v in values.items() if v}))


def _rules(env: Env, partners: bool, group: bool, products: bool, categories: bool) -> Any:
    """:func:`candidate_rules`'s query for which of partner, group, products and categories
    it is given (built once per shape: :mod:`kernel.statements`)."""
    Rule = env["sale.pricelist.rule"]
    Pricelist = env["sale.pricelist"]
    who = [and_(Rule.partner_id.is_(None), Rule.customer_group_id.is_(None))]
    if partners:
        who.append(Rule.partner_id.in_(bindparam("partners", expanding=True)))
    if group:
        who.append(and_(Rule.partner_id.is_(None), Rule.customer_group_id == bindparam("group_id")))
    what = [and_(Rule.product_id.is_(None), Rule.category_id.is_(None))]
    if products:
        what.append(Rule.product_id.in_(bindparam("products", expanding=True)))
    if categories:
        what.append(
            and_(
                Rule.product_id.is_(None),
                Rule.category_id.in_(bindparam("categories", expanding=True)),
            )
        )
    day: Any = bindparam("day")
    return (
        select(Rule)
        .join(Pricelist, Pricelist.id == Rule.pricelist_id)
        .where(
            Pricelist.active.is_(True),
            or_(*who),
            or_(*what),
            or_(Rule.date_start.is_(None), Rule.date_start <= day),
            or_(Rule.date_end.is_(None), Rule.date_end >= day),
        )
        .order_by(Rule.priority.desc(), Rule.id)
    )


def _specificity(rule: Any) -> int:
    return (2 if rule.product_id else 1 if rule.category_id else 0) * 3 + (
        2 if rule.partner_id else 1 if rule.customer_group_id else 0
    )


def pick_rule(env: Env, rules: list[Any], product: Any, quantity: Decimal) -> Any | None:
    """The applicable rule for ``product`` at ``quantity`` among pre-filtered ``rules``."""
    chain = set(category_chain(env, product.category_id))
    matching = [
        r
        for r in rules
        if (r.product_id is None or r.product_id == product.id)
        and (r.product_id is not None or r.category_id is None or r.category_id in chain)
        and (r.min_quantity or Decimal(0)) <= quantity
    ]
    if not matching:
        return None
    matching.sort(key=lambda r: (-r.priority, -_specificity(r), r.id))
    return matching[0]


def apply_rule(rule: Any, product: Any) -> PriceSuggestion:
    """The price a rule gives for ``product`` (per unit of the product's unit).

    The line keeps the rule's id (shown by its name, in the rule's own words),
    never a sentence about it: a sentence would be stored in the language of
    whoever priced the line.
    """
    list_price = product.list_price or Decimal(0)
    if rule.kind == "fixed":
        price = rule.fixed_price or Decimal(0)
        return PriceSuggestion(price.quantize(PRICE_QUANTUM), Decimal(0), "", rule.id, "rule")
    if rule.kind == "discount":
        return PriceSuggestion(list_price, rule.discount or Decimal(0), "", rule.id, "rule")
    cost = product.standard_price or Decimal(0)
    price = cost * (HUNDRED + (rule.margin or Decimal(0))) / HUNDRED + (
        rule.surcharge or Decimal(0)
    )
    return PriceSuggestion(price.quantize(PRICE_QUANTUM), Decimal(0), "", rule.id, "rule")


def suggest_prices(
    env: Env,
    partner: Any | None,
    items: list[tuple[Any, Decimal]],
    day: dt.date | None = None,
) -> list[PriceSuggestion]:
    """Prices for ``(product, quantity in product unit)`` pairs: one rule query for all of them."""
    day = day or dt.date.today()
    rules = candidate_rules(env, partner, [p for p, _q in items], day) if items else []
    result = []
    for product, quantity in items:
        hooked = SalesOrderHooks(env).sale_price_rule(
            env=env, partner=partner, product=product, quantity=quantity, date=day
        )
        if hooked is not None:
            result.append(hooked)
            continue
        rule = pick_rule(env, rules, product, quantity)
        if rule is not None:
            result.append(apply_rule(rule, product))
        else:
            result.append(
                PriceSuggestion(product.list_price or Decimal(0), Decimal(0), source="list")
            )
    return result


def suggest_price(
    env: Env, partner: Any | None, product: Any, quantity: Decimal, day: dt.date | None = None
) -> PriceSuggestion:
    return suggest_prices(env, partner, [(product, quantity)], day)[0]


def last_prices(env: Env, partner_id: int, product_id: int, limit: int = 5) -> list[LastPrice]:
    """The customer's latest confirmed prices for the product, newest first (one query)."""
    Order = env["sale.order"]
    Line = env["sale.order.line"]
    rows = env.session.execute(
        select(
            Order.id,
            Order.name,
            Order.date_order,
            Line.quantity,
            Line.price_unit,
            Line.discount,
            Order.currency_id,
        )
        .join(Order, Order.id == Line.order_id)
        .where(
            Order.partner_id == partner_id,
            Line.product_id == product_id,
            Order.state.in_(("approved", "in_progress", "completed", "closed")),
        )
        .order_by(Order.date_order.desc(), Order.id.desc(), Line.id)
        .limit(limit)
    ).all()
    return [LastPrice(*row) for row in rows]

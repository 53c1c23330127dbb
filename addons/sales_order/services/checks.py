"""Pre-approval checks: gathered from every addon at submission and stored on the order.

sales_order contributes three (see :mod:`addons.sales_order.hooks`): the credit
limit, prices below cost or under the minimum margin, and sales restrictions by
country. Other addons add theirs through the ``sale_order_checks`` hook.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func, select

from addons.sales_order.hookspecs import SalesOrderHooks
from addons.sales_order.services.completeness import is_below_cost
from addons.sales_order.services.pricing import category_chain
from addons.sales_order.services.totals import HUNDRED
from addons.sales_order.types import CheckResult
from kernel.caches import Slot
from kernel.i18n import _, format_amount, text_of
from kernel.security import system_write
from kernel.statements import built
from kernel.workflow import add_comment

if TYPE_CHECKING:
    from kernel.env import Env

MIN_MARGIN_SETTING = "sales_order.min_margin_percent"
OPEN_STATES = ("approved", "in_progress")


#: partners' open receivables as accounting answered them in this unit
OPEN_RECEIVABLE: Slot[dict[int, Decimal]] = Slot("sales_order.receivable", dict)
#: the minimum margin setting, read once per unit
MIN_MARGIN: Slot[Decimal | None] = Slot("sales_order.min_margin", lambda: None)


def open_receivable(env: Env, partner_id: int) -> Decimal:
    """The partner's open receivable as accounting answers it (zero when nobody answers)."""
    cache = env.cache.get(OPEN_RECEIVABLE)
    if partner_id not in cache:
        answer = SalesOrderHooks(env).sale_partner_open_receivable(env=env, partner_id=partner_id)
        cache[partner_id] = Decimal(answer) if answer is not None else Decimal(0)
    return cache[partner_id]


def open_orders_total(env: Env, partner_id: int, exclude_id: int | None) -> Decimal:
    """Approved or running orders of the partner, not invoiced yet (invoicing happens on completion)."""
    Order = env["sale.order"]
    stmt = built(
        env.registry,
        "sales_order.open_orders_total",
        lambda: select(func.coalesce(func.sum(Order.amount_total), 0)).where(
            Order.partner_id == bindparam("partner_id"),
            Order.state.in_(OPEN_STATES),
            Order.id != bindparam("exclude_id"),
        ),
    )
    # no order has id 0: excluding it excludes none
    values = {"partner_id": partner_id, "exclude_id": exclude_id or 0}
    return Decimal(env.session.scalar(stmt, values) or 0)


def credit_check(env: Env, order: Any) -> list[CheckResult]:
    partner = order.partner
    if partner is None:
        return []
    # The limit and the receivable belong to the company, not to one of its contacts.
    partner = partner.parent or partner
    limit = partner.credit_limit or Decimal(0)
    if limit <= 0:
        return []
    receivable = open_receivable(env, partner.id)
    running = open_orders_total(env, partner.id, order.id)
    exposure = receivable + running + order.amount_total
    cent = Decimal("0.01")
    receivable, running, exposure, limit = (
        x.quantize(cent) for x in (receivable, running, exposure, limit)
    )
    if exposure > limit:
        message = _(
            "Credit limit of %(partner)s exceeded: open receivable %(receivable)s + open orders "
            "%(orders)s + this order %(order)s = %(exposure)s > limit %(limit)s",
            partner=partner.name,
            receivable=format_amount(receivable),
            orders=format_amount(running),
            order=format_amount(order.amount_total),
            exposure=format_amount(exposure),
            limit=format_amount(limit),
        )
        return [CheckResult("credit_limit", "review", text_of(message))]
    message = _(
        "Credit limit respected: %(exposure)s of %(limit)s",
        exposure=format_amount(exposure),
        limit=format_amount(limit),
    )
    return [CheckResult("credit_limit", "ok", text_of(message))]


def min_margin(env: Env) -> Decimal:
    """The configured minimum margin in percent (0: no minimum), read once per unit of work."""
    found = env.cache.peek(MIN_MARGIN)
    if found is None:
        # settings are memoized per security stamp (a changed setting bumps it)
        found = Decimal(str(env.setting(MIN_MARGIN_SETTING) or 0))
        env.cache.set(MIN_MARGIN, found)
    return found


def margin_check(env: Env, order: Any) -> list[CheckResult]:
    minimum = min_margin(env)
    results = []
    for index, line in enumerate(order.lines, start=1):
        name = line.product.name if line.product is not None else f"#{index}"
        if is_below_cost(line):
            message = _(
                "Line %(n)s (%(product)s) sells at %(price)s, below its cost %(cost)s: %(reason)s",
                n=index,
                product=name,
                price=format_amount(line.price_net),
                cost=format_amount(line.cost_price),
                reason=line.below_cost_reason or "—",
            )
            results.append(CheckResult("below_cost", "review", text_of(message)))
            continue
        net = line.price_net
        if minimum > 0 and net > 0 and line.cost_price:
            margin = (net - line.cost_price) * HUNDRED / net
            if margin < minimum:
                message = _(
                    "Line %(n)s (%(product)s) has a margin of %(margin)s%%, under the minimum %(minimum)s%%",
                    n=index,
                    product=name,
                    margin=format_amount(margin, 1),
                    minimum=format_amount(minimum, 1),
                )
                results.append(CheckResult("low_margin", "review", text_of(message)))
    return results


def compliance_check(env: Env, order: Any) -> list[CheckResult]:
    """Block sales of restricted goods into a country (shipping address first, else customer)."""
    shipping = order.shipping_partner or order.partner
    country_id = getattr(shipping, "country_id", None) or getattr(order.partner, "country_id", None)
    if not country_id:
        return []
    Restriction = env["sale.restriction"]
    rules = list(
        env.session.scalars(
            select(Restriction).where(
                Restriction.country_id == country_id, Restriction.active.is_(True)
            )
        )
    )
    results = []
    for rule in rules:
        for index, line in enumerate(order.lines, start=1):
            product = line.product
            if rule.product_id is not None and rule.product_id != product.id:
                continue
            if (
                rule.product_id is None
                and rule.category_id is not None
                and rule.category_id not in category_chain(env, product.category_id)
            ):
                continue
            message = _(
                "Line %(n)s (%(product)s) may not be sold to %(country)s: %(reason)s",
                n=index,
                product=product.name,
                country=rule.country.name,
                reason=rule.reason or "—",
            )
            results.append(CheckResult("restricted", "block", text_of(message)))
    return results


def gather(env: Env, order: Any) -> list[CheckResult]:
    """Ask every addon, store the results on the order (replacing older ones) and in its history."""
    results: list[CheckResult] = []
    for answer in SalesOrderHooks(env).sale_order_checks(env=env, order=order):
        results.extend(answer or [])
    Check = env["sale.order.check"]
    # check results are the system's findings (a system policy): users may only read them
    with env.sudo("the submitter replaces the order's earlier findings"):
        system_write(env.session, *order.checks)
        order.checks.clear()
        for result in results:
            check = Check(
                code=result.code, severity=result.severity, message=text_of(result.message)
            )
            system_write(env.session, check)
            order.checks.append(check)
    findings = [r for r in results if r.severity != "ok"]
    if findings:
        add_comment(env, order, "\n".join(f"[{r.severity}] {text_of(r.message)}" for r in findings))
    return results


def blocking_messages(order: Any) -> list[str]:
    return [c.message for c in order.checks if c.severity == "block"]


def needs_review(order: Any) -> bool:
    return any(c.severity == "review" for c in order.checks)

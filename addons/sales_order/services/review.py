"""What happens when an order is submitted: totals, checks, hooks, automatic approval."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from addons.sales_order.hookspecs import SalesOrderHooks
from addons.sales_order.services import checks as order_checks
from addons.sales_order.services.totals import compute_order
from kernel.fields import utcnow
from kernel.workflow import fire

if TYPE_CHECKING:
    from kernel.env import Env


def after_submit(env: Env, order: Any) -> None:
    """Action of the ``submit`` transition (the order is already ``submitted``)."""
    compute_order(env, order)
    order.submitted_at = utcnow()
    order_checks.gather(env, order)
    SalesOrderHooks(env).sale_order_submitted(env=env, order=order)
    rule = matching_autoapprove_rule(env, order)
    if rule is not None:
        fire(env, order, "approve", reason=str(rule.name), automatic=True)
    else:
        from addons.sales_order.notifications import notify_waiting

        notify_waiting(env, order)


def matching_autoapprove_rule(env: Env, order: Any) -> Any | None:
    """The first active rule under which this order is routine, or ``None``.

    Never when a check blocks; with ``require_clean_checks`` never when one asks for review.
    """
    if order.state != "submitted" or order_checks.blocking_messages(order):
        return None
    Rule = env["sale.autoapprove.rule"]
    rules = list(env.session.scalars(select(Rule).where(Rule.active.is_(True)).order_by(Rule.id)))
    if not rules:
        return None
    review = order_checks.needs_review(order)
    receivable: Decimal | None = None
    for rule in rules:
        if rule.require_clean_checks and review:
            continue
        if rule.max_total and order.amount_total > rule.max_total:
            continue
        if rule.max_receivable:
            if receivable is None:
                receivable = order_checks.open_receivable(env, order.partner_id)
            if receivable > rule.max_receivable:
                continue
        return rule
    return None

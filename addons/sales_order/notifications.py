"""E-mails about sales orders: the customer's confirmation, the managers' queue.

Sent through :func:`kernel.mail.notify.notify` inside the order's own transaction,
so a rolled-back approval sends nothing. Managers choose on *Notifications* whether
they want "order to approve" and "over credit limit" mails.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kernel import hookimpl
from kernel.env import Env
from kernel.i18n import _
from kernel.mail import notify as mail

MANAGER = "sales_order.group_manager"
TO_APPROVE = "sales_order.to_approve"
CREDIT_HOLD = "sales_order.credit_hold"


@hookimpl
def register_template_dirs(register: Callable[..., None]) -> None:
    register(Path(__file__).parent / "mail" / "templates")


@hookimpl
def register_notifications(register: Callable[..., None]) -> None:
    register(TO_APPROVE, _("A sales order waits for my approval"), MANAGER)
    register(
        CREDIT_HOLD, _("A sales order is held: the customer is over the credit limit"), MANAGER
    )


def _context(env: Env, order: Any) -> dict[str, Any]:
    return {"order": order, "currency": order.currency.code if order.currency is not None else None}


@hookimpl
def sale_order_confirmed(env: Env, order: Any) -> None:
    """Tell the customer the order is confirmed, with its lines and total."""
    if order.partner is None or not order.partner.email:
        return
    env.browse("product.product", [line.product_id for line in order.lines])  # no query per line
    mail.notify(
        env,
        "sale_order_confirmed",
        order,
        mail.partner(order.partner, env.setting("lang", "en")),
        context={**_context(env, order), "company": env.setting("company_name", "")},
        event="sales_order.confirmed",
    )


def notify_waiting(env: Env, order: Any) -> None:
    """After submit, when no rule approved it: the managers' mail, and the credit hold's."""
    context = _context(env, order)
    held = [c for c in order.checks if c.code == "credit_limit" and c.severity != "ok"]
    if held:
        mail.notify(
            env,
            "sale_order_credit_hold",
            order,
            mail.staff(env, CREDIT_HOLD, MANAGER),
            context={**context, "reasons": [c.message for c in held]},
            event=CREDIT_HOLD,
        )
    mail.notify(
        env,
        "sale_order_to_approve",
        order,
        mail.staff(env, TO_APPROVE, MANAGER),
        context={**context, "checks": [c for c in order.checks if c.severity != "ok"]},
        event=TO_APPROVE,
    )

"""E-mails about sales orders: the customer's confirmation, the managers' queue.

Sent through :func:`kernel.mail.notify.notify` inside the order's own transaction,
so a rolled-back approval sends nothing. Managers choose on *Notifications* whether
they want "order to approve" and "over credit limit" mails.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from kernel import hookimpl
from kernel.env import Env
from kernel.i18n import _
from kernel.mail import notify as mail

MANAGER = "sales_order.group_manager"
TO_APPROVE = "sales_order.to_approve"
CREDIT_HOLD = "sales_order.credit_hold"
ALERTS = "sales_order.alerts"
STALE_DAYS = 2
"""An order submitted longer ago than this, still not decided, is reported as stale."""


@hookimpl
def register_template_dirs(register: Callable[..., None]) -> None:
    register(Path(__file__).parent / "mail" / "templates")


@hookimpl
def register_notifications(register: Callable[..., None]) -> None:
    register(TO_APPROVE, _("A sales order waits for my approval"), MANAGER)
    register(
        CREDIT_HOLD, _("A sales order is held: the customer is over the credit limit"), MANAGER
    )
    register(ALERTS, _("Daily sales alerts"), MANAGER)


@hookimpl
def register_jobs(register: Callable[..., None]) -> None:
    register(ALERTS, sales_alerts, cron="15 8 * * *")


def sales_alerts(env: Env) -> str:
    """Scheduled: orders waiting too long for a decision and open exceptions, to the managers.

    The home page shows the same exceptions when someone looks; this reaches the
    managers who do not open it. Counted in SQL: one statement per list.
    """
    from addons.sales_order.services.exceptions import OPEN

    Order, Exception_ = env["sale.order"], env["sale.order.exception"]
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=STALE_DAYS)
    stale = list(
        env.session.scalars(
            select(Order)
            .where(Order.state == "submitted", Order.submitted_at < since)
            .order_by(Order.submitted_at)
            .limit(50)
        )
    )
    exceptions = env.session.execute(
        select(Exception_.kind, func.count())
        .where(Exception_.status.in_(OPEN))
        .group_by(Exception_.kind)
        .order_by(Exception_.kind)
    ).all()
    if not stale and not exceptions:
        return "nothing to report"
    kinds = dict(Exception_.__table__.c.kind.info.get("selection") or [])
    mail.notify(
        env,
        "sale_alerts",
        env.ref("base.main_company"),
        mail.staff(env, ALERTS, MANAGER),
        context={
            "stale": stale,
            "days": STALE_DAYS,
            "exceptions": [(kinds.get(kind, kind), count) for kind, count in exceptions],
        },
        event=ALERTS,
    )
    return f"{len(stale)} waiting over {STALE_DAYS} days, {sum(c for _k, c in exceptions)} open exceptions"


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

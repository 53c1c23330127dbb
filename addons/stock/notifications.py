"""E-mails about stock: the customer's "shipped" mail, the managers' shortage mail, and the
inventory alerts raised by a daily job instead of only when the dashboard is opened.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from kernel import hookimpl
from kernel.env import Env
from kernel.i18n import _
from kernel.mail import notify as mail

MANAGER = "stock.group_manager"
SHORTAGE = "stock.shortage"
ALERTS = "stock.alerts"


@hookimpl
def register_template_dirs(register: Callable[..., None]) -> None:
    register(Path(__file__).parent / "mail" / "templates")


@hookimpl
def register_notifications(register: Callable[..., None]) -> None:
    register(SHORTAGE, _("An approved order cannot be reserved in full (shortage)"), MANAGER)
    register(ALERTS, _("Daily inventory alerts"), MANAGER)


@hookimpl
def register_jobs(register: Callable[..., None]) -> None:
    register("stock.alerts", inventory_alerts, cron="0 8 * * *")


@hookimpl
def stock_picking_done(env: Env, picking: Any) -> None:
    """A delivery to a customer left: tell them, with the carrier's tracking link if known."""
    if picking.picking_type != "outgoing" or picking.partner is None or not picking.partner.email:
        return
    mail.notify(
        env,
        "stock_shipped",
        picking,
        mail.partner(picking.partner, env.setting("lang", "en")),
        context={
            "picking": picking,
            # a delivery (carrier) addon adds the link; without one the mail has none
            "tracking_url": getattr(picking, "tracking_url", "") or "",
            "company": env.setting("company_name", ""),
        },
        event="stock.shipped",
    )


def notify_shortage(env: Env, order: Any, shortages: Iterable[tuple[int, Decimal]]) -> None:
    """Managers who want it learn which products an approved order is short of."""
    rows = [(pid, qty) for pid, qty in shortages if qty and qty > 0]
    if not rows:
        return
    recipients = mail.staff(env, SHORTAGE, MANAGER)
    if not recipients:
        return
    products = env.browse("product.product", [pid for pid, _qty in rows])
    mail.notify(
        env,
        "stock_shortage",
        order,
        recipients,
        context={"order": order, "lines": [(products[pid], qty) for pid, qty in rows]},
        event=SHORTAGE,
    )


def inventory_alerts(env: Env) -> str:
    """Scheduled: the dashboard's inventory alerts, mailed to the stock managers."""
    from addons.stock.dashboard import late_reservations
    from addons.stock.services.reorder import under_minimum

    rules = under_minimum(env)
    late = late_reservations(env)
    if not rules and not late:
        return "nothing to report"
    products = env.browse("product.product", [rule.product_id for rule, _f in rules])
    mail.notify(
        env,
        "stock_alerts",
        env.ref("base.main_company"),
        mail.staff(env, ALERTS, MANAGER),
        context={
            "under": [(products[r.product_id], forecast, r.minimum) for r, forecast in rules],
            "late": late,
        },
        event=ALERTS,
    )
    return f"{len(rules)} under minimum, {late} late"

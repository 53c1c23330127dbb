"""Late deliveries, found every morning by a scheduled job and raised as order exceptions.

Two ways an order is late: a shipment's expected arrival has passed without a
"delivered" scan, or the customer's requested date has passed and the goods have
not left. Each raises one ``delay`` exception on the order, owned by the sales
managers, and never a second one while the first is still open: the job runs daily
and must not bury the managers under copies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from babel.dates import format_date
from sqlalchemy import and_, exists, select

from addons.sales_order.services.exceptions import OPEN, report_exception
from kernel import hookimpl, i18n
from kernel.env import Env
from kernel.i18n import _, text_of

JOB = "sale_delivery.late"
OWNER = "sales_order.group_manager"
RUNNING = ("approved", "in_progress", "completed")


@hookimpl
def register_jobs(register: Callable[..., None]) -> None:
    register(JOB, raise_late_deliveries, cron="0 7 * * *")


def raise_late_deliveries(env: Env, today: dt.date | None = None) -> str:
    """Scheduled: a ``delay`` exception on every order newly found late; returns a summary."""
    today = today or dt.date.today()
    with env.sudo("the daily job reports late deliveries on every order"):
        overdue = _overdue_shipments(env, today)
        missed = _missed_requested_dates(env, today, exclude={o.id for o, _s in overdue})
        for order, shipment in overdue:
            report_exception(
                env,
                order,
                "delay",
                text_of(
                    _(
                        "Shipment %(shipment)s (%(tracking)s) was expected on %(eta)s and has not "
                        "been delivered",
                        shipment=shipment.name,
                        tracking=shipment.tracking_number,
                        eta=_day(shipment.eta),
                    )
                ),
                OWNER,
                due_date=today,
            )
        for order in missed:
            report_exception(
                env,
                order,
                "delay",
                text_of(
                    _(
                        "Requested for %(date)s and not shipped yet",
                        date=_day(order.requested_date),
                    )
                ),
                OWNER,
                due_date=today,
            )
    return f"{len(overdue)} shipments overdue, {len(missed)} orders past their requested date"


def _day(day: dt.date) -> str:
    """The date as the instance's language writes it (the description is stored text)."""
    return format_date(day, format="medium", locale=i18n.babel_locale())


def _no_open_delay(env: Env, Order: Any) -> Any:
    Exception_ = env["sale.order.exception"]
    return ~exists().where(
        Exception_.order_id == Order.id,
        Exception_.kind == "delay",
        Exception_.status.in_(OPEN),
    )


def _overdue_shipments(env: Env, today: dt.date) -> list[tuple[Any, Any]]:
    """(order, its first overdue shipment), one query."""
    Order, Shipment = env["sale.order"], env["delivery.shipment"]
    rows = env.session.execute(
        select(Order, Shipment)
        .join(
            Shipment,
            and_(Shipment.origin_model == "sale.order", Shipment.origin_id == Order.id),
        )
        .where(
            Shipment.state == "shipped",
            Shipment.status != "delivered",
            Shipment.eta < today,
            _no_open_delay(env, Order),
        )
        .order_by(Order.id, Shipment.eta, Shipment.id)
    ).all()
    first: dict[int, tuple[Any, Any]] = {}
    for order, shipment in rows:
        first.setdefault(order.id, (order, shipment))
    return list(first.values())


def _missed_requested_dates(env: Env, today: dt.date, exclude: set[int]) -> list[Any]:
    """Running orders past their requested date whose goods have not all left (one query)."""
    Order, Milestone = env["sale.order"], env["workflow.milestone"]
    shipped = exists().where(
        Milestone.model == "sale.order",
        Milestone.res_id == Order.id,
        Milestone.name == "shipped",
        Milestone.done_at.is_not(None),
    )
    expected = exists().where(
        Milestone.model == "sale.order", Milestone.res_id == Order.id, Milestone.name == "shipped"
    )
    query = (
        select(Order)
        .where(
            Order.state.in_(RUNNING),
            Order.requested_date < today,
            expected,  # only orders that ship goods at all
            ~shipped,
            _no_open_delay(env, Order),
        )
        .order_by(Order.id)
    )
    return [o for o in env.session.scalars(query) if o.id not in exclude]

"""The order-to-cash steps as a user takes them, through the Python services.

Each function runs inside one unit of work (the caller's ``instance.run``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

if TYPE_CHECKING:
    from kernel.env import Env


def create(env: Env, customer_id: int, lines: list[dict[str, Any]]) -> int:
    from addons.sales_order.services.orders import create_order

    return int(create_order(env, customer_id, lines).id)


def submit(env: Env, order_id: int) -> None:
    from addons.sales_order.services.orders import submit as submit_order

    submit_order(env, order_id)


def approve(env: Env, order_id: int) -> None:
    """Approve (stock reserves and creates the delivery in the approval hook)."""
    from addons.sales_order.services.orders import approve as approve_order

    order = env.get("sale.order", order_id)
    if order.state == "submitted":
        approve_order(env, order)


def deliver(env: Env, order_id: int) -> None:
    """Validate the order's open deliveries; completion posts the invoice through accounting's hook."""
    from addons.stock.services.pickings import validate_picking

    Picking = env["stock.picking"]
    pickings = env.session.scalars(
        select(Picking).where(
            Picking.origin_model == "sale.order",
            Picking.origin_id == order_id,
            Picking.state.not_in(("done", "cancelled")),
        )
    ).all()
    for picking in pickings:
        validate_picking(env, picking)
    order = env.get("sale.order", order_id)
    if order.state not in ("completed", "closed"):
        raise AssertionError(f"{order.name} did not complete after delivery (state {order.state})")


def pay(env: Env, order_id: int) -> None:
    """Register a full payment of the order's invoice; the order closes when it is settled."""
    from addons.accounting.services.orders import pay_order_in_full

    pay_order_in_full(env, order_id)
    order = env.get("sale.order", order_id)
    if order.state != "closed":
        raise AssertionError(f"{order.name} did not close after payment (state {order.state})")


def consistency(
    env: Env, ids: dict[str, Any], delivered: dict[int, Decimal]
) -> dict[str, dict[str, Any]]:
    """Stock fell by exactly what was delivered; receivables equal invoices minus payments."""
    from addons.accounting.services.orders import receivable_balance_check

    from addons.stock.services.availability import availability

    start = Decimal(100000)
    figures = availability(env, ids["products"])
    wrong = {
        pid: (start - figures[pid]["on_hand"], qty)
        for pid, qty in delivered.items()
        if start - figures[pid]["on_hand"] != qty
    }
    SaleOrder = env["sale.order"]
    not_closed = env.session.scalar(
        select(func.count()).select_from(SaleOrder).where(SaleOrder.state != "closed")
    )
    receivable = receivable_balance_check(env, ids["customers"])
    return {
        "stock_fell_by_delivered": {
            "ok": not wrong,
            "detail": f"{len(delivered)} products checked"
            + (f", mismatches {wrong}" if wrong else ""),
        },
        "receivables_equal_invoices_minus_payments": receivable,
        "every_order_closed": {"ok": not_closed == 0, "detail": f"{not_closed} not closed"},
    }

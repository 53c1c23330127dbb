"""The order-to-cash steps as a user takes them, through the Python services.

Each function runs inside one unit of work (the caller's ``instance.run``) and
asserts what the user would see afterwards, so a step that silently did less
(an order left ``in_progress``, an invoice not paid) fails the benchmark
instead of making it look fast.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

if TYPE_CHECKING:
    from kernel.env import Env

ORIGIN = "sale.order"


class StepFailed(AssertionError):
    """A step did not leave the documents where a user expects them."""


def create(env: Env, customer_id: int, lines: list[dict[str, Any]]) -> int:
    """A draft order for ``customer_id``, priced by the pricing engine."""
    from addons.sales_order.services.orders import create_order

    return int(create_order(env, customer_id, lines).id)


def submit(env: Env, order_id: int) -> str:
    """Submit; an auto-approval rule may approve it right away (returns the new state)."""
    from addons.sales_order.services.orders import submit as submit_order

    return str(submit_order(env, order_id).state)


def approve(env: Env, order_id: int) -> None:
    """Approve; stock reserves the goods and plans the delivery in its approval hook."""
    from addons.sales_order.services.orders import approve as approve_order

    order = env.get("sale.order", order_id)
    if order.state == "submitted":
        order = approve_order(env, order)
    if order.state != "in_progress":
        raise StepFailed(f"{order.name} is {order.state} after approval, not in_progress")


def reserve(env: Env, order_id: int) -> int:
    """The warehouse opens the order's delivery and checks availability; it must be ready.

    Approval already reserved the goods (stock's hook), so this is normally a read;
    a delivery still waiting gets the "Check availability" action.
    """
    from kernel.workflow import fire

    Picking = env["stock.picking"]
    picking = env.session.scalars(
        select(Picking)
        .where(
            Picking.origin_model == ORIGIN,
            Picking.origin_id == order_id,
            Picking.state.in_(("waiting", "ready")),
        )
        .order_by(Picking.id)
    ).first()
    if picking is None:
        raise StepFailed(f"order #{order_id} has no open delivery after approval")
    if picking.state == "waiting":
        fire(env, picking, "reserve")
    if picking.state != "ready":
        raise StepFailed(f"{picking.name} is {picking.state}: the goods are not reserved")
    return int(picking.id)


def deliver(env: Env, order_id: int, picking_id: int) -> None:
    """Validate the delivery; the order completes and accounting posts its invoice."""
    from addons.accounting.services.sale import order_invoice
    from addons.stock.services.pickings import validate_picking

    backorder = validate_picking(env, env.get("stock.picking", picking_id))
    if backorder is not None:
        raise StepFailed(f"a full delivery left backorder {backorder.name}")
    order = env.get("sale.order", order_id)
    if order.state != "completed":
        raise StepFailed(f"{order.name} is {order.state} after delivery, not completed")
    if order_invoice(env, order_id) is None:
        raise StepFailed(f"{order.name} completed without a posted invoice")


def pay(env: Env, order_id: int) -> None:
    """Register a payment of the open amount of the order's invoice; the order closes."""
    from addons.accounting.services.payments import register_payment
    from addons.accounting.services.sale import order_invoice

    invoice = order_invoice(env, order_id)
    if invoice is None:
        raise StepFailed(f"order #{order_id} has no posted invoice to pay")
    register_payment(
        env,
        invoice.partner_id,
        Decimal(invoice.amount_residual),
        reference=invoice.name,
        invoices=[invoice],
    )
    if invoice.payment_state != "paid":
        raise StepFailed(f"{invoice.name} is {invoice.payment_state} after a full payment")
    order = env.get("sale.order", order_id)
    if order.state != "closed":
        raise StepFailed(f"{order.name} is {order.state} after payment, not closed")


def on_hand(env: Env, product_ids: list[int]) -> dict[int, Decimal]:
    """Quantity on hand per product in the warehouse."""
    from addons.stock.services.availability import availability

    return {pid: figures["on_hand"] for pid, figures in availability(env, product_ids).items()}


def consistency(
    env: Env,
    ids: dict[str, Any],
    stock_before: dict[int, Decimal],
    delivered: dict[int, Decimal],
) -> dict[str, dict[str, Any]]:
    """Stock fell by exactly what was delivered; receivables equal invoices minus payments.

    The three receivable figures come from three different tables — invoice totals
    (``account.move``), payment amounts (``account.payment``) and the receivable
    ledger lines (the partner balances report) — so a step that books the wrong
    amount, or skips booking, shows up as a difference.
    """
    from addons.accounting.services.reports import partner_balances

    after = on_hand(env, ids["products"])
    wrong = {
        pid: {"fell_by": str(stock_before[pid] - after[pid]), "delivered": str(delivered[pid])}
        for pid in ids["products"]
        if stock_before[pid] - after[pid] != delivered.get(pid, Decimal(0))
    }
    customers = ids["customers"]
    Move = env["account.move"]
    Payment = env["account.payment"]
    invoiced = Decimal(
        env.session.scalar(
            select(func.coalesce(func.sum(Move.amount_total), 0)).where(
                Move.move_type == "out_invoice",
                Move.state == "posted",
                Move.partner_id.in_(customers),
            )
        )
        or 0
    )
    paid = Decimal(
        env.session.scalar(
            select(func.coalesce(func.sum(Payment.amount), 0)).where(
                Payment.payment_type == "inbound",
                Payment.state == "posted",
                Payment.partner_id.in_(customers),
            )
        )
        or 0
    )
    wanted = set(customers)
    receivable = sum(
        (
            row["balance"]
            for row in partner_balances(env, "receivable")
            if row["partner_id"] in wanted
        ),
        Decimal(0),
    )
    Order = env["sale.order"]
    states = dict(
        env.session.execute(select(Order.state, func.count()).group_by(Order.state)).all()
    )
    not_closed = sum(n for state, n in states.items() if state != "closed")
    return {
        "stock_fell_by_delivered": {
            "ok": not wrong,
            "detail": f"{len(ids['products'])} products, {sum(delivered.values())} units delivered"
            + (f"; mismatches {wrong}" if wrong else ""),
        },
        "receivables_equal_invoices_minus_payments": {
            "ok": receivable == invoiced - paid and invoiced > 0,
            "detail": f"receivable {receivable:.2f} = invoiced {invoiced:.2f} − paid {paid:.2f}",
        },
        "every_order_closed": {
            "ok": not_closed == 0 and states.get("closed", 0) > 0,
            "detail": f"{states.get('closed', 0)} closed, {not_closed} not closed",
        },
    }

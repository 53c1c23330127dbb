"""A purchase order's settlement: ``billed`` and ``paid`` milestones and its billing status.

purchase finishes an order (received → done) by the ``auto="settlement"``
transition once every settlement milestone expected on it is done; with none
expected — no accounting — it finishes on receipt. This addon expects ``billed``
and ``paid`` at confirmation, reaches ``billed`` when every ordered unit is
billed and ``paid`` when, besides, no posted bill of the order is still open.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kernel.env import Env
from kernel.i18n import _
from kernel.workflow import expect_milestone, milestones, reach_milestone, reopen_milestone

ADDON = "purchase_accounting"
ORIGIN = "purchase.order"
OPEN_PAYMENT = ("not_paid", "partial")
FINAL = ("done", "cancelled")


def expect_settlement(env: Env, order: Any) -> None:
    """Both milestones before either is reached (see the workflow engine's contract)."""
    expect_milestone(env, order, "billed", ADDON)
    expect_milestone(env, order, "paid", ADDON)


def unpaid_orders(env: Env, order_ids: Iterable[int]) -> set[int]:
    """Orders (of ``order_ids``) with a posted bill that is not fully paid (one query)."""
    Move = env["account.move"]
    ids = list(order_ids)
    if not ids:
        return set()
    return set(
        env.session.scalars(
            select(Move.origin_id).where(
                Move.origin_model == ORIGIN,
                Move.origin_id.in_(ids),
                Move.move_type == "in_invoice",
                Move.state == "posted",
                Move.payment_state.in_(OPEN_PAYMENT),
            )
        )
    )


def bill_status(order: Any, unpaid: bool) -> str:
    lines = list(order.lines)
    fully_billed = bool(lines) and all(line.qty_billed >= line.quantity for line in lines)
    if fully_billed:
        return "billed" if unpaid else "paid"
    if any(line.qty_received > line.qty_billed for line in lines):
        return "to_bill"
    return "no"


def sync_order(env: Env, order: Any, unpaid: bool | None = None) -> None:
    """Bring the order's billing status and settlement milestones in line with its bills."""
    if unpaid is None:
        unpaid = order.id in unpaid_orders(env, [order.id])
    status = bill_status(order, unpaid)
    order.bill_status = status
    if order.state in FINAL:
        return
    expected = milestones(env, order)
    if "billed" not in expected:
        return  # confirmed before billing was tracked: the order settles as purchase alone
    billed = status in ("billed", "paid")
    paid = status == "paid"
    if billed and expected["billed"].done_at is None:
        reach_milestone(env, order, "billed", ADDON, note=str(_("Every ordered unit is billed")))
    elif not billed and expected["billed"].done_at is not None:
        reopen_milestone(env, order, "billed")
    if "paid" not in expected:
        return
    if paid and expected["paid"].done_at is None:
        reach_milestone(env, order, "paid", ADDON, note=str(_("Every bill is paid")))
    elif not paid and expected["paid"].done_at is not None:
        reopen_milestone(env, order, "paid")


def sync_orders(env: Env, order_ids: Iterable[int]) -> None:
    """:func:`sync_order` for several orders: their lines and open bills in two queries."""
    ids = sorted(set(order_ids))
    if not ids:
        return
    Order = env["purchase.order"]
    orders = env.session.scalars(
        select(Order).where(Order.id.in_(ids)).options(selectinload(Order.lines))
    ).all()
    unpaid = unpaid_orders(env, ids)
    for order in orders:
        sync_order(env, order, order.id in unpaid)

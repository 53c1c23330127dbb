"""Receipts: the incoming transfer of a confirmed order, and what arriving goods update.

Goods go straight to the warehouse's stock location, so quants grow the moment
the receipt is validated and stock can hand them to sales orders that were short.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from addons.purchase.hookspecs import PurchaseHooks
from addons.stock.services.locations import default_warehouse, virtual_location, warehouse_location
from addons.stock.services.pickings import cancel_picking, confirm_picking, create_picking
from kernel import faults, workflow

if TYPE_CHECKING:
    from kernel.env import Env


def create_receipt(env: Env, order: Any) -> Any:
    """A confirmed incoming transfer with one move per goods line (services are not received)."""
    Uom = env["uom.uom"]
    Product = env["product.product"]
    lines = list(order.lines)
    product_ids = {line.product_id for line in lines}
    products = {
        p.id: p for p in env.session.scalars(select(Product).where(Product.id.in_(product_ids)))
    }
    goods = [line for line in lines if products[line.product_id].type != "service"]
    if not goods:
        return None
    uoms = {
        u.id: u
        for u in env.session.scalars(select(Uom).where(Uom.id.in_({line.uom_id for line in goods})))
    }
    warehouse: Any = (
        env.session.get(env["stock.warehouse"], order.warehouse_id)
        if order.warehouse_id
        else default_warehouse(env, order.company_id)
    )
    order.warehouse_id = warehouse.id
    source = virtual_location(env, "supplier")
    dest = warehouse_location(env, warehouse.id, "stock")
    picking = create_picking(
        env,
        "incoming",
        source.id,
        dest.id,
        [
            {
                "product": products[line.product_id],
                "quantity": line.quantity,
                "uom": uoms[line.uom_id],
                "origin_line_id": line.id,
                "price_unit": _unit_cost(line, products[line.product_id], uoms[line.uom_id]),
            }
            for line in goods
        ],
        warehouse_id=warehouse.id,
        company_id=order.company_id or warehouse.company_id,
        partner_id=order.partner_id,
        origin=order.name,
        origin_model="purchase.order",
        origin_id=order.id,
    )
    confirm_picking(env, picking, automatic=True)
    return picking


def _unit_cost(line: Any, product: Any, uom: Any) -> Decimal:
    """The untaxed price per *product* unit, for stock valuation."""
    from addons.base.services.uom import convert

    if line.quantity == 0:
        return Decimal(0)
    per_product_unit = line.price_subtotal / convert(
        None, line.quantity, uom, product.uom, rounded=False
    )  # a divisor for a price: exact
    return per_product_unit.quantize(Decimal("0.0001"))


def receipts_of(env: Env, order: Any) -> list[Any]:
    Picking = env["stock.picking"]
    return list(
        env.session.scalars(
            select(Picking)
            .where(Picking.origin_model == "purchase.order", Picking.origin_id == order.id)
            .order_by(Picking.id)
        )
    )


def cancel_receipts(env: Env, order: Any) -> None:
    for picking in receipts_of(env, order):
        if picking.state not in ("done", "cancelled"):
            cancel_picking(env, picking, automatic=True, reason=order.cancel_reason or "")


def on_moves_done(env: Env, moves: list[Any]) -> None:
    """Add done receipt quantities to the order lines; reach milestones when complete."""
    from addons.purchase.services.orders import load_orders

    by_order: dict[int, list[Any]] = defaultdict(list)
    for move in moves:
        if move.origin_id is not None:
            by_order[move.origin_id].append(move)
    orders = load_orders(env, list(by_order))
    received_lines: list[int] = []
    for order_id, order_moves in by_order.items():
        order = orders.get(order_id)
        if order is None:
            continue
        lines = {line.id: line for line in order.lines}
        for move in order_moves:
            line = lines.get(move.origin_line_id)
            if line is not None:
                line.qty_received += move.quantity
        goods = [line for line in order.lines if line.qty_received > 0 or _is_goods(env, line)]
        complete = all(line.qty_received >= line.quantity for line in goods)
        order.receipt_status = "full" if complete else "partial"
        received_lines.extend(line.id for line in order.lines if line.qty_received >= line.quantity)
        faults.point("purchase.received", env)  # quantities received; milestones not reached
        PurchaseHooks(env).purchase_goods_received(env=env, order=order, moves=order_moves)
        if complete:
            workflow.reach_milestone(env, order, "received", addon="purchase")
    if received_lines:
        _close_requisitions(env, received_lines)


def _is_goods(env: Env, line: Any) -> bool:
    return bool(line.product.type != "service")


def _close_requisitions(env: Env, line_ids: list[int]) -> None:
    """Requisitions whose line is fully received are done; sales orders they served are procured."""
    Requisition = env["purchase.requisition"]
    done = list(
        env.session.scalars(select(Requisition).where(Requisition.order_line_id.in_(line_ids)))
    )
    sale_ids = set()
    for req in done:
        req.state = "received"
        if req.origin_model == "sale.order" and req.origin_id:
            sale_ids.add(req.origin_id)
    if not sale_ids or "sale.order" not in env:
        return
    env.session.flush()
    still_open = set(
        env.session.scalars(
            select(Requisition.origin_id).where(
                Requisition.origin_model == "sale.order",
                Requisition.origin_id.in_(sale_ids),
                Requisition.state.in_(("draft", "rfq", "ordered")),
            )
        )
    )
    SaleOrder = env["sale.order"]
    with env.sudo("a receipt reports progress on the sales orders it serves, whoever receives it"):
        for sale_id in sale_ids - still_open:
            sale = env.session.get(SaleOrder, sale_id)
            if sale is not None:
                workflow.reach_milestone(env, sale, "procured", addon="purchase")

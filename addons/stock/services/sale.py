"""Sales orders and stock (used only when sales_order is installed).

stock never imports sales_order: it reaches its models by name
(``env["sale.order"]``) from hook implementations registered with
``when=("sales_order",)``. On approval the order's stockable lines are reserved and
a delivery is created; the order expects the ``reserved`` and ``shipped``
milestones, reached when everything is reserved and when every delivery is done.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, case, func, inspect, select
from sqlalchemy.orm.attributes import set_committed_value

from addons.base.services.uom import convert
from addons.stock.hookspecs import StockHooks
from addons.stock.services.done import load_products
from addons.stock.services.locations import default_warehouse, virtual_location, warehouse_location
from addons.stock.services.pickings import cancel_picking, confirm_picking, create_transfer
from addons.stock.services.quants import lock_stock, touch
from kernel import workflow
from kernel.i18n import _
from kernel.statements import built

if TYPE_CHECKING:
    from kernel.env import Env

ORIGIN = "sale.order"
ZERO = Decimal(0)


def _order_datetime(order: Any) -> dt.datetime:
    day = order.date_order or dt.date.today()
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _load_uoms(env: Env, ids: Iterable[int]) -> dict[int, Any]:
    return env.browse("uom.uom", ids)


def reserve_order(env: Env, order: Any) -> Any | None:
    """Create the order's delivery, reserve its stockable lines and ask to replenish shortages.

    Returns the delivery transfer, or ``None`` when the order has nothing to stock.
    """
    Line = env["sale.order.line"]
    if "lines" in inspect(order).unloaded:
        lines = list(
            env.session.scalars(
                select(Line).where(Line.order_id == order.id).order_by(Line.sequence, Line.id)
            )
        )
    else:  # the approval already loaded them (sales_order reads its lines to approve)
        lines = sorted(order.lines, key=lambda ln: (ln.sequence or 0, ln.id))
    products = load_products(env, [line.product_id for line in lines])
    stock_lines = [line for line in lines if products[line.product_id].type == "stockable"]
    if not stock_lines:
        return None
    uoms = _load_uoms(
        env,
        [ln.uom_id for ln in stock_lines] + [products[ln.product_id].uom_id for ln in stock_lines],
    )
    warehouse = default_warehouse(env, order.company_id)
    source = warehouse_location(env, warehouse.id, "stock")
    when = _order_datetime(order)
    urgent = str(getattr(order, "priority", "") or "").lower() in ("1", "2", "high", "urgent")
    priority = "1" if urgent else "0"
    # The goods first, the delivery's number after: the gapless number's counter row
    # stays locked until the approval commits, so drawing it before queueing for a
    # much-ordered product's quants made every other approval wait behind that queue
    # too (issue 14: most lock waits of many clerks were on the counter). The locked
    # quants are handed to the reservation, which does not lock them again.
    locked = lock_stock(env, {ln.product_id for ln in stock_lines}, {source.id})
    # (the order's milestones are read before the number is drawn, for the same reason)
    workflow.expect_milestone(env, order, "reserved", addon="stock")
    workflow.expect_milestone(env, order, "shipped", addon="stock")
    picking, moves = create_transfer(
        env,
        "outgoing",
        source.id,
        virtual_location(env, "customer").id,
        [
            {
                "product": products[ln.product_id],
                "quantity": ln.quantity,
                "uom": uoms[ln.uom_id],
                "origin_line_id": ln.id,
                "date": when,
                "date_deadline": order.requested_date,
                "priority": priority,
            }
            for ln in stock_lines
        ],
        warehouse_id=warehouse.id,
        company_id=order.company_id,
        partner_id=order.shipping_partner_id or order.partner_id,
        origin=order.name,
        origin_model=ORIGIN,
        origin_id=order.id,
        scheduled_date=when,
        priority=priority,
        to_confirm=True,
    )
    confirm_picking(env, picking, automatic=True, moves=moves, quants=locked)
    if not _fully_reserved(picking):
        _replenish_shortages(env, order, warehouse.id)
    return picking


def _fully_reserved(picking: Any) -> bool:
    """The new delivery is ``ready``: every open move of it holds all its goods.

    The state was computed from the moves in the database by the reservation
    (``sync_picking_states``), so nothing is short and there is nothing to
    replenish: the query for shortages is skipped. A delivery still waiting is
    short of something, and the shortages are read as before.
    """
    return bool(picking.state == "ready")


def _replenish_shortages(env: Env, order: Any, warehouse_id: int) -> None:
    Move = env["stock.move"]
    rows = env.session.execute(
        select(Move.product_id, func.sum(Move.product_qty - Move.reserved_qty))
        .where(
            Move.origin_model == ORIGIN,
            Move.origin_id == order.id,
            Move.state.in_(("waiting", "available")),
        )
        .group_by(Move.product_id)
        .order_by(Move.product_id)
    ).all()
    from addons.stock.notifications import notify_shortage

    notify_shortage(env, order, [(pid, Decimal(short or 0)) for pid, short in rows])
    for product_id, short in rows:
        if short and short > 0:
            StockHooks(env).stock_replenish(
                env=env,
                product_id=product_id,
                warehouse_id=warehouse_id,
                quantity=Decimal(short),
                origin_model=ORIGIN,
                origin_id=order.id,
            )


def sync_orders(env: Env, order_ids: Iterable[int]) -> None:
    """Write reserved / short / delivered per line and the order's stock status; reach milestones.

    ``reserved`` is reached once nothing open is short; ``shipped`` once every
    delivery move of the order is done (or cancelled) and something was shipped.
    """
    ids = sorted(set(order_ids))
    if not ids:
        return
    Move = env["stock.move"]
    Order = env["sale.order"]
    Line = env["sale.order.line"]
    env.session.flush()
    rows = env.session.execute(
        built(env.registry, "stock.order_line_figures", lambda: _line_figures(Move)), {"ids": ids}
    ).all()
    figures = {row[0]: row[1:] for row in rows}
    orders = env.browse(Order, ids)  # usually held by the step already
    lines = _order_lines(env, Line, orders)
    products = load_products(env, [ln.product_id for ln in lines if ln.id in figures])
    uoms = _load_uoms(
        env,
        [ln.uom_id for ln in lines if ln.id in figures] + [p.uom_id for p in products.values()],
    )
    per_order: dict[int, dict[str, Decimal]] = defaultdict(
        lambda: {"short": ZERO, "open": ZERO, "done": ZERO, "lines": ZERO}
    )
    for line in lines:
        if line.id not in figures:
            continue
        reserved, short, done, open_count = (Decimal(x or 0) for x in figures[line.id])
        product = products[line.product_id]
        to_line = uoms[line.uom_id]
        from_product = uoms[product.uom_id]
        line.reserved_qty = convert(env, reserved, from_product, to_line)
        line.shortage_qty = convert(env, short, from_product, to_line)
        line.delivered_qty = convert(env, done, from_product, to_line)
        stats = per_order[line.order_id]
        stats["short"] += short
        stats["open"] += open_count
        stats["done"] += done
        stats["lines"] += 1
    touch([ln for ln in lines if ln.id in figures], "reserved_qty", "shortage_qty", "delivered_qty")
    # the lines are flushed with their order's status below: one flush, not two
    for order_id, stats in per_order.items():
        order = orders.get(order_id)
        if order is None or order.state in ("cancelled", "draft", "submitted"):
            continue
        if stats["open"] == 0 and stats["done"] > 0:
            status = "shipped"
        elif stats["short"] > 0:
            status = "short"
        elif stats["done"] > 0:
            status = "partial"
        else:
            status = "reserved"
        if order.stock_status != status:
            order.stock_status = status
        env.session.flush()
        if stats["short"] == 0:
            _reach(env, order, "reserved")
        if status == "shipped":
            _reach(env, order, "shipped")


def _line_figures(Move: Any) -> Any:
    """Reserved, short, delivered and open moves per order line, of the orders ``ids``."""
    is_open = Move.state.in_(("draft", "waiting", "available"))
    return (
        select(
            Move.origin_line_id,
            func.sum(case((is_open, Move.reserved_qty), else_=0)),
            func.sum(case((is_open, Move.product_qty - Move.reserved_qty), else_=0)),
            func.sum(case((Move.state == "done", Move.product_qty), else_=0)),
            func.sum(case((is_open, 1), else_=0)),
        )
        .where(Move.origin_model == ORIGIN, Move.origin_id.in_(bindparam("ids", expanding=True)))
        .group_by(Move.origin_line_id)
    )


def _order_lines(env: Env, Line: Any, orders: dict[int, Any]) -> list[Any]:
    """The lines of ``orders``: those loaded already as they are, the rest in one query.

    Lines read here are also set as their order's ``lines``, so the services that
    run next in the same step (accounting invoicing the completed order) find
    them loaded instead of reading the order and its lines again.
    """
    unloaded = [o for o in orders.values() if "lines" in inspect(o).unloaded]
    lines = [ln for o in orders.values() if o not in unloaded for ln in o.lines]
    if unloaded:
        by_order: dict[int, list[Any]] = defaultdict(list)
        stmt = built(
            env.registry,
            "stock.order_lines",
            lambda: (
                select(Line)
                .where(Line.order_id.in_(bindparam("ids", expanding=True)))
                .order_by(Line.sequence, Line.id)
            ),
        )
        found = env.session.scalars(stmt, {"ids": [o.id for o in unloaded]})
        for line in found:
            by_order[line.order_id].append(line)
        for order in unloaded:
            set_committed_value(order, "lines", by_order[order.id])
            lines.extend(by_order[order.id])
    return lines


def _reach(env: Env, order: Any, name: str) -> None:
    """Reach a milestone: the engine moves the order on once the running transition
    (its approval, a delivery's validation) has returned, after every addon's hooks."""
    workflow.reach_milestone(env, order, name, addon="stock")


def order_ids_of(moves: Iterable[Any]) -> set[int]:
    return {m.origin_id for m in moves if m.origin_model == ORIGIN and m.origin_id}


def shipped_blockers(env: Env, order: Any) -> list[str]:
    Move = env["stock.move"]
    done = env.session.scalar(
        select(func.count(Move.id)).where(
            Move.origin_model == ORIGIN, Move.origin_id == order.id, Move.state == "done"
        )
    )
    if done:
        return [
            str(
                _(
                    "goods of %(order)s were already shipped; return them before cancelling",
                    order=order.name,
                )
            )
        ]
    return []


def cancel_order_stock(env: Env, order: Any) -> None:
    """Release the order's reservations and cancel its open transfers."""
    Picking = env["stock.picking"]
    for picking in env.session.scalars(
        select(Picking).where(
            Picking.origin_model == ORIGIN,
            Picking.origin_id == order.id,
            Picking.state.in_(("draft", "waiting", "ready")),
        )
    ).all():
        cancel_picking(env, picking, automatic=True, reason=order.cancel_reason or "")
    order.stock_status = ""

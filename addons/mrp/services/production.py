"""Production orders: defaults, confirming (components reserved), finishing, cancelling.

Every step goes through stock's own services — the reservation under the same
quant locks as deliveries, ``do_moves`` for consumption and output — so stock
never goes negative unless the instance or the location allows it, and a step
that fails (a component short when finishing) leaves nothing behind: the unit
of work rolls back as a whole. Statement counts do not grow with the number of
components: moves and component lines are inserted in one batch each.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select

from addons.base.services.uom import convert
from addons.mrp.hookspecs import MrpHooks
from addons.mrp.services.boms import bom_for, explode, merged
from addons.mrp.services.costing import close_operations
from addons.mrp.services.operations import (
    cancel_operations,
    create_operations,
    split_operations,
)
from addons.stock.hookspecs import StockHooks
from addons.stock.services.done import do_moves
from addons.stock.services.locations import default_warehouse, virtual_location, warehouse_location
from addons.stock.services.moves import cancel_moves, new_move, split_move
from addons.stock.services.quants import touch
from addons.stock.services.reservation import reserve_moves
from kernel import workflow
from kernel.errors import ValidationError
from kernel.fields import utcnow
from kernel.i18n import _

if TYPE_CHECKING:
    from kernel.env import Env

ORIGIN = "mrp.production"
ZERO = Decimal(0)
MONEY = Decimal("0.0001")


def fill_production(env: Env, production: Any) -> None:
    """Unit, bill, warehouse, company and responsible of an order, on every create path."""
    if production.product_id is None:
        return
    if production.quantity is None or production.quantity <= 0:
        raise ValidationError(_("Quantity: must be greater than zero"), field="quantity")
    product = env.browse("product.product", [int(production.product_id)])[
        int(production.product_id)
    ]
    if production.uom_id is None:
        production.uom_id = product.uom_id
    production.product_qty = convert(
        env, production.quantity, production.uom_id, product.uom_id, rounded=False
    ).quantize(MONEY, rounding=ROUND_HALF_UP)
    if production.bom_id is None:
        bom = bom_for(env, [product.id], production.date_planned).get(product.id)
        if bom is not None and bom.type == "normal":
            production.bom_id = bom.id
    elif (
        bom := env.session.get(env["mrp.bom"], production.bom_id)
    ) is not None and bom.product_id != product.id:
        raise ValidationError(
            _(
                "Bill of materials: %(bom)s does not make %(product)s",
                bom=bom.display_name(),
                product=product.display_name(),
            ),
            field="bom_id",
        )
    if production.warehouse_id is None:
        production.warehouse_id = default_warehouse(env, production.company_id).id
    if production.company_id is None:
        warehouse = env.session.get(env["stock.warehouse"], production.warehouse_id)
        production.company_id = warehouse.company_id if warehouse is not None else None
    if production.user_id is None:
        production.user_id = env.uid


def create_production(
    env: Env,
    product_id: int,
    quantity: Decimal,
    *,
    bom_id: int | None = None,
    warehouse_id: int | None = None,
    origin: str = "",
    origin_model: str = "",
    origin_id: int | None = None,
    date_planned: Any = None,
) -> Any:
    """A draft production order of ``quantity`` (product unit) of ``product_id``."""
    Production = env["mrp.production"]
    values: dict[str, Any] = {}
    if date_planned is not None:
        values["date_planned"] = date_planned
    production = Production(
        product_id=product_id,
        quantity=Decimal(quantity),
        bom_id=bom_id,
        warehouse_id=warehouse_id,
        origin=origin[:128],
        origin_model=origin_model,
        origin_id=origin_id,
        **values,
    )
    env.session.add(production)
    env.session.flush()
    return production


def confirm_problems(env: Env, production: Any) -> Any:
    """Why the order cannot be confirmed (guard of the ``confirm`` transition)."""
    if production.product.type == "service":
        return _(
            "Product: %(product)s is a service and cannot be manufactured",
            product=production.product.display_name(),
        )
    if production.bom_id is None:
        return _(
            "Bill of materials: %(product)s has no bill of materials; create one first",
            product=production.product.display_name(),
        )
    return None


def confirm(env: Env, production: Any) -> None:
    """Explode the bill, create and reserve the component moves and the finished-goods move,
    and ask to replenish components that are short (purchase, or another production order)."""
    bom: Any = env.session.get(env["mrp.bom"], production.bom_id)
    components = merged(
        env,
        explode(env, bom, production.product_qty, expand="phantom", day=production.date_planned),
    )
    if not components:
        raise ValidationError(
            _("Bill of materials: %(bom)s lists no components", bom=bom.display_name()),
            field="bom_id",
        )
    warehouse_id = int(production.warehouse_id)
    stock = warehouse_location(env, warehouse_id, "stock")
    production_loc = virtual_location(env, "production")
    product = env.browse("product.product", [production.product_id])[production.product_id]
    when = utcnow()
    common = {
        "reference": production.name,
        "warehouse_id": warehouse_id,
        "company_id": production.company_id,
        "origin_model": ORIGIN,
        "origin_id": production.id,
        "date": when,
        "date_deadline": production.date_planned,
    }
    drafts = [
        new_move(env, component, qty, stock.id, production_loc.id, **common)
        for component, qty in components
    ]
    moves = _insert_moves(env, production.id, drafts)
    by_product = {m.product_id: m for m in moves}
    _insert_components(env, production, [(p, q, by_product[p.id]) for p, q in components])
    finished = new_move(env, product, production.product_qty, production_loc.id, stock.id, **common)
    byproducts = _byproduct_moves(env, production, bom, production_loc.id, stock.id, common)
    env.session.add_all([finished, *byproducts])
    env.session.flush()
    production.finished_move_id = finished.id
    reserve_moves(env, [*moves, finished, *byproducts])
    refresh_status(env, [production.id])
    create_operations(env, production, bom)  # work orders (services/operations.py)
    _replenish_short(env, production, moves)
    MrpHooks(env).mrp_production_confirmed(env=env, production=production)


def _byproduct_moves(
    env: Env, production: Any, bom: Any, source_id: int, dest_id: int, common: dict[str, Any]
) -> list[Any]:
    """Moves bringing the bill's by-products into stock, scaled to the quantity made."""
    if not bom.byproducts:
        return []
    product = env.browse("product.product", [production.product_id])[production.product_id]
    made = convert(env, production.product_qty, product.uom_id, bom.uom_id, rounded=False)
    factor = made / Decimal(bom.quantity)
    products = env.browse("product.product", [b.product_id for b in bom.byproducts])
    moves = []
    for byproduct in bom.byproducts:
        target = products[byproduct.product_id]
        qty = convert(env, Decimal(byproduct.quantity) * factor, byproduct.uom_id, target.uom_id)
        if qty > 0:
            moves.append(new_move(env, target, qty, source_id, dest_id, **common))
    return moves


def _insert_moves(env: Env, production_id: int, drafts: list[Any]) -> list[Any]:
    """Insert the component moves in one statement and load them back (one more)."""
    Move = env["stock.move"]
    env.check("stock.move", "create")
    columns = [c for c in Move.__table__.columns if c.key != "id"]
    env.session.execute(insert(Move), [{c.key: getattr(m, c.key) for c in columns} for m in drafts])
    return list(
        env.session.scalars(
            select(Move)
            .where(Move.origin_model == ORIGIN, Move.origin_id == production_id)
            .order_by(Move.id)
        )
    )


def _insert_components(env: Env, production: Any, rows: list[tuple[Any, Decimal, Any]]) -> None:
    Component = env["mrp.production.component"]
    env.check("mrp.production.component", "create")
    env.session.execute(
        insert(Component),
        [
            {
                "production_id": production.id,
                "sequence": index * 10,
                "product_id": product.id,
                "quantity": qty,
                "uom_id": product.uom_id,
                "reserved_qty": ZERO,
                "consumed_qty": ZERO,
                "scrapped_qty": ZERO,
                "price_unit": ZERO,
                "move_id": move.id,
            }
            for index, (product, qty, move) in enumerate(rows, start=1)
        ],
    )
    env.session.expire(production, ["components"])


def _replenish_short(env: Env, production: Any, moves: list[Any]) -> None:
    for move in moves:
        short = move.product_qty - move.reserved_qty
        if move.state == "waiting" and short > 0:
            StockHooks(env).stock_replenish(
                env=env,
                product_id=move.product_id,
                warehouse_id=production.warehouse_id,
                quantity=short,
                origin_model=ORIGIN,
                origin_id=production.id,
            )


def open_moves(env: Env, production: Any) -> list[Any]:
    Move = env["stock.move"]
    return list(
        env.session.scalars(
            select(Move)
            .where(
                Move.origin_model == ORIGIN,
                Move.origin_id == production.id,
                Move.state.not_in(("done", "cancelled")),
            )
            .order_by(Move.id)
        )
    )


def produce(env: Env, production: Any) -> None:
    """Consume the components and bring the finished product into stock, valued at their cost.

    Components not reserved are taken from free stock; short ones refuse the step
    (naming the component) unless negative stock is allowed, and nothing moves.
    """
    moves = open_moves(env, production)
    production_loc = virtual_location(env, "production").id
    outputs = [m for m in moves if m.location_id == production_loc]
    consumed = [m for m in moves if m.location_id != production_loc]
    # the finished move, or its parts when it was split per lot or serial number
    finished = [
        m
        for m in outputs
        if m.id == production.finished_move_id or m.product_id == production.product_id
    ]
    byproducts = [m for m in outputs if m not in finished]
    # failed units kept in production for a rework order share the cost (services/quality)
    held = Decimal(getattr(production, "qty_rework", None) or 0)
    if not finished and not held:
        raise ValidationError(_("this production order has nothing left to produce"))
    do_moves(env, consumed)
    material = sum((m.price_unit * m.product_qty for m in consumed), ZERO)
    cost = material + Decimal(getattr(production, "rework_cost", None) or 0)
    by_move = {m.id: m for m in consumed}
    Component = env["mrp.production.component"]
    components = list(
        env.session.scalars(select(Component).where(Component.production_id == production.id))
    )
    for line in components:
        move = by_move.get(line.move_id)
        if move is not None:
            line.consumed_qty = move.product_qty
            line.reserved_qty = ZERO
            line.price_unit = move.price_unit
    touch(components, "consumed_qty", "reserved_qty", "price_unit")
    shares: dict[int, Decimal] = {}
    if byproducts and production.bom_id:
        bom = env.get("mrp.bom", production.bom_id)
        shares = {b.product_id: Decimal(b.cost_share or 0) for b in bom.byproducts}
    carried = ZERO
    for output in byproducts:
        share = cost * shares.get(output.product_id, ZERO) / 100
        output.price_unit = (share / output.product_qty).quantize(MONEY, rounding=ROUND_HALF_UP)
        carried += output.price_unit * output.product_qty
    conversion = close_operations(env, production)  # labour and overhead (services/costing.py)
    made = sum((m.product_qty for m in finished), ZERO)
    unit_cost = ((cost - carried + conversion) / (made + held)).quantize(
        MONEY, rounding=ROUND_HALF_UP
    )
    for move in finished:
        move.price_unit = unit_cost
    do_moves(env, [*finished, *byproducts])
    production.material_cost = material.quantize(MONEY, rounding=ROUND_HALF_UP)
    production.unit_cost = unit_cost
    production.total_cost = (
        production.material_cost
        + conversion
        + production.scrap_cost
        + Decimal(getattr(production, "rework_cost", None) or 0)  # a rework order's carried cost
    )
    production.qty_produced = (production.quantity * made / production.product_qty).quantize(
        MONEY, rounding=ROUND_HALF_UP
    )
    production.date_done = utcnow()
    if production.date_start is None:
        production.date_start = production.date_done
    production.component_status = "available"
    MrpHooks(env).mrp_production_done(env=env, production=production)


def start(env: Env, production: Any) -> None:
    production.date_start = utcnow()


def cancel(env: Env, production: Any, reason: str) -> None:
    """Release every reservation and cancel the order's open moves."""
    production.cancel_reason = reason
    cancel_moves(env, open_moves(env, production))
    cancel_operations(env, production)  # its open work orders (services/operations.py)
    refresh_status(env, [production.id])
    MrpHooks(env).mrp_production_cancelled(env=env, production=production)


def refresh_status(env: Env, production_ids: list[int]) -> None:
    """Copy the reservations of the component moves onto the orders' component lines."""
    if not production_ids:
        return
    Component = env["mrp.production.component"]
    Move = env["stock.move"]
    Production = env["mrp.production"]
    rows = env.session.execute(
        select(Component, Move.reserved_qty, Move.state)
        .join(Move, Move.id == Component.move_id)
        .where(Component.production_id.in_(production_ids))
    ).all()
    status: dict[int, list[str]] = defaultdict(list)
    changed = []
    for line, reserved, state in rows:
        if state == "done":
            continue
        if line.reserved_qty != reserved:
            line.reserved_qty = reserved
            changed.append(line)
        if state == "cancelled":
            continue
        status[line.production_id].append(
            "available" if reserved >= line.quantity else ("partial" if reserved > 0 else "waiting")
        )
    touch(changed, "reserved_qty")
    for production in env.session.scalars(
        select(Production).where(Production.id.in_(production_ids))
    ):
        if production.state in ("done",):
            continue
        found = status.get(production.id)
        if not found:
            value = "none"
        elif all(s == "available" for s in found):
            value = "available"
        elif all(s == "waiting" for s in found):
            value = "waiting"
        else:
            value = "partial"
        if production.component_status != value:
            production.component_status = value
    env.session.flush()


def follow_up_order(env: Env, production: Any, quantity: Decimal, **values: Any) -> Any:
    """A confirmed order of the same product for ``quantity``, serving what ``production``
    serves (a backorder, a rework order: ``values`` say which), flushed to get its number."""
    follow_up = env["mrp.production"](
        product_id=production.product_id,
        bom_id=production.bom_id,
        quantity=quantity,
        uom_id=production.uom_id,
        warehouse_id=production.warehouse_id,
        company_id=production.company_id,
        date_planned=production.date_planned,
        origin=production.origin or production.name,
        origin_model=production.origin_model,
        origin_id=production.origin_id,
        user_id=production.user_id,
        state="confirmed",
        note=production.note,
        **values,
    )
    env.session.add(follow_up)
    env.session.flush()
    return follow_up


def produce_part(env: Env, production: Any, quantity: Decimal) -> Any | None:
    """Finish ``quantity`` (the order's unit) now and put the rest on a backorder.

    The open moves are split in proportion (each keeps its reservation up to what
    it keeps, the rest goes with the backorder's moves), the backorder is confirmed
    with those moves and component lines, then this order is finished with what it
    kept. Producing the whole quantity or more simply finishes the order. Returns
    the backorder, or ``None``.
    """
    if production.state not in ("confirmed", "in_progress"):
        raise ValidationError(
            _("only confirmed or started production orders can be finished"), field="state"
        )
    quantity = Decimal(quantity)
    if quantity <= 0:
        raise ValidationError(_("Quantity: must be greater than zero"), field="quantity")
    if quantity >= production.quantity:
        workflow.fire(env, production, "produce")
        return None
    ratio = quantity / production.quantity
    backorder = follow_up_order(
        env, production, production.quantity - quantity, backorder_of_id=production.id
    )
    rests: list[tuple[Any, Any]] = []
    for move in open_moves(env, production):
        keep = (move.product_qty * ratio).quantize(MONEY, rounding=ROUND_HALF_UP)
        if keep <= 0:
            move.origin_id = backorder.id
            move.reference = backorder.name
            rests.append((move, move))
            continue
        rest = split_move(env, move, keep)
        rest.origin_id = backorder.id
        rest.reference = backorder.name
        rests.append((move, rest))
    env.session.flush()
    Component = env["mrp.production.component"]
    lines = {
        c.move_id: c
        for c in env.session.scalars(
            select(Component).where(Component.production_id == production.id)
        )
    }
    parts = []
    production_loc = virtual_location(env, "production").id
    for kept, rest in rests:
        if kept.id == production.finished_move_id:
            backorder.finished_move_id = rest.id
            continue
        if kept.location_id == production_loc:
            continue  # a by-product: it follows with the backorder's output
        parts.append((rest.product, rest.product_qty, rest))
        line = lines.get(kept.id)
        if line is not None and rest is not kept:
            line.quantity = kept.product_qty
    if parts:
        _insert_components(env, backorder, parts)
    split_operations(env, production, backorder, quantity)
    env.session.flush()
    refresh_status(env, [production.id, backorder.id])
    workflow.add_comment(env, backorder, str(_("backorder of %(name)s", name=production.name)))
    workflow.fire(env, production, "produce")
    return backorder

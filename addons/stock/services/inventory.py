"""Inventory counts: record what is really there, then book the differences.

Starting a count fills its lines with the quantities the system believes are in
the location (``theoretical_qty``). Validating compares every counted quantity
with the quant **at validation time** (goods may have moved meanwhile) and posts
each difference as a done move from or to the inventory-loss location.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from addons.stock.services.done import do_moves, load_products
from addons.stock.services.locations import virtual_location
from addons.stock.services.moves import new_move
from kernel import workflow
from kernel.errors import ValidationError
from kernel.i18n import _

if TYPE_CHECKING:
    from kernel.env import Env


def create_inventory(
    env: Env,
    location_id: int,
    counts: Iterable[tuple[int, Decimal | int | str]] = (),
    name: str = "",
) -> Any:
    """A count of ``location_id``; ``counts`` pre-fills ``(product_id, counted)`` lines."""
    Inventory = env["stock.inventory"]
    Line = env["stock.inventory.line"]
    inventory = Inventory(
        name=name or env.next_number("stock.inventory"), location_id=location_id, state="draft"
    )
    env.session.add(inventory)
    env.session.flush()
    env.session.add_all(
        Line(inventory_id=inventory.id, product_id=pid, counted_qty=Decimal(str(qty)))
        for pid, qty in counts
    )
    env.session.flush()
    return inventory


def _current(env: Env, location_id: int, product_ids: list[int]) -> dict[tuple[int, Any], Decimal]:
    Quant = env["stock.quant"]
    rows = env.session.execute(
        select(Quant.product_id, Quant.lot_id, func.sum(Quant.quantity))
        .where(Quant.location_id == location_id, Quant.product_id.in_(product_ids))
        .group_by(Quant.product_id, Quant.lot_id)
    ).all()
    return {(pid, lot): Decimal(qty or 0) for pid, lot, qty in rows}


def start_inventory(env: Env, inventory: Any) -> Any:
    """Start counting: the ``start`` transition of the count's workflow."""
    workflow.fire(env, inventory, "start")
    return inventory


def validate_inventory(env: Env, inventory: Any) -> list[Any]:
    """Book the differences (the ``validate`` transition); returns the moves posted."""
    done = workflow.fire(env, inventory, "validate")
    return list(done.results.get("moves", []))


def action_start(env: Env, inventory: Any, move: Any) -> None:
    """Fill theoretical quantities (and add lines for everything in stock there)."""
    Quant = env["stock.quant"]
    Line = env["stock.inventory.line"]
    lines = list(env.session.scalars(select(Line).where(Line.inventory_id == inventory.id)))
    present = {
        (q.product_id, q.lot_id): q.quantity
        for q in env.session.scalars(
            select(Quant).where(Quant.location_id == inventory.location_id, Quant.quantity != 0)
        )
    }
    known = {(ln.product_id, ln.lot_id) for ln in lines}
    for line in lines:
        line.theoretical_qty = present.get((line.product_id, line.lot_id), Decimal(0))
    for (pid, lot), qty in sorted(present.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
        if (pid, lot) not in known:
            env.session.add(
                Line(
                    inventory_id=inventory.id,
                    product_id=pid,
                    lot_id=lot,
                    theoretical_qty=qty,
                    counted_qty=qty,
                )
            )
    env.session.flush()


def action_validate(env: Env, inventory: Any, move: Any) -> None:
    """Post counted − current as moves against the inventory-loss location."""
    Line = env["stock.inventory.line"]
    lines = list(env.session.scalars(select(Line).where(Line.inventory_id == inventory.id)))
    for line in lines:
        if line.counted_qty < 0:
            raise ValidationError(_("Counted quantity: cannot be negative"), field="counted_qty")
    products = load_products(env, [ln.product_id for ln in lines])
    current = _current(env, inventory.location_id, list(products))
    loss = virtual_location(env, "inventory")
    location = env.get("stock.location", inventory.location_id)
    moves = []
    for line in lines:
        diff = line.counted_qty - current.get((line.product_id, line.lot_id), Decimal(0))
        if not diff:
            continue
        source, dest = (loss.id, location.id) if diff > 0 else (location.id, loss.id)
        moves.append(
            new_move(
                env,
                products[line.product_id],
                abs(diff),
                source,
                dest,
                reference=inventory.name,
                lot_id=line.lot_id,
                warehouse_id=location.warehouse_id,
                company_id=location.company_id,
                origin_model="stock.inventory",
                origin_id=inventory.id,
            )
        )
    env.session.add_all(moves)
    env.session.flush()
    do_moves(env, moves)
    move.results["moves"] = moves

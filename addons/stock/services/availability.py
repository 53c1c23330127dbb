"""Stock figures per product: on hand, reserved, available, incoming, outgoing, forecast.

Each figure is one SQL aggregate — over quants (a few rows per product) and over
open moves — never a sum over the move history, so a list of products with their
stock costs three queries whatever their number.

* ``on_hand``: in the warehouse's internal locations (all warehouses when none given);
* ``reserved``: the part of it promised to open moves; ``available = on_hand − reserved``;
* ``incoming``: open moves into those locations from elsewhere;
* ``outgoing``: open moves out of them still **not reserved** (reserved ones are
  already counted in ``reserved``);
* ``forecast = on_hand − reserved + incoming − outgoing``.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, not_, select
from sqlalchemy.orm import aliased

if TYPE_CHECKING:
    from kernel.env import Env

ZERO = Decimal(0)
FIGURES = ("on_hand", "reserved", "available", "incoming", "outgoing", "forecast")


def _inside(location: Any, warehouse_id: int | None) -> Any:
    cond = location.usage == "internal"
    if warehouse_id is not None:
        cond = and_(cond, location.warehouse_id == warehouse_id)
    return cond


def availability(
    env: Env, product_ids: Iterable[int], warehouse_id: int | None = None
) -> dict[int, dict[str, Decimal]]:
    """``{product_id: {"on_hand": …, "reserved": …, "available": …, "incoming": …,
    "outgoing": …, "forecast": …}}`` for every product asked (zeros when none)."""
    ids = sorted(set(product_ids))
    result = {pid: dict.fromkeys(FIGURES, ZERO) for pid in ids}
    if not ids:
        return result
    Quant = env["stock.quant"]
    Move = env["stock.move"]
    Location = env["stock.location"]
    rows = env.session.execute(
        select(Quant.product_id, func.sum(Quant.quantity), func.sum(Quant.reserved_quantity))
        .join(Location, Location.id == Quant.location_id)
        .where(Quant.product_id.in_(ids), _inside(Location, warehouse_id))
        .group_by(Quant.product_id)
    ).all()
    for pid, on_hand, reserved in rows:
        result[pid]["on_hand"] = Decimal(on_hand or 0)
        result[pid]["reserved"] = Decimal(reserved or 0)
    src = aliased(Location)
    dest = aliased(Location)
    open_moves = and_(Move.product_id.in_(ids), Move.state.in_(("waiting", "available")))
    incoming = env.session.execute(
        select(Move.product_id, func.sum(Move.product_qty))
        .join(src, src.id == Move.location_id)
        .join(dest, dest.id == Move.location_dest_id)
        .where(open_moves, _inside(dest, warehouse_id), not_(_inside(src, warehouse_id)))
        .group_by(Move.product_id)
    ).all()
    for pid, qty in incoming:
        result[pid]["incoming"] = Decimal(qty or 0)
    outgoing = env.session.execute(
        select(Move.product_id, func.sum(Move.product_qty - Move.reserved_qty))
        .join(src, src.id == Move.location_id)
        .join(dest, dest.id == Move.location_dest_id)
        .where(
            open_moves,
            _inside(src, warehouse_id),
            not_(_inside(dest, warehouse_id)),
        )
        .group_by(Move.product_id)
    ).all()
    for pid, qty in outgoing:
        result[pid]["outgoing"] = Decimal(qty or 0)
    for figures in result.values():
        figures["available"] = figures["on_hand"] - figures["reserved"]
        figures["forecast"] = (
            figures["on_hand"] - figures["reserved"] + figures["incoming"] - figures["outgoing"]
        )
    return result

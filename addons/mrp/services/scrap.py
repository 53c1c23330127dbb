"""Scrap during production: a component spoilt at the bench, or a finished unit that failed.

The goods leave the warehouse's stock for its scrap location through stock's
``do_moves`` (refused when there is not enough, unless negative stock is allowed),
the move names the production order, and the order keeps the quantity (on the
component line) and the value scrapped, so its real cost shows what was lost.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from addons.mrp.services.production import ORIGIN
from addons.stock.services.done import do_moves
from addons.stock.services.locations import warehouse_location
from addons.stock.services.moves import new_move
from kernel.errors import ValidationError
from kernel.i18n import _

if TYPE_CHECKING:
    from kernel.env import Env

SCRAP_STATES = ("confirmed", "in_progress", "quality", "done")


def scrappable(env: Env, production: Any) -> list[tuple[int, str]]:
    """The order's components and its product: what may be scrapped on it."""
    ids = [c.product_id for c in production.components] + [production.product_id]
    products = env.browse("product.product", ids)
    return [(pid, products[pid].display_name(env)) for pid in dict.fromkeys(ids)]


def scrap(
    env: Env,
    production: Any,
    product_id: int,
    quantity: Decimal,
    reason: str = "",
    lot_id: int | None = None,
) -> Any:
    """Scrap ``quantity`` (product unit) of a component or of the product (of ``lot_id`` when
    given: a failed serial number, not the oldest one in stock); returns the move."""
    if production.state not in SCRAP_STATES:
        raise ValidationError(
            _("only confirmed, started or finished production orders record scrap"),
            field="state",
        )
    if quantity is None or quantity <= 0:
        raise ValidationError(_("Quantity: must be greater than zero"), field="quantity")
    if product_id not in {pid for pid, _label in scrappable(env, production)}:
        raise ValidationError(
            _("Product: only the order's components or its product can be scrapped here"),
            field="product_id",
        )
    product = env.browse("product.product", [product_id])[product_id]
    warehouse_id = int(production.warehouse_id)
    stock = warehouse_location(env, warehouse_id, "stock")
    scrap_location = warehouse_location(env, warehouse_id, "scrap")
    move = new_move(
        env,
        product,
        Decimal(quantity),
        stock.id,
        scrap_location.id,
        reference=f"{production.name} {reason}".strip()[:128],
        warehouse_id=warehouse_id,
        company_id=production.company_id,
        origin_model=ORIGIN,
        origin_id=production.id,
        lot_id=lot_id,
    )
    env.session.add(move)
    env.session.flush()
    do_moves(env, [move])
    record_scrap(env, production, move)
    return move


def record_scrap(env: Env, production: Any, move: Any, *, adds_cost: bool = True) -> None:
    """The order keeps what a done scrap move cost (and the quantity, on a component line).

    Also used for failed finished units that go straight from production to the scrap
    location (:mod:`addons.mrp.services.quality`): their value is already in the order's
    material and conversion cost (``adds_cost=False``), so the total does not grow."""
    value = (move.price_unit * move.product_qty).quantize(Decimal("0.0001"), ROUND_HALF_UP)
    production.scrap_cost = (production.scrap_cost or Decimal(0)) + value
    if adds_cost:
        production.total_cost = (production.total_cost or Decimal(0)) + value
    Component = env["mrp.production.component"]
    line = env.session.scalar(
        select(Component).where(
            Component.production_id == production.id, Component.product_id == move.product_id
        )
    )
    if line is not None:
        line.scrapped_qty = (line.scrapped_qty or Decimal(0)) + move.product_qty
    env.session.flush()

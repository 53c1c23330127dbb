"""Quick stock operations for tests, benchmarks, demo data and simple screens."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from addons.stock.services.done import do_moves
from addons.stock.services.locations import default_warehouse, virtual_location, warehouse_location
from addons.stock.services.moves import new_move

if TYPE_CHECKING:
    from kernel.env import Env


def _location_id(location: Any) -> int:
    return location if isinstance(location, int) else location.id


def receive(
    env: Env,
    product_id: int,
    quantity: Decimal | int | str,
    location: Any = None,
    price_unit: Decimal | None = None,
    *,
    lot_id: int | None = None,
) -> Any:
    """Book ``quantity`` (product unit) of a product arriving from the vendor location, done at once.

    ``location`` defaults to the main warehouse's stock; ``price_unit`` feeds the
    average cost. Waiting reservations of the product are completed afterwards.
    Returns the done move.
    """
    Product = env["product.product"]
    product = env.get(Product, product_id)
    if location is None:
        location = warehouse_location(env, default_warehouse(env).id, "stock")
    dest = location if not isinstance(location, int) else env.get("stock.location", location)
    move = new_move(
        env,
        product,
        Decimal(str(quantity)),
        virtual_location(env, "supplier").id,
        dest.id,
        reference="RECEIPT",
        lot_id=lot_id,
        warehouse_id=dest.warehouse_id,
        company_id=dest.company_id,
        price_unit=Decimal(price_unit) if price_unit is not None else Decimal(0),
    )
    env.session.add(move)
    env.session.flush()
    do_moves(env, [move])
    return move


def scrap(
    env: Env,
    product_id: int,
    quantity: Decimal | int | str,
    location: Any = None,
    *,
    lot_id: int | None = None,
    reason: str = "",
) -> Any:
    """Throw away damaged goods: a done move to the warehouse's scrap location."""
    Product = env["product.product"]
    product = env.get(Product, product_id)
    if location is None:
        location = warehouse_location(env, default_warehouse(env).id, "stock")
    source = location if not isinstance(location, int) else env.get("stock.location", location)
    scrap_loc = (
        warehouse_location(env, source.warehouse_id, "scrap")
        if source.warehouse_id
        else virtual_location(env, "inventory")
    )
    move = new_move(
        env,
        product,
        Decimal(str(quantity)),
        source.id,
        scrap_loc.id,
        reference=reason[:128] or "SCRAP",
        lot_id=lot_id,
        warehouse_id=source.warehouse_id,
        company_id=source.company_id,
    )
    env.session.add(move)
    env.session.flush()
    do_moves(env, [move])
    return move

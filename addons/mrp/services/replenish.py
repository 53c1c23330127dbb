"""The make route: shortages of manufactured products become production orders."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from addons.mrp.services.boms import bom_for
from addons.mrp.services.production import create_production
from kernel import workflow

if TYPE_CHECKING:
    from kernel.env import Env


def replenish(
    env: Env,
    product_id: int,
    warehouse_id: int,
    quantity: Decimal,
    origin_model: str,
    origin_id: int | None,
) -> str | None:
    """A confirmed production order for ``quantity`` (product unit), or ``None`` when the
    product is not made here (bought, or no bill of materials)."""
    product = env.browse("product.product", [product_id])[product_id]
    if product.supply_route != "make":
        return None
    bom = bom_for(env, [product_id]).get(product_id)
    if bom is None or bom.type != "normal":
        return None
    origin = ""
    if origin_model and origin_id and origin_model in env:
        record = env.session.get(env[origin_model], origin_id)
        origin = str(getattr(record, "name", "") or "")
    with env.sudo("a stock shortage of a manufactured product raises a production order"):
        production = create_production(
            env,
            product_id,
            quantity,
            bom_id=bom.id,
            warehouse_id=warehouse_id,
            origin=origin,
            origin_model=origin_model,
            origin_id=origin_id,
        )
        workflow.fire(env, production, "confirm")
    return str(production.name)

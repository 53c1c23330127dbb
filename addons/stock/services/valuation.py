"""Stock valuation: the cost each move carries, and the average cost updated by receipts.

``price_unit`` of a done move is its value per product unit: receipts carry their
purchase price; everything else takes the product's cost at that moment. For
products valued at average cost, a receipt moves the cost to
``(on hand × cost + received × price) ÷ (on hand + received)``, rounded half-up to
the money scale. Accounting reads these through the ``stock_moves_done`` hook.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from kernel.fields import MONEY_SCALE

if TYPE_CHECKING:
    from kernel.env import Env

MONEY_QUANTUM = Decimal(1).scaleb(-MONEY_SCALE)


def on_hand_by_product(env: Env, product_ids: Sequence[int]) -> dict[int, Decimal]:
    """Company-wide quantity on hand in internal locations, per product (one aggregate)."""
    if not product_ids:
        return {}
    Quant = env["stock.quant"]
    Location = env["stock.location"]
    rows = env.session.execute(
        select(Quant.product_id, func.sum(Quant.quantity))
        .join(Location, Location.id == Quant.location_id)
        .where(Quant.product_id.in_(sorted(set(product_ids))), Location.usage == "internal")
        .group_by(Quant.product_id)
    ).all()
    return {pid: Decimal(total or 0) for pid, total in rows}


def value_moves(
    env: Env, moves: Sequence[Any], products: dict[int, Any], locations: dict[int, Any]
) -> None:
    """Set ``price_unit`` of moves about to be done and update average costs.

    Must run before the quants change: the average uses the quantity on hand before
    the receipt.
    """
    receipts = [
        m
        for m in moves
        if not locations[m.location_id].is_internal and locations[m.location_dest_id].is_internal
    ]
    averaged = [m for m in receipts if products[m.product_id].cost_method == "average"]
    if averaged:  # the quants are locked now: re-read the costs a concurrent receipt may have moved
        Product = env["product.product"]
        for product in env.session.scalars(
            select(Product)
            .where(Product.id.in_(sorted({m.product_id for m in averaged})))
            .execution_options(populate_existing=True)
        ):
            products[product.id] = product
    on_hand = on_hand_by_product(env, [m.product_id for m in averaged])
    costed = {m.id for m in averaged if m.price_unit}
    if costed:
        # The warehouse clerk validating a receipt may not edit products; the
        # average cost is the receipt's consequence, not the clerk's edit.
        with env.sudo("a receipt moves the average cost of the products it brings"):
            for move in averaged:
                if move.id not in costed:
                    continue
                product = products[move.product_id]
                qty_before = max(on_hand.get(product.id, Decimal(0)), Decimal(0))
                total = qty_before + move.product_qty
                if total > 0:
                    value = qty_before * product.standard_price + move.product_qty * move.price_unit
                    product.standard_price = (value / total).quantize(
                        MONEY_QUANTUM, rounding=ROUND_HALF_UP
                    )
                on_hand[product.id] = total
    for move in moves:
        if move.id not in costed and not move.price_unit:
            move.price_unit = products[move.product_id].standard_price

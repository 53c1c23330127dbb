"""Refusal at the door: the recipient signs for part of the goods (or none) and says why.

Why at signing and not as a separate step: the driver records one hand-over, with
what was taken and what came back; the return receipt and the notice to the
source document (a sales-order exception with sale_delivery) must not be
forgotten, so Sign makes both in its own transaction.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from addons.delivery.hookspecs import DeliveryHooks
from addons.stock.services import confirm_picking, create_picking
from kernel.errors import ValidationError
from kernel.i18n import _

if TYPE_CHECKING:
    from kernel.env import Env

ZERO = Decimal(0)


def refusal_explained(env: Env, shipment: Any) -> Any:
    """Guard of Sign: refused goods need a reason."""
    if shipment.refusals and not (shipment.refusal_reason or "").strip():
        return _("Refusal reason: say why the goods were refused")
    return None


def delivered_quantities(env: Env, shipment: Any) -> dict[int, Decimal]:
    """Quantities per product (product unit) that left with the shipment's transfer."""
    Move = env["stock.move"]
    moves = env.session.scalars(
        select(Move).where(Move.picking_id == shipment.picking_id, Move.state == "done")
    ).all()
    delivered: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for move in moves:
        delivered[move.product_id] += Decimal(move.product_qty or 0)
    return dict(delivered)


def refused_quantities(env: Env, shipment: Any) -> dict[int, Decimal]:
    """The refused goods per product, checked against what was delivered."""
    delivered = delivered_quantities(env, shipment)
    refused: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for line in shipment.refusals:
        refused[line.product_id] += Decimal(line.quantity)
    for index, (product_id, quantity) in enumerate(refused.items()):
        if quantity > delivered.get(product_id, ZERO):
            product = env.get("product.product", product_id)
            raise ValidationError(
                _(
                    "Refused goods: %(delivered)s of %(product)s were delivered, "
                    "%(refused)s cannot be refused",
                    product=product.name,
                    delivered=delivered.get(product_id, ZERO).normalize(),
                    refused=quantity.normalize(),
                ),
                field=f"refusals.{index}.quantity",
            )
    return dict(refused)


def return_goods(env: Env, shipment: Any, quantities: dict[int, Decimal], note: str) -> Any:
    """A confirmed receipt bringing ``quantities`` (product unit, per product) back from the
    customer to the shipment's source location; linked as the shipment's return."""
    picking = shipment.picking
    back = create_picking(
        env,
        "incoming",
        picking.location_dest_id,
        picking.location_id,
        [{"product_id": pid, "quantity": qty} for pid, qty in sorted(quantities.items())],
        warehouse_id=picking.warehouse_id,
        company_id=picking.company_id,
        partner_id=shipment.partner_id,
        origin=shipment.name,
        origin_model="delivery.shipment",
        origin_id=shipment.id,
        note=note,
    )
    confirm_picking(env, back, automatic=True)
    shipment.return_picking_id = back.id
    env.session.flush()
    return back


def refuse(env: Env, shipment: Any) -> Any | None:
    """Bring refused goods back (a confirmed return receipt) and tell the source document.

    Called by Sign; returns the return receipt, or None when everything was accepted.
    """
    if not shipment.refusals:
        return None
    refused = refused_quantities(env, shipment)
    back = return_goods(env, shipment, refused, shipment.refusal_reason)
    DeliveryHooks(env).delivery_shipment_refused(env=env, shipment=shipment, return_picking=back)
    return back

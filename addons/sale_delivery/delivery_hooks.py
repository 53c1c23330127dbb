"""sale_delivery's side of delivery: the order names the carrier of its delivery, and the
order's ``signed`` milestone follows the signatures of its shipments."""

from __future__ import annotations

from typing import Any

from addons.delivery.services.shipments import shipments_of
from kernel import hookimpl, workflow

ORIGIN = "sale.order"


@hookimpl
def delivery_carrier_for_picking(env: Any, picking: Any) -> int | None:
    if picking.origin_model != ORIGIN or not picking.origin_id:
        return None
    order = env.get(ORIGIN, picking.origin_id)
    return int(order.carrier_id) if order.carrier_id else None


@hookimpl
def delivery_shipment_created(env: Any, shipment: Any) -> None:
    """An order whose goods left with a carrier completes only once the customer signed."""
    if shipment.origin_model == ORIGIN and shipment.origin_id:
        order = env.get(ORIGIN, shipment.origin_id)
        workflow.expect_milestone(env, order, "signed", addon="sale_delivery")


@hookimpl
def delivery_shipment_signed(env: Any, shipment: Any) -> None:
    if shipment.origin_model != ORIGIN or not shipment.origin_id:
        return
    with env.sudo("the recipient's signature completes the sales order of the logistics clerk"):
        # a shipment cancelled before it moved was replaced (or the order is being cancelled)
        live = [s for s in shipments_of(env, ORIGIN, shipment.origin_id) if s.state != "cancelled"]
        if all(s.state == "signed" for s in live):
            order = env.get(ORIGIN, shipment.origin_id)
            workflow.reach_milestone(env, order, "signed", addon="sale_delivery")


@hookimpl(optionalhook=True)
def sale_order_approved(env: Any, order: Any) -> None:
    """Orders shipped by a carrier wait for the signature (expected before anything ships)."""
    if order.carrier_id and any(
        line.product.type == "stockable" for line in order.lines if not line.is_delivery
    ):
        workflow.expect_milestone(env, order, "signed", addon="sale_delivery")

"""delivery's side of stock: a validated delivery with a carrier becomes a shipment."""

from __future__ import annotations

from typing import Any

from addons.delivery.hookspecs import DeliveryHooks
from addons.delivery.services.shipments import carrier_of, create_shipment
from kernel import hookimpl


@hookimpl
def stock_picking_done(env: Any, picking: Any) -> None:
    if picking.picking_type != "outgoing":
        return
    with env.sudo("delivery records the shipment of a validated delivery for the stock user"):
        carrier = carrier_of(env, picking)
        if carrier is None:
            return
        shipment = create_shipment(env, picking, carrier)
        DeliveryHooks(env).delivery_shipment_created(env=env, shipment=shipment)

"""Delivery: carriers with transit days per region, a pickup cut-off and price rules
(fixed, by weight band, by region, free above an order amount). With sales_order the
glue addon ``sale_delivery`` lets an order's shipping method pick a carrier and adds
the shipping cost as a taxed line. A validated delivery with a carrier becomes a
shipment (tracking number, ship date, ETA on the working calendar, waybill with a QR
code); customers follow it on ``/track/<token>``; the recipient's signature closes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kernel.addons.parts import AddonParts


def register(parts: AddonParts) -> None:
    from addons.delivery import hooks, hookspecs, stock_hooks
    from addons.delivery.connectors import http_json, manual
    from addons.delivery.models.carrier import Carrier
    from addons.delivery.models.carrier_account import CarrierAccount
    from addons.delivery.models.holiday import Holiday
    from addons.delivery.models.package import Package
    from addons.delivery.models.picking import PickingDelivery
    from addons.delivery.models.price_rule import CarrierPriceRule
    from addons.delivery.models.refusal import Refusal
    from addons.delivery.models.shipment import Shipment
    from addons.delivery.models.track_usage import TrackUsage
    from addons.delivery.models.tracking_event import TrackingEvent
    from addons.delivery.models.transit_time import CarrierTransitTime
    from addons.delivery.workflow import SHIPMENT_WORKFLOW

    parts.model(
        Carrier,
        CarrierAccount,
        CarrierPriceRule,
        CarrierTransitTime,
        Holiday,
        PickingDelivery,
        Shipment,
        Refusal,
        Package,
        TrackingEvent,
        TrackUsage,
    )
    parts.hookspec(hookspecs)
    parts.plugin(hooks)
    parts.plugin(stock_hooks)
    parts.plugin(manual)
    parts.plugin(http_json)
    parts.workflow(SHIPMENT_WORKFLOW)

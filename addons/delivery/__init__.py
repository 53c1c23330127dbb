"""Delivery: carriers with transit days per region, a pickup cut-off and price rules
(fixed, by weight band, by region, free above an order amount). With sales_order the
glue addon ``sale_delivery`` lets an order's shipping method pick a carrier and adds
the shipping cost as a taxed line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kernel.addons.parts import AddonParts


def register(parts: AddonParts) -> None:
    from addons.delivery import hooks
    from addons.delivery.models.carrier import Carrier
    from addons.delivery.models.price_rule import CarrierPriceRule
    from addons.delivery.models.transit_time import CarrierTransitTime

    parts.model(Carrier, CarrierPriceRule, CarrierTransitTime)
    parts.plugin(hooks)

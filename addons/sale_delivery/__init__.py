"""Glue of delivery and sales_order (installed by itself once both are): the order's
carrier, the Add shipping action, and the ``signed`` milestone: with delivery installed an order
shipped by a carrier completes when the customer signs, not when the goods leave.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kernel.addons.parts import AddonParts


def register(parts: AddonParts) -> None:
    from addons.sale_delivery import delivery_hooks, hooks, late, shipment_exceptions
    from addons.sale_delivery.models.sale_order import SaleOrderDelivery, SaleOrderLineDelivery
    from addons.sale_delivery.workflow import SALE_ORDER_EXTENSION

    parts.model(SaleOrderDelivery, SaleOrderLineDelivery)
    parts.plugin(hooks)
    parts.plugin(delivery_hooks)
    parts.plugin(late)
    parts.plugin(shipment_exceptions)
    parts.extend_workflow(SALE_ORDER_EXTENSION)

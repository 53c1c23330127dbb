"""Selection values of the delivery models, translated when displayed."""

from __future__ import annotations

from kernel.i18n import _

SHIPPING_METHODS = [
    ("express", _("Express courier")),
    ("freight", _("Freight (LTL/FTL)")),
    ("own_fleet", _("Own delivery fleet")),
    ("pickup", _("Customer pickup")),
]
"""The same codes as the sales order's shipping method, so that a method picks a carrier."""

EVENT_KINDS = [
    ("picked_up", _("Picked up")),
    ("in_transit", _("In transit")),
    ("out_for_delivery", _("Out for delivery")),
    ("delivered", _("Delivered")),
    ("exception", _("Exception")),
]
"""The tracking timeline's steps, as carriers report them."""

SHIPMENT_STATES = [
    ("shipped", _("Shipped")),
    ("signed", _("Signed")),
    ("cancelled", _("Cancelled")),
]

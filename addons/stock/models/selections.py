"""Selection values shared by the stock models, translated when displayed."""

from __future__ import annotations

from kernel.i18n import _

LOCATION_USAGES = [
    ("view", _("View")),
    ("internal", _("Internal")),
    ("supplier", _("Vendor")),
    ("customer", _("Customer")),
    ("inventory", _("Inventory loss")),
    ("production", _("Production")),
    ("transit", _("Transit")),
]

LOCATION_ROLES = [
    ("", _("None")),
    ("view", _("Warehouse view")),
    ("stock", _("Stock")),
    ("input", _("Input")),
    ("output", _("Output")),
    ("scrap", _("Scrap")),
]

MOVE_STATES = [
    ("draft", _("Draft")),
    ("waiting", _("Waiting")),
    ("available", _("Available")),
    ("done", _("Done")),
    ("cancelled", _("Cancelled")),
]

PICKING_STATES = [
    ("draft", _("Draft")),
    ("waiting", _("Waiting")),
    ("ready", _("Ready")),
    ("done", _("Done")),
    ("cancelled", _("Cancelled")),
]

PICKING_TYPES = [
    ("incoming", _("Receipt")),
    ("outgoing", _("Delivery")),
    ("internal", _("Internal transfer")),
]

TRACKING = [
    ("none", _("No tracking")),
    ("lot", _("By lot")),
    ("serial", _("By serial number")),
]

COST_METHODS = [
    ("standard", _("Standard price")),
    ("average", _("Average cost")),
]

INVENTORY_STATES = [
    ("draft", _("Draft")),
    ("in_progress", _("Counting")),
    ("done", _("Done")),
    ("cancelled", _("Cancelled")),
]

PRIORITIES = [("0", _("Normal")), ("1", _("Urgent"))]

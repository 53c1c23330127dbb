"""Delivery fields on the sales order screens."""

from __future__ import annotations

from kernel.i18n import _
from kernel.web.views import Section, ViewExtension

SALE_ORDER_EXTENSION = ViewExtension(
    model="sale.order",
    list_columns=["carrier_id"],
    form_section=Section(_("Delivery"), ["carrier_id", "shipping_weight"]),
)

SALE_ORDER_LINE_EXTENSION = ViewExtension(model="sale.order.line", list_columns=["is_delivery"])

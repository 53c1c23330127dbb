"""sale_delivery's part of the sales order workflow: the Add shipping action on drafts."""

from __future__ import annotations

from addons.sale_delivery.services.shipping import add_shipping
from kernel.i18n import _
from kernel.workflow import Transition, WorkflowExtension

SALE_ORDER_EXTENSION = WorkflowExtension(
    "sale.order",
    transitions=[
        Transition(
            "add_shipping",
            ("draft",),
            "draft",
            _("Add shipping"),
            group="sales_order.group_user",
            actions=[add_shipping],
            style="secondary",
        )
    ],
)

"""sale_delivery's part of the sales order workflow: the Add shipping action on drafts, and
the ``signed`` milestone: an order shipped by a carrier completes when the customer signs."""

from __future__ import annotations

from addons.sale_delivery.services.shipping import add_shipping
from kernel.i18n import _
from kernel.workflow import MilestoneDef, Transition, WorkflowExtension

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
    milestones=[MilestoneDef("signed", _("Signed by the customer"), "execution", sequence=30)],
)

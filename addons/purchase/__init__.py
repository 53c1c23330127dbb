"""Purchasing: supplier prices and lead times, requisitions, RFQs and purchase orders,
receipts through stock, and the hooks that let accounting bill them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kernel.addons.parts import AddonParts


def register(parts: AddonParts) -> None:
    from addons.purchase import hooks, hookspecs
    from addons.purchase.models.order import PurchaseOrder, PurchaseOrderLine
    from addons.purchase.models.requisition import PurchaseRequisition
    from addons.purchase.models.supplier_price import SupplierPrice
    from addons.purchase.workflow import PURCHASE_ORDER_WORKFLOW
    from kernel.i18n import _
    from kernel.workflow import MilestoneDef, WorkflowExtension

    parts.hookspec(hookspecs)
    parts.model(SupplierPrice, PurchaseOrder, PurchaseOrderLine, PurchaseRequisition)
    parts.workflow(PURCHASE_ORDER_WORKFLOW)
    parts.plugin(hooks)
    parts.extend_workflow(
        WorkflowExtension(
            "sale.order",
            milestones=[MilestoneDef("procured", _("Procured"), "execution", sequence=5)],
        ),
        when=("sales_order",),
    )

"""Purchase bills: vendor bills from purchase orders with a three-way match.

Glue between purchase and accounting (installed by itself once both are). A bill
charges what was received and not billed yet; posting it records the billed
quantities on the order, and the order is done once fully billed and paid.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kernel.addons.parts import AddonParts


def register(parts: AddonParts) -> None:
    from addons.purchase_accounting import hooks
    from addons.purchase_accounting.models.bill_line import PurchaseBillLine
    from addons.purchase_accounting.models.company import CompanyPurchaseBills
    from addons.purchase_accounting.models.move import MovePurchaseLines
    from addons.purchase_accounting.models.order import PurchaseOrderBilling
    from addons.purchase_accounting.workflow import BILL_POSTING, PURCHASE_ORDER_BILLING

    parts.model(PurchaseBillLine, PurchaseOrderBilling, MovePurchaseLines, CompanyPurchaseBills)
    parts.plugin(hooks)
    parts.extend_workflow(PURCHASE_ORDER_BILLING)
    parts.extend_workflow(BILL_POSTING)

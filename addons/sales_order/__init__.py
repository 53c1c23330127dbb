"""Sales orders: entry, pricing, review and approval, execution tracking and exceptions."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kernel.addons.parts import AddonParts


def register(parts: AddonParts) -> None:
    from addons.sales_order import hooks, hookspecs, notifications
    from addons.sales_order.models.autoapprove_rule import AutoApproveRule
    from addons.sales_order.models.exception import SaleOrderException
    from addons.sales_order.models.pricelist import Pricelist
    from addons.sales_order.models.pricelist_rule import PricelistRule
    from addons.sales_order.models.restriction import SaleRestriction
    from addons.sales_order.models.sale_order import SaleOrder
    from addons.sales_order.models.sale_order_check import SaleOrderCheck
    from addons.sales_order.models.sale_order_line import SaleOrderLine
    from addons.sales_order.models.saved_filter import SavedFilter
    from addons.sales_order.workflow import SALE_ORDER_WORKFLOW

    parts.model(
        SaleOrder,
        SaleOrderLine,
        SaleOrderCheck,
        Pricelist,
        PricelistRule,
        SaleRestriction,
        AutoApproveRule,
        SaleOrderException,
        SavedFilter,
    )
    parts.hookspec(hookspecs)
    parts.plugin(hooks)
    parts.plugin(notifications)
    parts.workflow(SALE_ORDER_WORKFLOW)

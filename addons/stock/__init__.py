"""Inventory: warehouses and locations, double-entry stock moves and quants, transfers
with backorders, reservations (FIFO), inventory counts, scrap, reorder rules and
stock valuation. Works alone; with ``sales_order`` it reserves and ships orders.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kernel.addons.parts import AddonParts


def register(parts: AddonParts) -> None:
    from addons.stock import hooks, hookspecs, notifications, sale_hooks
    from addons.stock.models.inventory import Inventory, InventoryLine
    from addons.stock.models.location import Location
    from addons.stock.models.lot import Lot
    from addons.stock.models.move import StockMove
    from addons.stock.models.picking import StockPicking
    from addons.stock.models.product import ProductStock
    from addons.stock.models.quant import Quant
    from addons.stock.models.reorder_rule import ReorderRule
    from addons.stock.models.reservation import StockReservation
    from addons.stock.models.sale_order import SaleOrderLineStock, SaleOrderStock
    from addons.stock.models.warehouse import Warehouse
    from addons.stock.workflow import INVENTORY_WORKFLOW, PICKING_WORKFLOW, SALE_ORDER_EXTENSION

    parts.model(
        ProductStock,
        Warehouse,
        Location,
        Lot,
        StockPicking,
        StockMove,
        Quant,
        StockReservation,
        ReorderRule,
        Inventory,
        InventoryLine,
    )
    parts.model(SaleOrderStock, SaleOrderLineStock, when=("sales_order",))
    parts.hookspec(hookspecs)
    parts.plugin(hooks)
    parts.plugin(notifications)
    parts.plugin(sale_hooks, when=("sales_order",))
    parts.workflow(PICKING_WORKFLOW)
    parts.workflow(INVENTORY_WORKFLOW)
    parts.extend_workflow(SALE_ORDER_EXTENSION, when=("sales_order",))

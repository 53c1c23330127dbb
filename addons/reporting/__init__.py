"""Reporting: pivot tables and charts over any model that declares measures.

A model gets its pivot and graph views by declaring a ``Pivot`` (measures and
dimensions) on its ``View`` — or, for the built-in business addons, through the
``ViewExtension`` parts this addon contributes when they are installed (``when=``),
so that reporting installs alone on base and never imports them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kernel.addons.parts import AddonParts


def register(parts: AddonParts) -> None:
    from addons.reporting import hooks
    from addons.reporting.sources import accounting, purchase, sale_stock, sales, stock

    parts.plugin(hooks)
    parts.plugin(sales, when=("sales_order",))
    parts.plugin(purchase, when=("purchase",))
    parts.plugin(accounting, when=("accounting",))
    parts.plugin(stock, when=("stock",))
    parts.plugin(sale_stock, when=("sales_order", "stock"))

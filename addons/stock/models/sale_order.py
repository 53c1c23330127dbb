"""Stock figures on sales orders (only when sales_order is installed)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kernel import Quantity, _, extend, info

STOCK_STATUS = [
    ("", _("Not applicable")),
    ("short", _("Short of stock")),
    ("reserved", _("Reserved")),
    ("partial", _("Partly shipped")),
    ("shipped", _("Shipped")),
]


@extend("sale.order.line")
class SaleOrderLineStock:
    """What stock holds for the line; kept up to date by the stock services."""

    reserved_qty: Mapped[Decimal] = mapped_column(
        Quantity(), default=Decimal(0), info=info(_("Reserved"), readonly=True)
    )
    shortage_qty: Mapped[Decimal] = mapped_column(
        Quantity(), default=Decimal(0), info=info(_("Short"), readonly=True)
    )
    delivered_qty: Mapped[Decimal] = mapped_column(
        Quantity(), default=Decimal(0), info=info(_("Delivered"), readonly=True)
    )


@extend("sale.order")
class SaleOrderStock:
    """A stock status on the order, so lists can filter short orders."""

    stock_status: Mapped[str] = mapped_column(
        String(16),
        default="",
        index=True,
        info=info(_("Stock status"), selection=STOCK_STATUS, readonly=True),
    )

    def __immutable__(self, changed: set[str]) -> Any:
        """Stock writes its status on confirmed orders; other changes follow sales' rule."""
        rest = changed - {"stock_status"}
        if changed and not rest:
            return None
        return super().__immutable__(rest)  # type: ignore[misc]

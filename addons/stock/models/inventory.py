"""``stock.inventory``: a stock count; validating it books the differences."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from addons.stock.models.selections import INVENTORY_STATES
from kernel import Quantity, UTCDateTime, _, info, many2one, model, one2many, utcnow
from kernel.i18n import LazyString


@model("stock.inventory", _("Inventory count"), rec_name="name", order="-date,-id")
class Inventory:
    """Counted quantities of one location; validation posts each difference as a
    move from or to the inventory-loss location, so the history explains the change."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), default="", info=info(_("Reference")))
    location_id: Mapped[int] = mapped_column(
        ForeignKey("stock_location.id"), index=True, info=info(_("Location"))
    )
    date: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, info=info(_("Date")))
    state: Mapped[str] = mapped_column(
        String(16),
        default="draft",
        index=True,
        info=info(_("Status"), selection=INVENTORY_STATES, readonly=True),
    )

    @declared_attr
    def location(cls) -> Mapped[Any]:
        return many2one(cls, "Location", "location_id")

    @declared_attr
    def lines(cls) -> Mapped[list[Any]]:
        return one2many(
            cls, "InventoryLine", "inventory_id", order_by="id", cascade="all, delete-orphan"
        )

    def __immutable__(self, changed: set[str]) -> str | LazyString | None:
        if self.state == "done" and changed - {"state"}:
            return _("inventory %(name)s is done and cannot be changed", name=self.name)
        return None


@model("stock.inventory.line", _("Inventory line"), rec_name="id", order="inventory_id,id")
class InventoryLine:
    id: Mapped[int] = mapped_column(primary_key=True)
    inventory_id: Mapped[int] = mapped_column(
        ForeignKey("stock_inventory.id", ondelete="CASCADE"),
        index=True,
        info=info(_("Inventory count")),
    )
    product_id: Mapped[int] = mapped_column(
        ForeignKey("product_product.id"), index=True, info=info(_("Product"))
    )
    lot_id: Mapped[int | None] = mapped_column(
        ForeignKey("stock_lot.id"), nullable=True, info=info(_("Lot"))
    )
    theoretical_qty: Mapped[Decimal] = mapped_column(
        Quantity(), default=Decimal(0), info=info(_("Theoretical quantity"), readonly=True)
    )
    counted_qty: Mapped[Decimal] = mapped_column(
        Quantity(), default=Decimal(0), info=info(_("Counted quantity"))
    )

    @declared_attr
    def product(cls) -> Mapped[Any]:
        return many2one(cls, "Product", "product_id")

    @declared_attr
    def lot(cls) -> Mapped[Any]:
        return many2one(cls, "Lot", "lot_id")

    @property
    def difference(self) -> Decimal:
        return self.counted_qty - self.theoretical_qty

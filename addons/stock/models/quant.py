"""``stock.quant``: how much of a product (and lot) is in a location, and how much is promised."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kernel import Quantity, UTCDateTime, _, info, many2one, model, utcnow
from kernel.i18n import LazyString


@model("stock.quant", _("Stock on hand"), rec_name="id", order="location_id,product_id")
class Quant:
    """The running balance of one product / location / lot.

    Only :mod:`addons.stock.services.quants` writes quants — when moves are done and
    when reservations are made or released — always under row locks, so figures such
    as "on hand" or "available" are a ``SUM`` over a few rows rather than over the
    whole move history. ``reserved_quantity`` is what open moves have claimed.
    """

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        """One quant per product, location and lot (no lot counts as lot 0).

        A fresh ``Index`` per composed class: each instance's registry has its own table.
        """
        return (
            Index(
                "uq_stock_quant_key",
                "product_id",
                "location_id",
                text("coalesce(lot_id, 0)"),
                unique=True,
            ),
        )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("product_product.id"), index=True, info=info(_("Product"), readonly=True)
    )
    location_id: Mapped[int] = mapped_column(
        ForeignKey("stock_location.id"), index=True, info=info(_("Location"), readonly=True)
    )
    lot_id: Mapped[int | None] = mapped_column(
        ForeignKey("stock_lot.id"), index=True, nullable=True, info=info(_("Lot"), readonly=True)
    )
    quantity: Mapped[Decimal] = mapped_column(
        Quantity(), default=Decimal(0), info=info(_("On hand"), readonly=True)
    )
    reserved_quantity: Mapped[Decimal] = mapped_column(
        Quantity(), default=Decimal(0), info=info(_("Reserved"), readonly=True)
    )
    in_date: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), default=utcnow, info=info(_("Incoming date"), readonly=True)
    )

    @declared_attr
    def product(cls) -> Mapped[Any]:
        return many2one(cls, "Product", "product_id")

    @declared_attr
    def location(cls) -> Mapped[Any]:
        return many2one(cls, "Location", "location_id")

    @declared_attr
    def lot(cls) -> Mapped[Any]:
        return many2one(cls, "Lot", "lot_id")

    @property
    def available_quantity(self) -> Decimal:
        return self.quantity - self.reserved_quantity

    def __immutable__(self, changed: set[str]) -> str | LazyString | None:
        if "__delete__" in changed and (self.quantity or self.reserved_quantity):
            return _("stock on hand cannot be deleted; count an inventory instead")
        return None

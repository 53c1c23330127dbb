"""A request to buy: raised by reorder rules, by sales shortages, or by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kernel import Quantity, UTCDateTime, _, info, many2one, model, utcnow

REQUISITION_STATES = [
    ("draft", _("To buy")),
    ("rfq", _("Request for quotation")),
    ("ordered", _("Ordered")),
    ("received", _("Received")),
    ("cancelled", _("Cancelled")),
]


@model("purchase.requisition", _("Purchase requisition"), order="-id")
class PurchaseRequisition:
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(
        String(32),
        index=True,
        info=info(_("Number"), readonly=True, sequence="purchase.requisition"),
    )
    product_id: Mapped[int] = mapped_column(
        ForeignKey("product_product.id"), index=True, info=info(_("Product"))
    )
    quantity: Mapped[Decimal] = mapped_column(Quantity(), info=info(_("Quantity")))
    uom_id: Mapped[int] = mapped_column(
        ForeignKey("uom_uom.id"), info=info(_("Unit"), computed=True)
    )
    warehouse_id: Mapped[int | None] = mapped_column(
        ForeignKey("stock_warehouse.id"), nullable=True, info=info(_("Warehouse"))
    )
    supplier_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_partner.id"), nullable=True, index=True, info=info(_("Suggested supplier"))
    )
    required_date: Mapped[dt.date | None] = mapped_column(
        Date, nullable=True, info=info(_("Needed by"))
    )
    origin_model: Mapped[str] = mapped_column(String(64), default="", info=info(_("Origin type")))
    origin_id: Mapped[int | None] = mapped_column(
        Integer, nullable=True, index=True, info=info(_("Origin record"))
    )
    origin: Mapped[str] = mapped_column(String(128), default="", info=info(_("Origin")))
    state: Mapped[str] = mapped_column(
        String(16),
        default="draft",
        index=True,
        info=info(_("Status"), selection=REQUISITION_STATES, readonly=True),
    )
    order_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("purchase_order_line.id"),
        nullable=True,
        index=True,
        info=info(_("Purchase order line"), readonly=True),
    )
    note: Mapped[str] = mapped_column(Text, default="", info=info(_("Notes")))
    created_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), default=utcnow, info=info(_("Raised at"), readonly=True)
    )

    def __on_create__(self, env: Any) -> None:
        """A requisition entered by hand: the product's unit, the best supplier, its lead time."""
        if self.product_id is None:
            return
        from addons.purchase.services.supplier_prices import best_prices

        product = env.browse("product.product", [int(self.product_id)]).get(int(self.product_id))
        if product is None:
            return
        if self.uom_id is None:
            self.uom_id = product.uom_id
        if self.supplier_id is None or self.required_date is None:
            prices = best_prices(env, [product.id]).get(product.id, [])
            if self.supplier_id is None and prices:
                self.supplier_id = prices[0].partner_id
            if self.required_date is None:
                delay = prices[0].delay_days if prices else 0
                self.required_date = dt.date.today() + dt.timedelta(days=delay)

    @declared_attr
    def product(cls) -> Mapped[Any]:
        return many2one(cls, "Product", "product_id")

    @declared_attr
    def supplier(cls) -> Mapped[Any]:
        return many2one(cls, "Partner", "supplier_id")

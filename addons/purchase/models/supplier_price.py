"""What a supplier charges for a product, from which quantity, for how long, and how fast."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kernel import Money, Quantity, _, info, many2one, model


@model(
    "purchase.supplier.price",
    _("Supplier price"),
    rec_name="id",
    order="product_id,sequence,min_qty",
)
class SupplierPrice:
    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("res_partner.id"), index=True, info=info(_("Supplier"))
    )
    product_id: Mapped[int] = mapped_column(
        ForeignKey("product_product.id"), index=True, info=info(_("Product"))
    )
    product_code: Mapped[str] = mapped_column(
        String(64),
        default="",
        info=info(_("Supplier's product code"), help=_("Printed on purchase orders")),
    )
    sequence: Mapped[int] = mapped_column(
        Integer, default=10, info=info(_("Priority"), help=_("Lower comes first"))
    )
    min_qty: Mapped[Decimal] = mapped_column(
        Quantity(), default=Decimal(0), info=info(_("Minimum quantity"))
    )
    price: Mapped[Decimal] = mapped_column(Money(), info=info(_("Price"), widget="monetary"))
    currency_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_currency.id"), nullable=True, info=info(_("Currency"))
    )
    delay_days: Mapped[int] = mapped_column(Integer, default=7, info=info(_("Lead time (days)")))
    date_start: Mapped[dt.date | None] = mapped_column(
        Date, nullable=True, info=info(_("Valid from"))
    )
    date_end: Mapped[dt.date | None] = mapped_column(
        Date, nullable=True, info=info(_("Valid until"))
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True, info=info(_("Active")))

    @declared_attr
    def partner(cls) -> Mapped[Any]:
        return many2one(cls, "Partner", "partner_id")

    @declared_attr
    def product(cls) -> Mapped[Any]:
        return many2one(cls, "Product", "product_id")

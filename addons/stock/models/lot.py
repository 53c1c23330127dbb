"""``stock.lot``: a lot or serial number of a tracked product."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kernel import _, info, many2one, model


@model("stock.lot", _("Lot / Serial number"), rec_name="name", order="name")
class Lot:
    """Quants and moves of a product tracked by lot or serial carry one of these."""

    __table_args__ = (UniqueConstraint("product_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), info=info(_("Lot / Serial number")))
    product_id: Mapped[int] = mapped_column(
        ForeignKey("product_product.id"), index=True, info=info(_("Product"))
    )
    expiry_date: Mapped[dt.date | None] = mapped_column(
        Date, nullable=True, info=info(_("Expiry date"))
    )
    note: Mapped[str] = mapped_column(Text, default="", info=info(_("Notes")))

    @declared_attr
    def product(cls) -> Mapped[Any]:
        return many2one(cls, "Product", "product_id")

"""Export-control and compliance rules: what may not be sold into which country."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ForeignKey, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kernel import _, info, many2one, model


@model("sale.restriction", _("Sales restriction"), rec_name="reason", order="id")
class SaleRestriction:
    """Country × (product or category): an order shipping such goods there is blocked.

    Leaving both product and category empty blocks every sale into the country.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    country_id: Mapped[int] = mapped_column(
        ForeignKey("res_country.id", ondelete="CASCADE"), index=True, info=info(_("Country"))
    )
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("product_product.id", ondelete="CASCADE"),
        nullable=True,
        info=info(_("Product")),
    )
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("product_category.id", ondelete="CASCADE"),
        nullable=True,
        info=info(_("Product category")),
    )
    reason: Mapped[str] = mapped_column(Text, default="", info=info(_("Reason")))
    active: Mapped[bool] = mapped_column(Boolean, default=True, info=info(_("Active")))

    @declared_attr
    def country(cls) -> Mapped[Any]:
        return many2one(cls, "Country", "country_id")

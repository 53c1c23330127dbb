"""Price lists group pricing rules (a season, a channel, a contract)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kernel import _, info, model, one2many


@model("sale.pricelist", _("Price list"), rec_name="name", order="name", cached=True)
class Pricelist:
    """Only active lists take part in pricing; rules carry the actual conditions."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), info=info(_("Name")))
    active: Mapped[bool] = mapped_column(Boolean, default=True, info=info(_("Active")))

    @declared_attr
    def rules(cls) -> Mapped[list[Any]]:
        return one2many(
            cls,
            "PricelistRule",
            "pricelist_id",
            order_by="priority",
            cascade="all, delete-orphan",
            back_populates="pricelist",
        )

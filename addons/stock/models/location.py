"""``stock.location``: a place goods can be — shelves, or virtual partners of moves."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from addons.stock.models.selections import LOCATION_ROLES, LOCATION_USAGES
from kernel import _, info, many2one, model


@model("stock.location", _("Location"), rec_name="full_name", order="full_name")
class Location:
    """A node of the location tree.

    ``usage`` says what the location is: ``internal`` ones hold the company's stock
    (quants there count as on hand and may not go negative unless allowed); the
    virtual ones (vendor, customer, inventory loss, production, transit) are the
    other side of the double entry, so every move has a source and a destination.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), info=info(_("Name")))
    full_name: Mapped[str] = mapped_column(
        String(512), default="", index=True, info=info(_("Full name"), readonly=True)
    )
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("stock_location.id"), index=True, nullable=True, info=info(_("Parent"))
    )
    usage: Mapped[str] = mapped_column(
        String(16), default="internal", info=info(_("Type"), selection=LOCATION_USAGES)
    )
    role: Mapped[str] = mapped_column(
        String(16),
        default="",
        info=info(_("Role in warehouse"), selection=LOCATION_ROLES, readonly=True),
    )
    warehouse_id: Mapped[int | None] = mapped_column(
        ForeignKey("stock_warehouse.id"), index=True, nullable=True, info=info(_("Warehouse"))
    )
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_company.id"), index=True, nullable=True, info=info(_("Company"))
    )
    allow_negative: Mapped[bool] = mapped_column(
        Boolean,
        default=False,
        info=info(_("Allow negative stock"), _("moves may take more than is on hand here")),
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True, info=info(_("Active")))

    @declared_attr
    def parent(cls) -> Mapped[Any]:
        return many2one(cls, "Location", "parent_id")

    @declared_attr
    def warehouse(cls) -> Mapped[Any]:
        return many2one(cls, "Warehouse", "warehouse_id")

    @property
    def is_internal(self) -> bool:
        return self.usage == "internal"

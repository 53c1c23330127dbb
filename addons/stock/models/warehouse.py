"""``stock.warehouse``: a site whose locations hold the company's goods."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kernel import _, info, many2one, model


@model("stock.warehouse", _("Warehouse"), rec_name="name", order="id", cached=True)
class Warehouse:
    """A warehouse owns a tree of locations (view, stock, input, output, scrap).

    The locations point at their warehouse (``stock.location.warehouse_id`` plus
    ``role``) rather than the warehouse pointing at them: no circular foreign keys,
    so tables are created and dropped in a plain order on both databases.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), info=info(_("Name")))
    code: Mapped[str] = mapped_column(
        String(8), unique=True, info=info(_("Short name"), _("prefix of transfer numbers"))
    )
    company_id: Mapped[int] = mapped_column(
        ForeignKey("res_company.id"), index=True, info=info(_("Company"))
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True, info=info(_("Active")))

    @declared_attr
    def company(cls) -> Mapped[Any]:
        return many2one(cls, "Company", "company_id")

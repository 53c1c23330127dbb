"""Lot genealogy: which lots a produced lot was made from, with quantities.

One row per (produced lot, consumed lot) of a production order, written in one
batch when the order is finished. Tracing walks it one level per query (all the
lots of a level at once), so a lot with fifty ancestors costs what one with two
does.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kernel import Quantity, _, info, many2one, model


@model("mrp.lot.genealogy", _("Lot genealogy"), order="produced_lot_id,consumed_lot_id,id")
class LotGenealogy:
    """``produced_lot`` was made from ``quantity`` (component unit) of ``consumed_lot``."""

    id: Mapped[int] = mapped_column(primary_key=True)
    production_id: Mapped[int] = mapped_column(
        ForeignKey("mrp_production.id", ondelete="CASCADE"),
        index=True,
        info=info(_("Production order"), readonly=True),
    )
    reference: Mapped[str] = mapped_column(
        String(32), default="", info=info(_("Production order number"), readonly=True)
    )
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_company.id"), nullable=True, index=True, info=info(_("Company"))
    )
    produced_lot_id: Mapped[int] = mapped_column(
        ForeignKey("stock_lot.id"), index=True, info=info(_("Produced lot"), readonly=True)
    )
    consumed_lot_id: Mapped[int] = mapped_column(
        ForeignKey("stock_lot.id"), index=True, info=info(_("Consumed lot"), readonly=True)
    )
    quantity: Mapped[Decimal] = mapped_column(
        Quantity(), info=info(_("Quantity consumed"), readonly=True)
    )

    @declared_attr
    def production(cls) -> Mapped[Any]:
        return many2one(cls, "Production", "production_id")

    @declared_attr
    def produced_lot(cls) -> Mapped[Any]:
        return many2one(cls, "Lot", "produced_lot_id")

    @declared_attr
    def consumed_lot(cls) -> Mapped[Any]:
        return many2one(cls, "Lot", "consumed_lot_id")

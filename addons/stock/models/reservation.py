"""``stock.reservation``: which quant a move's reservation sits on."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kernel import Quantity, _, info, many2one, model


@model("stock.reservation", _("Reservation"), rec_name="id", order="id")
class StockReservation:
    """A part of a move's reserved quantity held on one quant (one lot).

    Releasing or shipping a move works from these rows, so the exact quants (and
    lots) that were promised get their ``reserved_quantity`` back or are consumed.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    move_id: Mapped[int] = mapped_column(
        ForeignKey("stock_move.id", ondelete="CASCADE"), index=True, info=info(_("Move"))
    )
    quant_id: Mapped[int] = mapped_column(
        ForeignKey("stock_quant.id"), index=True, info=info(_("Stock on hand"))
    )
    quantity: Mapped[Decimal] = mapped_column(Quantity(), info=info(_("Quantity")))

    @declared_attr
    def quant(cls) -> Mapped[Any]:
        return many2one(cls, "Quant", "quant_id")

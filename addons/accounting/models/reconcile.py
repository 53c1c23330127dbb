"""``account.reconcile``: one partial match of a debit line with a credit line (invoice ↔ payment)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from kernel import Money, _, info, model


@model("account.reconcile", _("Reconciliation"), rec_name="id", order="id")
class Reconcile:
    """``amount`` of ``debit_line`` is settled by ``credit_line``; lines keep their residuals."""

    __table_args__ = (CheckConstraint("amount > 0", name="positive"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    debit_line_id: Mapped[int] = mapped_column(
        ForeignKey("account_move_line.id"), index=True, info=info(_("Debit item"))
    )
    credit_line_id: Mapped[int] = mapped_column(
        ForeignKey("account_move_line.id"), index=True, info=info(_("Credit item"))
    )
    amount: Mapped[Decimal] = mapped_column(Money(), info=info(_("Amount")))
    date: Mapped[dt.date] = mapped_column(Date, default=dt.date.today, info=info(_("Date")))

    def __immutable__(self, changed: set[str]) -> str | None:
        # A match is history: undoing one would silently reopen a paid invoice.
        return str(_("reconciliations cannot be changed or deleted")) if changed else None

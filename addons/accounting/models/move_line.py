"""``account.move.line``: one debit or credit of an entry on one account."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from addons.accounting.models.immutability import committed
from kernel import Money, _, info, many2one, model
from kernel.errors import ConflictError

# Reconciliation bookkeeping: the accounting content (account, amounts, partner,
# dates) of a posted line never changes.
MUTABLE_WHEN_POSTED = frozenset({"amount_residual", "reconciled"})


@model("account.move.line", _("Journal item"), rec_name="name", order="date,id")
class MoveLine:
    __table_args__ = (
        CheckConstraint("debit >= 0 AND credit >= 0", name="positive"),
        CheckConstraint("debit = 0 OR credit = 0", name="one_side"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    move_id: Mapped[int] = mapped_column(
        ForeignKey("account_move.id", ondelete="CASCADE"), index=True, info=info(_("Entry"))
    )
    sequence: Mapped[int] = mapped_column(Integer, default=10, info=info(_("Sequence")))
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account_account.id"), index=True, info=info(_("Account"))
    )
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_partner.id"), index=True, nullable=True, info=info(_("Partner"))
    )
    name: Mapped[str] = mapped_column(String(256), default="", info=info(_("Label")))
    debit: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0), info=info(_("Debit")))
    credit: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0), info=info(_("Credit")))
    currency_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_currency.id"), nullable=True, info=info(_("Currency"))
    )
    amount_currency: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal(0), info=info(_("Amount in currency"))
    )
    date: Mapped[dt.date | None] = mapped_column(
        Date, nullable=True, index=True, info=info(_("Date"), readonly=True)
    )
    date_maturity: Mapped[dt.date | None] = mapped_column(
        Date, nullable=True, index=True, info=info(_("Due date"))
    )
    ref: Mapped[str] = mapped_column(String(128), default="", info=info(_("Reference")))
    tax_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_tax.id"), nullable=True, index=True, info=info(_("Tax (base)"))
    )
    tax_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_tax.id"), nullable=True, index=True, info=info(_("Tax (amount)"))
    )
    parent_state: Mapped[str] = mapped_column(
        String(8), default="draft", index=True, info=info(_("Entry status"), readonly=True)
    )
    amount_residual: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal(0), info=info(_("Residual"), readonly=True)
    )
    reconciled: Mapped[bool] = mapped_column(
        Boolean, default=False, info=info(_("Reconciled"), readonly=True)
    )

    @declared_attr
    def move(cls) -> Mapped[Any]:
        return many2one(cls, "Move", "move_id", back_populates="lines")

    @declared_attr
    def account(cls) -> Mapped[Any]:
        return many2one(cls, "Account", "account_id")

    @declared_attr
    def partner(cls) -> Mapped[Any]:
        return many2one(cls, "Partner", "partner_id")

    @property
    def balance(self) -> Decimal:
        return Decimal(self.debit or 0) - Decimal(self.credit or 0)

    def __validate__(self) -> None:
        """No line joins an entry that is already posted (new lines escape ``__immutable__``)."""
        from sqlalchemy import inspect

        if inspect(self).persistent:
            return
        move = self.move
        if move is not None and committed(move, "state") == "posted":
            raise ConflictError(
                _(
                    "posted entry %(name)s cannot receive new lines; reverse it instead",
                    name=move.name,
                )
            )

    def __immutable__(self, changed: set[str]) -> Any:
        if committed(self, "parent_state") != "posted":
            return None
        if "__delete__" in changed:
            return _("a line of a posted entry cannot be deleted; reverse the entry instead")
        frozen = changed - MUTABLE_WHEN_POSTED
        if not frozen:
            return None
        return _(
            "a line of a posted entry cannot be changed (%(fields)s); reverse the entry instead",
            fields=", ".join(sorted(frozen)),
        )

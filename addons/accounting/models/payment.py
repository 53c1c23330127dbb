"""``account.payment``: money received from a customer or paid to a supplier."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from addons.accounting.models.immutability import committed
from addons.accounting.models.selections import PAYMENT_METHODS, PAYMENT_TYPES
from kernel import Money, _, info, many2one, model, one2many

PAYMENT_DOC_STATES = [("draft", _("Draft")), ("posted", _("Posted"))]


@model("account.payment", _("Payment"), rec_name="name", order="-date,-id")
class Payment:
    """Posting books it (Dr bank / Cr receivable, or the reverse) and matches open invoices."""

    __table_args__ = (CheckConstraint("amount > 0", name="positive"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(
        String(64), default="", index=True, info=info(_("Number"), readonly=True)
    )
    payment_type: Mapped[str] = mapped_column(
        String(8), default="inbound", info=info(_("Direction"), selection=PAYMENT_TYPES)
    )
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("res_partner.id"), index=True, info=info(_("Partner"))
    )
    journal_id: Mapped[int] = mapped_column(
        ForeignKey("account_journal.id"),
        index=True,
        info=info(_("Journal"), _("Empty: the company's bank (or cash) journal"), computed=True),
    )
    company_id: Mapped[int] = mapped_column(
        ForeignKey("res_company.id"),
        index=True,
        info=info(_("Company"), _("Empty: the journal's company"), computed=True),
    )
    currency_id: Mapped[int] = mapped_column(
        ForeignKey("res_currency.id"),
        info=info(_("Currency"), _("Empty: the company's currency"), computed=True),
    )
    amount: Mapped[Decimal] = mapped_column(Money(), info=info(_("Amount"), widget="monetary"))
    date: Mapped[dt.date] = mapped_column(
        Date, default=dt.date.today, index=True, info=info(_("Date"))
    )
    method: Mapped[str] = mapped_column(
        String(16),
        default="bank_transfer",
        info=info(_("Payment method"), selection=PAYMENT_METHODS),
    )
    reference: Mapped[str] = mapped_column(String(128), default="", info=info(_("Reference")))
    state: Mapped[str] = mapped_column(
        String(8),
        default="draft",
        index=True,
        info=info(_("Status"), selection=PAYMENT_DOC_STATES, readonly=True),
    )
    move_id: Mapped[int | None] = mapped_column(
        ForeignKey("account_move.id"),
        nullable=True,
        index=True,
        info=info(_("Journal entry"), readonly=True),
    )

    @declared_attr
    def partner(cls) -> Mapped[Any]:
        return many2one(cls, "Partner", "partner_id")

    @declared_attr
    def journal(cls) -> Mapped[Any]:
        return many2one(cls, "Journal", "journal_id")

    @declared_attr
    def move(cls) -> Mapped[Any]:
        return many2one(cls, "Move", "move_id")

    @declared_attr
    def allocations(cls) -> Mapped[list[Any]]:
        return one2many(
            cls,
            "PaymentAllocation",
            "payment_id",
            order_by="id",
            cascade="all, delete-orphan",
            back_populates="payment",
        )

    def __on_create__(self, env: Any) -> None:
        """Journal, company and currency default like an order's: a payment needs only who and how much."""
        from addons.accounting.services.payments import fill_defaults

        fill_defaults(env, self)
        self._take_entry_number()  # registered and posted in one go (register_payment)

    def __on_write__(self, env: Any, names: set[str]) -> None:
        if names & {"move", "move_id"}:
            self._take_entry_number()

    def _take_entry_number(self) -> None:
        """A payment bears the number of the entry it is booked with.

        Taken when the link to the entry is written: posting draws the entry's number
        just before the flush that writes the entry, so that flush writes the payment
        once (state, entry, number) instead of twice.
        """
        if self.move is not None:
            self.name = self.move.name

    def __immutable__(self, changed: set[str]) -> Any:
        if committed(self, "state") != "posted" or not changed:
            return None
        if changed <= {"move", "move_id", "name"} and committed(self, "move_id") is None:
            return None  # the posting itself links the entry it books
        return _("posted payment %(name)s cannot be changed or deleted", name=self.name)

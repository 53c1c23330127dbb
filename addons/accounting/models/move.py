"""``account.move``: a journal entry — and an invoice, which is an entry with a customer.

Posting freezes it (see ``__immutable__``): a posted entry is corrected only by
a reversal entry. The database refuses a posted entry whose stored totals differ
(CHECK ``state <> 'posted' OR total_debit = total_credit``); the posting service
sets the totals from the lines, and tests hold the lines to those totals.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from addons.accounting.models.immutability import committed
from addons.accounting.models.selections import MOVE_STATES, MOVE_TYPES, PAYMENT_STATES
from kernel import Money, UTCDateTime, _, info, many2one, model, one2many

# What reconciliation may still write on a posted entry: how much of it is paid.
MUTABLE_WHEN_POSTED = frozenset({"payment_state", "amount_residual", "lines"})


@model("account.move", _("Journal entry"), rec_name="name", order="-date,-id")
class Move:
    __table_args__ = (
        CheckConstraint("state <> 'posted' OR total_debit = total_credit", name="balanced"),
        CheckConstraint("state <> 'posted' OR name <> ''", name="numbered"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(
        String(64), default="", index=True, info=info(_("Number"), readonly=True)
    )
    move_type: Mapped[str] = mapped_column(
        String(16), default="entry", index=True, info=info(_("Type"), selection=MOVE_TYPES)
    )
    state: Mapped[str] = mapped_column(
        String(8),
        default="draft",
        index=True,
        info=info(_("Status"), selection=MOVE_STATES, readonly=True),
    )
    date: Mapped[dt.date] = mapped_column(
        Date, default=dt.date.today, index=True, info=info(_("Accounting date"))
    )
    journal_id: Mapped[int] = mapped_column(
        ForeignKey("account_journal.id"), index=True, info=info(_("Journal"))
    )
    company_id: Mapped[int] = mapped_column(
        ForeignKey("res_company.id"), index=True, info=info(_("Company"))
    )
    currency_id: Mapped[int] = mapped_column(
        ForeignKey("res_currency.id"), info=info(_("Currency"))
    )
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_partner.id"), index=True, nullable=True, info=info(_("Partner"))
    )
    ref: Mapped[str] = mapped_column(String(128), default="", info=info(_("Reference")))
    invoice_date_due: Mapped[dt.date | None] = mapped_column(
        Date, nullable=True, info=info(_("Due date"))
    )
    payment_term_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_payment_term.id"), nullable=True, info=info(_("Payment terms"))
    )
    origin_model: Mapped[str] = mapped_column(
        String(64), default="", index=True, info=info(_("Source document type"), readonly=True)
    )
    origin_id: Mapped[int | None] = mapped_column(
        Integer, nullable=True, index=True, info=info(_("Source document"), readonly=True)
    )
    invoice_origin: Mapped[str] = mapped_column(
        String(64), default="", info=info(_("Source"), readonly=True)
    )
    reversed_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("account_move.id"),
        nullable=True,
        index=True,
        info=info(_("Reversal of"), readonly=True),
    )
    reason: Mapped[str] = mapped_column(Text, default="", info=info(_("Reason")))
    total_debit: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal(0), info=info(_("Total debit"), readonly=True)
    )
    total_credit: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal(0), info=info(_("Total credit"), readonly=True)
    )
    amount_untaxed: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal(0), info=info(_("Untaxed amount"), readonly=True)
    )
    amount_tax: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal(0), info=info(_("Taxes"), readonly=True)
    )
    amount_total: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal(0), info=info(_("Total"), readonly=True, widget="monetary")
    )
    amount_residual: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal(0), info=info(_("Amount due"), readonly=True, widget="monetary")
    )
    payment_state: Mapped[str] = mapped_column(
        String(16),
        default="",
        index=True,
        info=info(_("Payment status"), selection=PAYMENT_STATES, readonly=True),
    )
    posted_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), nullable=True, info=info(_("Posted on"), readonly=True)
    )
    notes: Mapped[str] = mapped_column(Text, default="", info=info(_("Notes")))

    @declared_attr
    def journal(cls) -> Mapped[Any]:
        return many2one(cls, "Journal", "journal_id")

    @declared_attr
    def partner(cls) -> Mapped[Any]:
        return many2one(cls, "Partner", "partner_id")

    @declared_attr
    def company(cls) -> Mapped[Any]:
        return many2one(cls, "Company", "company_id")

    @declared_attr
    def currency(cls) -> Mapped[Any]:
        return many2one(cls, "Currency", "currency_id")

    @declared_attr
    def lines(cls) -> Mapped[list[Any]]:
        return one2many(
            cls,
            "MoveLine",
            "move_id",
            order_by="sequence",
            cascade="all, delete-orphan",
            back_populates="move",
        )

    @property
    def is_invoice(self) -> bool:
        return self.move_type != "entry"

    def __immutable__(self, changed: set[str]) -> Any:
        """A posted entry is final; only its payment figures follow reconciliation."""
        if committed(self, "state") != "posted":
            return None
        if "__delete__" in changed:
            return _("posted entry %(name)s cannot be deleted; reverse it instead", name=self.name)
        frozen = changed - MUTABLE_WHEN_POSTED
        if not frozen:
            return None
        return _(
            "posted entry %(name)s cannot be changed (%(fields)s); reverse it instead",
            name=self.name,
            fields=", ".join(sorted(frozen)),
        )

"""The sales order header: customer, terms, state and totals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from addons.sales_order.models.selections import ORDER_STATES, PAYMENT_METHODS, SHIPPING_METHODS
from kernel import Money, UTCDateTime, _, info, many2one, model, one2many
from kernel.env import Env


@model("sale.order", _("Sales Order"), rec_name="name", order="-date_order,-id")
class SaleOrder:
    """A customer's order from quotation to settlement.

    Amounts are stored (not computed on read) so lists, group-by sums and the
    credit check aggregate in SQL; :func:`services.totals.compute_order` keeps them right.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(
        String(64), index=True, default="", info=info(_("Number"), readonly=True)
    )
    # Nullable in the table only so that a client may leave company and currency out:
    # they are filled from the user and the customer before the row is written.
    company_id: Mapped[int] = mapped_column(
        ForeignKey("res_company.id"), index=True, nullable=True, info=info(_("Company"))
    )
    state: Mapped[str] = mapped_column(
        String(16),
        default="draft",
        index=True,
        info=info(_("Status"), selection=ORDER_STATES, readonly=True),
    )
    date_order: Mapped[dt.date] = mapped_column(
        Date, default=dt.date.today, index=True, info=info(_("Order date"))
    )
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_partner.id"),
        index=True,
        nullable=True,
        # required on the draft too: a quotation without a customer is useless
        info=info(_("Customer"), required=True),
    )
    contact_name: Mapped[str] = mapped_column(
        String(128), default="", info=info(_("Contact person"))
    )
    phone: Mapped[str] = mapped_column(String(64), default="", info=info(_("Phone")))
    shipping_partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_partner.id"),
        index=True,
        nullable=True,
        info=info(_("Delivery address contact")),
    )
    shipping_address: Mapped[str] = mapped_column(
        Text, default="", info=info(_("Shipping address"))
    )
    salesperson_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_user.id"), index=True, nullable=True, info=info(_("Salesperson"))
    )
    payment_method: Mapped[str] = mapped_column(
        String(32),
        default="bank_transfer",
        info=info(_("Payment method"), selection=PAYMENT_METHODS),
    )
    payment_term_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_payment_term.id"), nullable=True, info=info(_("Payment terms"))
    )
    requested_date: Mapped[dt.date | None] = mapped_column(
        Date, nullable=True, info=info(_("Requested delivery date"))
    )
    shipping_method: Mapped[str] = mapped_column(
        String(32),
        default="express",
        info=info(_("Shipping method"), selection=SHIPPING_METHODS),
    )
    currency_id: Mapped[int] = mapped_column(
        ForeignKey("res_currency.id"), nullable=True, info=info(_("Currency"))
    )
    note: Mapped[str] = mapped_column(Text, default="", info=info(_("Notes")))
    amount_untaxed: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal(0), info=info(_("Untaxed amount"), readonly=True)
    )
    amount_tax: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal(0), info=info(_("Taxes"), readonly=True)
    )
    amount_total: Mapped[Decimal] = mapped_column(
        Money(), default=Decimal(0), info=info(_("Total"), readonly=True, widget="monetary")
    )
    reject_reason: Mapped[str] = mapped_column(
        Text, default="", info=info(_("Rejection reason"), readonly=True)
    )
    cancel_reason: Mapped[str] = mapped_column(
        Text, default="", info=info(_("Cancellation reason"), readonly=True)
    )
    auto_approved: Mapped[bool] = mapped_column(
        Boolean, default=False, info=info(_("Approved automatically"), readonly=True)
    )
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_user.id"), nullable=True, info=info(_("Approved by"), readonly=True)
    )
    approved_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), nullable=True, info=info(_("Approved on"), readonly=True)
    )
    submitted_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), nullable=True, info=info(_("Submitted on"), readonly=True)
    )

    @declared_attr
    def partner(cls) -> Mapped[Any]:
        # joined: a step on the order reads its customer (the credit check on submission,
        # the confirmation mail on approval), which cost a statement of its own
        return many2one(cls, "Partner", "partner_id", lazy="joined")

    @declared_attr
    def shipping_partner(cls) -> Mapped[Any]:
        return many2one(cls, "Partner", "shipping_partner_id")

    @declared_attr
    def company(cls) -> Mapped[Any]:
        return many2one(cls, "Company", "company_id")

    @declared_attr
    def currency(cls) -> Mapped[Any]:
        return many2one(cls, "Currency", "currency_id")

    @declared_attr
    def salesperson(cls) -> Mapped[Any]:
        return many2one(cls, "User", "salesperson_id")

    @declared_attr
    def payment_term(cls) -> Mapped[Any]:
        return many2one(cls, "PaymentTerm", "payment_term_id")

    @declared_attr
    def lines(cls) -> Mapped[list[Any]]:
        return one2many(
            cls,
            "SaleOrderLine",
            "order_id",
            order_by="sequence",
            cascade="all, delete-orphan",
            back_populates="order",
        )

    @declared_attr
    def checks(cls) -> Mapped[list[Any]]:
        return one2many(
            cls, "SaleOrderCheck", "order_id", cascade="all, delete-orphan", back_populates="order"
        )

    @declared_attr
    def exceptions(cls) -> Mapped[list[Any]]:
        return one2many(
            cls,
            "SaleOrderException",
            "order_id",
            cascade="all, delete-orphan",
            back_populates="order",
        )

    def __defaults__(self) -> None:
        """Number, company, currency and customer defaults, whichever path created the order."""
        from addons.sales_order.services.completion import complete_order

        env = Env.of(self)
        if env is not None:
            complete_order(env, self)

    def __immutable__(self, changed: set[str]) -> Any:
        """Once submitted, what was agreed with the customer no longer changes.

        Only sales_order's own terms are frozen: columns other addons add (delivery
        or invoicing status …) and the workflow's bookkeeping stay writable.
        """
        if "__delete__" in changed:
            if self.state not in ("draft", "cancelled"):
                return _("only draft or cancelled orders can be deleted (%(name)s)", name=self.name)
            return None
        if self.state == "draft":
            return None
        frozen = changed & FROZEN_AFTER_DRAFT
        if not frozen:
            return None
        return _(
            "%(name)s is no longer a draft: %(fields)s cannot be changed",
            name=self.name,
            fields=", ".join(sorted(frozen)),
        )


FROZEN_AFTER_DRAFT = frozenset(
    {
        "name",
        "company_id",
        "partner_id",
        "currency_id",
        "date_order",
        "payment_term_id",
        "payment_method",
        "shipping_partner_id",
        "shipping_address",
        "amount_untaxed",
        "amount_tax",
        "amount_total",
    }
)

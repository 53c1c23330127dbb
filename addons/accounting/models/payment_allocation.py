"""``account.payment.allocation``: which invoice a payment pays, and how much of it.

A payment with allocations is matched with exactly those invoices when it is
posted (each up to its amount, or what is open of it when the amount is empty);
a payment without any is matched with the partner's oldest open items, which is
what a bank statement line with no reference needs.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kernel import Money, _, info, many2one, model


@model("account.payment.allocation", _("Payment allocation"), order="payment_id,id")
class PaymentAllocation:
    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(
        ForeignKey("account_payment.id", ondelete="CASCADE"), index=True, info=info(_("Payment"))
    )
    move_id: Mapped[int] = mapped_column(
        ForeignKey("account_move.id"), index=True, info=info(_("Invoice"))
    )
    amount: Mapped[Decimal | None] = mapped_column(
        Money(),
        nullable=True,
        info=info(
            _("Amount"),
            _("Empty: what is open on the invoice, up to the payment"),
            widget="monetary",
        ),
    )

    @declared_attr
    def payment(cls) -> Mapped[Any]:
        return many2one(cls, "Payment", "payment_id", back_populates="allocations")

    @declared_attr
    def move(cls) -> Mapped[Any]:
        return many2one(cls, "Move", "move_id")

    def __immutable__(self, changed: set[str]) -> Any:
        payment = self.payment
        if payment is not None and payment.state == "posted" and changed:
            return _("posted payment %(name)s cannot be changed or deleted", name=payment.name)
        return None

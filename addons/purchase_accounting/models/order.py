"""What billing adds to purchase orders: a billing status and the bill lines of the order."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kernel import _, extend, info, one2many
from kernel.i18n import LazyString

BILL_STATUS: list[tuple[str, str | LazyString]] = [
    ("no", _("Nothing to bill")),
    ("to_bill", _("To bill")),
    ("billed", _("Fully billed")),
    ("paid", _("Paid")),
]


@extend("purchase.order")
class PurchaseOrderBilling:
    bill_status: Mapped[str] = mapped_column(
        String(16),
        default="no",
        info=info(_("Billing"), selection=BILL_STATUS, readonly=True),
    )

    @declared_attr
    def bill_lines(cls) -> Mapped[list[Any]]:
        return one2many(cls, "PurchaseBillLine", "order_id", order_by="id")

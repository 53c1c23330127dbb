"""An invoicing status on sales orders (only when sales_order is installed)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kernel import _, extend, info

INVOICE_STATUS = [
    ("", _("Not invoiced")),
    ("invoiced", _("Invoiced")),
    ("partial", _("Partially paid")),
    ("paid", _("Paid")),
    ("credited", _("Credited")),
]


@extend("sale.order")
class SaleOrderAccounting:
    invoice_status: Mapped[str] = mapped_column(
        String(16),
        default="",
        index=True,
        info=info(_("Invoice status"), selection=INVOICE_STATUS, readonly=True),
    )

    def __immutable__(self, changed: set[str]) -> Any:
        """Accounting writes the invoicing status on confirmed orders; the rest is sales' rule."""
        rest = changed - {"invoice_status"}
        if changed and not rest:
            return None
        return super().__immutable__(rest)  # type: ignore[misc]

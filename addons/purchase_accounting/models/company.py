"""The company's choice to prepare vendor bills as goods arrive."""

from __future__ import annotations

from sqlalchemy import Boolean
from sqlalchemy.orm import Mapped, mapped_column

from kernel import _, extend, info


@extend("res.company")
class CompanyPurchaseBills:
    purchase_bill_on_receipt: Mapped[bool] = mapped_column(
        Boolean,
        default=False,
        info=info(
            _("Draft bills on receipt"),
            _(
                "Prepare a draft vendor bill for the received quantities when a receipt is validated"
            ),
        ),
    )

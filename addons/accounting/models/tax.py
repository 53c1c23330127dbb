"""Where a tax is booked: output VAT (销项税额) for sales taxes, input VAT (进项税额) for purchases."""

from __future__ import annotations

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from kernel import _, extend, info


@extend("res.tax")
class TaxAccounting:
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("account_account.id"), nullable=True, info=info(_("Tax account"))
    )

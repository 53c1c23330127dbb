"""``res.tax``: a VAT rate, applied on prices that exclude or include it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from kernel import Exact, _, info, model
from kernel.errors import ValidationError

TAX_SCOPES = [("sale", _("Sales")), ("purchase", _("Purchases"))]


@model("res.tax", _("Tax"), rec_name="name", order="scope,amount", cached=True)
class Tax:
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), info=info(_("Name")))
    name_zh: Mapped[str] = mapped_column(String(64), default="", info=info(_("Chinese name")))
    amount: Mapped[Decimal] = mapped_column(Exact(4), default=Decimal(0), info=info(_("Rate (%)")))
    price_include: Mapped[bool] = mapped_column(
        Boolean, default=False, info=info(_("Included in price"))
    )
    scope: Mapped[str] = mapped_column(
        String(16), default="sale", info=info(_("Used for"), selection=TAX_SCOPES)
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True, info=info(_("Active")))

    def display_name(self, env: Any) -> str:
        """The Chinese name for zh_CN readers, where one is set."""
        if env.lang == "zh_CN" and self.name_zh:
            return str(self.name_zh)
        return str(self.name)

    def __validate__(self) -> None:
        if self.amount is None or not Decimal(0) <= Decimal(self.amount) < Decimal(100):
            raise ValidationError(
                _("Rate (%%): must be between 0 and 100, not %(value)s", value=self.amount),
                field="amount",
            )
        if self.scope not in {key for key, _label in TAX_SCOPES}:
            raise ValidationError(
                _("Used for: %(value)s is not sale or purchase", value=self.scope), field="scope"
            )

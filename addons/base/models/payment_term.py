"""``res.payment.term``: when an invoice falls due."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kernel import _, info, model
from kernel.errors import ValidationError


@model("res.payment.term", _("Payment terms"), rec_name="name", order="days")
class PaymentTerm:
    """Due ``days`` after the invoice date, or after its month's end when ``end_of_month``."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), info=info(_("Name")))
    name_zh: Mapped[str] = mapped_column(String(64), default="", info=info(_("Chinese name")))
    days: Mapped[int] = mapped_column(Integer, default=0, info=info(_("Days")))
    end_of_month: Mapped[bool] = mapped_column(
        Boolean, default=False, info=info(_("From end of month"))
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True, info=info(_("Active")))

    def display_name(self, env: Any) -> str:
        """The Chinese name for zh_CN readers, where one is set."""
        if env.lang == "zh_CN" and self.name_zh:
            return str(self.name_zh)
        return str(self.name)

    def __validate__(self) -> None:
        if self.days is not None and int(self.days) < 0:
            raise ValidationError(_("Days: must not be negative"), field="days")

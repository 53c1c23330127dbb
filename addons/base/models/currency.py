"""``res.currency`` and ``res.currency.rate``: currencies, their precision and exchange rates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kernel import Exact, _, info, many2one, model, one2many
from kernel.errors import ValidationError


@model("res.currency", _("Currency"), rec_name="code", order="code", cached=True)
class Currency:
    """A currency; ``decimals`` is how amounts in it are rounded (JPY 0, CNY 2)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(
        String(3), unique=True, info=info(_("Code"), _("ISO 4217 code, e.g. CNY"))
    )
    name: Mapped[str] = mapped_column(String(64), info=info(_("Name")))
    symbol: Mapped[str] = mapped_column(String(8), default="", info=info(_("Symbol")))
    decimals: Mapped[int] = mapped_column(
        Integer, default=2, info=info(_("Decimal places"), _("Amounts are rounded to this many"))
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True, info=info(_("Active")))

    @declared_attr
    def rates(cls) -> Mapped[list[Any]]:
        return one2many(
            cls,
            "CurrencyRate",
            "currency_id",
            order_by="date",
            cascade="all, delete-orphan",
            back_populates="currency",
        )

    @property
    def quantum(self) -> Decimal:
        """The smallest amount of this currency (``0.01`` for two decimals)."""
        return Decimal(1).scaleb(-int(self.decimals or 0))

    def __validate__(self) -> None:
        if not self.code or len(self.code) != 3 or not self.code.isalpha():
            raise ValidationError(
                _("Code: %(code)s is not a three-letter ISO code", code=self.code or ""),
                field="code",
            )
        if self.decimals is not None and not 0 <= int(self.decimals) <= 4:
            raise ValidationError(
                _("Decimal places: must be between 0 and 4, not %(value)s", value=self.decimals),
                field="decimals",
            )


@model("res.currency.rate", _("Exchange rate"), rec_name="date", order="-date")
class CurrencyRate:
    """Units of the currency worth one unit of the reference currency (CNY = 1) from ``date`` on."""

    __table_args__ = (UniqueConstraint("currency_id", "date"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    currency_id: Mapped[int] = mapped_column(
        ForeignKey("res_currency.id", ondelete="CASCADE"), index=True, info=info(_("Currency"))
    )
    date: Mapped[dt.date] = mapped_column(Date, info=info(_("Date")))
    rate: Mapped[Decimal] = mapped_column(
        Exact(8),
        info=info(_("Rate"), _("Units of this currency for one unit of the reference currency")),
    )

    @declared_attr
    def currency(cls) -> Mapped[Any]:
        return many2one(cls, "Currency", "currency_id", back_populates="rates")

    def __validate__(self) -> None:
        if self.rate is None or Decimal(self.rate) <= 0:
            raise ValidationError(_("Rate: must be greater than zero"), field="rate")

"""``res.company``: the legal entity that owns documents, numbers and money."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kernel import _, info, many2one, model


@model("res.company", _("Company"), rec_name="name", order="name", cached=True)
class Company:
    """A company: its currency is the one every amount is reported in."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), info=info(_("Company name")))
    currency_id: Mapped[int] = mapped_column(
        ForeignKey("res_currency.id"), index=True, info=info(_("Currency"))
    )
    street: Mapped[str] = mapped_column(String(256), default="", info=info(_("Street")))
    city: Mapped[str] = mapped_column(String(128), default="", info=info(_("City")))
    zip: Mapped[str] = mapped_column(String(32), default="", info=info(_("ZIP code")))
    country_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_country.id"), index=True, nullable=True, info=info(_("Country"))
    )
    tax_id: Mapped[str] = mapped_column(
        String(64),
        default="",
        info=info(_("Tax ID"), _("Unified social credit code or VAT number")),
    )
    phone: Mapped[str] = mapped_column(String(64), default="", info=info(_("Phone")))
    email: Mapped[str] = mapped_column(String(254), default="", info=info(_("E-mail")))
    logo: Mapped[bytes | None] = mapped_column(
        LargeBinary, nullable=True, info=info(_("Logo"), widget="image")
    )

    @declared_attr
    def currency(cls) -> Mapped[Any]:
        return many2one(cls, "Currency", "currency_id")

    @declared_attr
    def country(cls) -> Mapped[Any]:
        return many2one(cls, "Country", "country_id")

    def __validate__(self) -> None:
        from addons.base.models.checks import check_email, require

        require(self, "name", _("Company name"))
        check_email(self.email, "email")

"""``res.country`` and ``res.country.state``: countries and their regions (provinces)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kernel import _, info, many2one, model, one2many


@model("res.country", _("Country"), rec_name="name", order="name")
class Country:
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(
        String(2), unique=True, info=info(_("Code"), _("ISO 3166 two-letter code"))
    )
    name: Mapped[str] = mapped_column(String(128), info=info(_("Name")))
    name_zh: Mapped[str] = mapped_column(String(128), default="", info=info(_("Chinese name")))

    @declared_attr
    def regions(cls) -> Mapped[list[Any]]:
        return one2many(cls, "Region", "country_id", order_by="code", back_populates="country")

    def display_name(self, env: Any) -> str:
        """The Chinese name for users reading Chinese, else the English one."""
        if env.lang == "zh_CN" and self.name_zh:
            return self.name_zh
        return self.name


@model("res.country.state", _("Region"), rec_name="name", order="code")
class Region:
    __table_args__ = (UniqueConstraint("country_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    country_id: Mapped[int] = mapped_column(
        ForeignKey("res_country.id"), index=True, info=info(_("Country"))
    )
    code: Mapped[str] = mapped_column(String(16), info=info(_("Code")))
    name: Mapped[str] = mapped_column(String(128), info=info(_("Name")))
    name_zh: Mapped[str] = mapped_column(String(128), default="", info=info(_("Chinese name")))

    @declared_attr
    def country(cls) -> Mapped[Any]:
        return many2one(cls, "Country", "country_id", back_populates="regions")

    def display_name(self, env: Any) -> str:
        if env.lang == "zh_CN" and self.name_zh:
            return self.name_zh
        return self.name

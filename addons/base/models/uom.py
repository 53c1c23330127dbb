"""``uom.category`` and ``uom.uom``: units of measure, convertible within a category."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kernel import Exact, _, info, many2one, model
from kernel.errors import ValidationError


@model("uom.category", _("Unit category"), rec_name="name", order="name")
class UomCategory:
    """Units convert only inside their category (weight to weight, never weight to length)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True, info=info(_("Name")))
    name_zh: Mapped[str] = mapped_column(String(64), default="", info=info(_("Chinese name")))


@model("uom.uom", _("Unit of measure"), rec_name="name", order="category_id,factor", cached=True)
class Uom:
    """``factor``: how many reference units one of this unit is (Dozen = 12 Units, g = 0.001 kg)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), info=info(_("Name")))
    name_zh: Mapped[str] = mapped_column(String(64), default="", info=info(_("Chinese name")))
    category_id: Mapped[int] = mapped_column(
        ForeignKey("uom_category.id"), index=True, info=info(_("Category"))
    )
    factor: Mapped[Decimal] = mapped_column(
        Exact(8),
        default=Decimal(1),
        info=info(_("Factor"), _("Reference units in one of this unit")),
    )
    rounding: Mapped[Decimal] = mapped_column(
        Exact(6),
        default=Decimal("0.01"),
        info=info(_("Rounding precision"), _("Quantities are rounded to a multiple of this")),
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True, info=info(_("Active")))

    @declared_attr
    def category(cls) -> Mapped[Any]:
        return many2one(cls, "UomCategory", "category_id")

    def display_name(self, env: Any) -> str:
        if env.lang == "zh_CN" and self.name_zh:
            return self.name_zh
        return self.name

    def __validate__(self) -> None:
        if self.factor is None or Decimal(self.factor) <= 0:
            raise ValidationError(_("Factor: must be greater than zero"), field="factor")
        if self.rounding is None or Decimal(self.rounding) <= 0:
            raise ValidationError(
                _("Rounding precision: must be greater than zero"), field="rounding"
            )

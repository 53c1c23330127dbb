"""``delivery.price.rule``: a carrier's price for a destination and a weight band."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from addons.delivery.models.checks import dec
from kernel import Money, Quantity, _, info, many2one, model
from kernel.errors import ValidationError


@model("delivery.price.rule", _("Shipping price rule"), order="carrier_id,sequence,id")
class CarrierPriceRule:
    """Matches a destination (province, else country, else anywhere) and a weight band.

    The price is ``price`` plus ``price_per_kg`` for every started kilogram above ``weight_from``;
    the most specific destination wins, then the lowest sequence.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    carrier_id: Mapped[int] = mapped_column(
        ForeignKey("delivery_carrier.id", ondelete="CASCADE"), index=True, info=info(_("Carrier"))
    )
    sequence: Mapped[int] = mapped_column(Integer, default=10, info=info(_("Sequence")))
    country_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_country.id"), nullable=True, info=info(_("Country"), _("any when empty"))
    )
    state_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_country_state.id"),
        nullable=True,
        info=info(_("Region"), _("province; any when empty")),
    )
    weight_from: Mapped[Decimal] = mapped_column(
        Quantity(), default=Decimal(0), info=info(_("Weight from (kg)"))
    )
    weight_to: Mapped[Decimal | None] = mapped_column(
        Quantity(), nullable=True, info=info(_("Weight up to (kg)"), _("no limit when empty"))
    )
    price: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0), info=info(_("Price")))
    price_per_kg: Mapped[Decimal] = mapped_column(
        Money(),
        default=Decimal(0),
        info=info(_("Price per extra kg"), _("for every started kilogram above the band's start")),
    )

    @declared_attr
    def carrier(cls) -> Mapped[Any]:
        return many2one(cls, "Carrier", "carrier_id", back_populates="price_rules")

    def __on_create__(self, env: Any) -> None:
        self._check()

    def __on_write__(self, env: Any, changed: set[str]) -> None:
        self._check()

    def _check(self) -> None:
        if dec(self.price) < 0:
            raise ValidationError(_("Price: must not be negative"), field="price")
        if dec(self.price_per_kg) < 0:
            raise ValidationError(
                _("Price per extra kg: must not be negative"), field="price_per_kg"
            )
        start = dec(self.weight_from)
        if start < 0:
            raise ValidationError(_("Weight from (kg): must not be negative"), field="weight_from")
        if self.weight_to is not None and dec(self.weight_to) <= start:
            raise ValidationError(
                _("Weight up to (kg): must be more than the weight the band starts from"),
                field="weight_to",
            )

"""``delivery.transit.time``: a carrier's transit days to one country or province."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kernel import _, info, many2one, model
from kernel.errors import ValidationError


@model("delivery.transit.time", _("Transit time"), order="carrier_id,id")
class CarrierTransitTime:
    """Working days from pickup to delivery; a province beats its country."""

    id: Mapped[int] = mapped_column(primary_key=True)
    carrier_id: Mapped[int] = mapped_column(
        ForeignKey("delivery_carrier.id", ondelete="CASCADE"), index=True, info=info(_("Carrier"))
    )
    country_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_country.id"), nullable=True, info=info(_("Country"), _("any when empty"))
    )
    state_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_country_state.id"),
        nullable=True,
        info=info(_("Region"), _("province; any when empty")),
    )
    days: Mapped[int] = mapped_column(Integer, default=1, info=info(_("Transit days")))

    @declared_attr
    def carrier(cls) -> Mapped[Any]:
        return many2one(cls, "Carrier", "carrier_id", back_populates="transit_times")

    def __on_create__(self, env: Any) -> None:
        self._check()

    def __on_write__(self, env: Any, changed: set[str]) -> None:
        self._check()

    def _check(self) -> None:
        if not 0 <= int(self.days or 0) <= 365:
            raise ValidationError(_("Transit days: must be between 0 and 365"), field="days")

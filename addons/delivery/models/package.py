"""``delivery.package``: a parcel of a delivery transfer, with its weight and size."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from addons.delivery.models.checks import dec
from kernel import Exact, Quantity, _, info, many2one, model
from kernel.errors import ValidationError


@model("delivery.package", _("Package"), rec_name="name", order="picking_id,id")
class Package:
    """Packed on a delivery before it is validated; the shipment then carries it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    picking_id: Mapped[int] = mapped_column(
        ForeignKey("stock_picking.id", ondelete="CASCADE"), index=True, info=info(_("Transfer"))
    )
    name: Mapped[str] = mapped_column(String(64), default="", info=info(_("Package")))
    # No default: a parcel without its weight cannot be priced or handed to a carrier, so the
    # API and the form ask for it (required) instead of storing a zero that is then refused.
    weight: Mapped[Decimal] = mapped_column(Quantity(), info=info(_("Weight (kg)")))
    length: Mapped[Decimal] = mapped_column(
        Exact(1), default=Decimal(0), info=info(_("Length (cm)"))
    )
    width: Mapped[Decimal] = mapped_column(Exact(1), default=Decimal(0), info=info(_("Width (cm)")))
    height: Mapped[Decimal] = mapped_column(
        Exact(1), default=Decimal(0), info=info(_("Height (cm)"))
    )
    shipment_id: Mapped[int | None] = mapped_column(
        ForeignKey("delivery_shipment.id", ondelete="SET NULL"),
        nullable=True,
        index=True,
        info=info(_("Shipment"), readonly=True),
    )

    @declared_attr
    def picking(cls) -> Mapped[Any]:
        return many2one(cls, "StockPicking", "picking_id")

    @declared_attr
    def shipment(cls) -> Mapped[Any]:
        return many2one(cls, "Shipment", "shipment_id", back_populates="packages")

    def __on_create__(self, env: Any) -> None:
        self._check()

    def __on_write__(self, env: Any, changed: set[str]) -> None:
        self._check()

    def _check(self) -> None:
        if dec(self.weight) <= 0:
            raise ValidationError(_("Weight (kg): must be more than zero"), field="weight")
        labels = {"length": _("Length (cm)"), "width": _("Width (cm)"), "height": _("Height (cm)")}
        for name, label in labels.items():
            if dec(getattr(self, name)) < 0:
                raise ValidationError(_("%(field)s: must not be negative", field=label), field=name)

    def __immutable__(self, changed: set[str]) -> Any:
        """A package that left with a shipment is what the carrier has: it stays as it was."""
        if self.shipment_id is not None and changed - {"shipment_id"}:
            return _("package %(name)s has been shipped and cannot be changed", name=self.name)
        return None

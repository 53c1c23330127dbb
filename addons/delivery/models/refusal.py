"""``delivery.refusal``: goods the recipient did not accept when signing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from addons.delivery.models.checks import dec
from kernel import Quantity, _, info, many2one, model
from kernel.errors import ValidationError


@model("delivery.refusal", _("Refused goods"), order="shipment_id,id")
class Refusal:
    """Entered on the shipment before Sign (partial acceptance or refusal of everything).

    Signing then brings these quantities back with a return receipt and tells the
    source document (:func:`addons.delivery.services.refusal.refuse`).
    Quantities are in the product's unit.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(
        ForeignKey("delivery_shipment.id", ondelete="CASCADE"),
        index=True,
        info=info(_("Shipment")),
    )
    product_id: Mapped[int] = mapped_column(
        ForeignKey("product_product.id"), index=True, info=info(_("Product"))
    )
    quantity: Mapped[Decimal] = mapped_column(Quantity(), info=info(_("Refused quantity")))

    @declared_attr
    def shipment(cls) -> Mapped[Any]:
        return many2one(cls, "Shipment", "shipment_id", back_populates="refusals")

    @declared_attr
    def product(cls) -> Mapped[Any]:
        return many2one(cls, "Product", "product_id")

    def __on_create__(self, env: Any) -> None:
        self._check()

    def __on_write__(self, env: Any, changed: set[str]) -> None:
        self._check()

    def _check(self) -> None:
        if dec(self.quantity) <= 0:
            raise ValidationError(_("Refused quantity: must be more than zero"), field="quantity")

    def __immutable__(self, changed: set[str]) -> Any:
        shipment = self.shipment
        if shipment is not None and shipment.state != "shipped":
            return _("the shipment is signed: its refused goods are recorded")
        return None

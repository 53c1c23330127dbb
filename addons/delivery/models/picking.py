"""The carrier of a delivery transfer."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kernel import _, extend, info, many2one


@extend("stock.picking")
class PickingDelivery:
    """A delivery with a carrier (its own, or its source document's) becomes a shipment
    when it is validated."""

    carrier_id: Mapped[int | None] = mapped_column(
        ForeignKey("delivery_carrier.id"),
        nullable=True,
        index=True,
        info=info(_("Carrier"), _("empty: the carrier of the source document, if any")),
    )

    @declared_attr
    def carrier(cls) -> Mapped[Any]:
        return many2one(cls, "Carrier", "carrier_id")

"""Delivery columns on sales orders and their lines."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, ForeignKey
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kernel import Quantity, _, extend, info, many2one


@extend("sale.order")
class SaleOrderDelivery:
    """The carrier chosen for the order (or picked by its shipping method) and the weight priced."""

    carrier_id: Mapped[int | None] = mapped_column(
        ForeignKey("delivery_carrier.id"),
        nullable=True,
        index=True,
        info=info(_("Carrier"), _("empty: the first carrier of the shipping method")),
    )
    shipping_weight: Mapped[Decimal] = mapped_column(
        Quantity(),
        default=Decimal(0),
        info=info(
            _("Shipping weight (kg)"), _("weight the shipping cost was computed for"), readonly=True
        ),
    )

    @declared_attr
    def carrier(cls) -> Mapped[Any]:
        return many2one(cls, "Carrier", "carrier_id")


@extend("sale.order.line")
class SaleOrderLineDelivery:
    is_delivery: Mapped[bool] = mapped_column(
        Boolean,
        default=False,
        info=info(
            _("Shipping line"), _("added by Add shipping; replaced when run again"), readonly=True
        ),
    )

"""``delivery.carrier``: who carries the goods, how long it takes and what it costs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from addons.delivery.connectors import CONNECTORS
from addons.delivery.models.checks import dec
from addons.delivery.selections import SHIPPING_METHODS
from kernel import Money, _, info, many2one, model, one2many
from kernel.errors import ValidationError


@model("delivery.carrier", _("Carrier"), rec_name="name", order="sequence,name")
class Carrier:
    """A carrier's price is its first matching price rule, else its fixed price.

    ``free_over`` makes shipping free for orders whose goods total (taxes included)
    reaches it; ``transit_days`` is used where no region-specific transit time matches.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), info=info(_("Name")))
    code: Mapped[str] = mapped_column(
        String(16), default="", info=info(_("Code"), _("prefix of tracking numbers"))
    )
    sequence: Mapped[int] = mapped_column(Integer, default=10, info=info(_("Sequence")))
    shipping_method: Mapped[str] = mapped_column(
        String(32),
        default="express",
        info=info(_("Shipping method"), selection=SHIPPING_METHODS),
    )
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("product_product.id"),
        nullable=True,
        info=info(
            _("Shipping product"),
            _("service invoiced for the shipping cost; its sales tax applies"),
            default_ref="delivery.product_shipping",
        ),
    )
    fixed_price: Mapped[Decimal] = mapped_column(
        Money(),
        default=Decimal(0),
        info=info(_("Fixed price"), _("price when no price rule matches")),
    )
    free_over: Mapped[Decimal | None] = mapped_column(
        Money(),
        nullable=True,
        info=info(_("Free above"), _("orders of at least this amount ship free")),
    )
    transit_days: Mapped[int] = mapped_column(
        Integer,
        default=2,
        info=info(_("Transit days"), _("working days, where no regional transit time matches")),
    )
    cutoff_hour: Mapped[int] = mapped_column(
        Integer,
        default=16,
        info=info(
            _("Pickup cut-off (hour)"),
            _("goods handed over after this hour leave on the next working day"),
        ),
    )
    tracking_url: Mapped[str] = mapped_column(
        String(255),
        default="",
        info=info(_("Carrier tracking URL"), _("with {number} for the tracking number")),
    )
    connector: Mapped[str] = mapped_column(
        String(32),
        default="manual",
        info=info(
            _("Connector"),
            _("how shipments are booked and followed: by staff, or through the carrier's API"),
            selection=CONNECTORS,
        ),
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True, info=info(_("Active")))

    @declared_attr
    def product(cls) -> Mapped[Any]:
        return many2one(cls, "Product", "product_id")

    @declared_attr
    def price_rules(cls) -> Mapped[list[Any]]:
        return one2many(
            cls,
            "CarrierPriceRule",
            "carrier_id",
            order_by="sequence",
            cascade="all, delete-orphan",
            back_populates="carrier",
        )

    @declared_attr
    def transit_times(cls) -> Mapped[list[Any]]:
        return one2many(
            cls,
            "CarrierTransitTime",
            "carrier_id",
            cascade="all, delete-orphan",
            back_populates="carrier",
        )

    def __on_create__(self, env: Any) -> None:
        self._check()

    def __on_write__(self, env: Any, changed: set[str]) -> None:
        self._check()

    def _check(self) -> None:
        if dec(self.fixed_price) < 0:
            raise ValidationError(_("Fixed price: must not be negative"), field="fixed_price")
        if self.free_over is not None and dec(self.free_over) < 0:
            raise ValidationError(_("Free above: must not be negative"), field="free_over")
        if not 0 <= int(self.transit_days or 0) <= 365:
            raise ValidationError(
                _("Transit days: must be between 0 and 365"), field="transit_days"
            )
        if not 0 <= int(self.cutoff_hour if self.cutoff_hour is not None else 16) <= 24:
            raise ValidationError(
                _("Pickup cut-off (hour): must be between 0 and 24"), field="cutoff_hour"
            )

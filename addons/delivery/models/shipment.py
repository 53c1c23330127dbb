"""``delivery.shipment``: what left with a carrier, its tracking number, dates and sign-off."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from addons.delivery.selections import EVENT_KINDS, SHIPMENT_STATES
from kernel import Quantity, UTCDateTime, _, info, many2one, model, one2many


@model("delivery.shipment", _("Shipment"), rec_name="name", order="-ship_date,-id")
class Shipment:
    """Created when a delivery transfer with a carrier is validated.

    ``tracking_token`` is the unguessable key of the public tracking page; it is
    fixed once created (policy) and never shown in lists. ``status`` follows the
    latest tracking event; ``state`` is the workflow (shipped → signed).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(
        String(64), index=True, default="", info=info(_("Number"), readonly=True)
    )
    state: Mapped[str] = mapped_column(
        String(16),
        default="shipped",
        index=True,
        info=info(_("Status"), selection=SHIPMENT_STATES, readonly=True),
    )
    status: Mapped[str] = mapped_column(
        String(24),
        default="picked_up",
        index=True,
        info=info(_("Tracking status"), selection=EVENT_KINDS, readonly=True),
    )
    picking_id: Mapped[int] = mapped_column(
        ForeignKey("stock_picking.id"), index=True, info=info(_("Transfer"), readonly=True)
    )
    carrier_id: Mapped[int] = mapped_column(
        ForeignKey("delivery_carrier.id"), index=True, info=info(_("Carrier"), readonly=True)
    )
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_partner.id"),
        nullable=True,
        index=True,
        info=info(_("Recipient"), readonly=True),
    )
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("res_company.id"), nullable=True, info=info(_("Company"), readonly=True)
    )
    origin: Mapped[str] = mapped_column(
        String(128), default="", info=info(_("Source document"), readonly=True)
    )
    origin_model: Mapped[str] = mapped_column(
        String(64), default="", info=info(_("Source model"), readonly=True)
    )
    origin_id: Mapped[int | None] = mapped_column(
        Integer, nullable=True, index=True, info=info(_("Source record"), readonly=True)
    )
    tracking_number: Mapped[str] = mapped_column(
        String(64), index=True, default="", info=info(_("Tracking number"))
    )
    carrier_reference: Mapped[str] = mapped_column(
        String(64), default="", info=info(_("Carrier reference"), readonly=True)
    )
    tracking_token: Mapped[str] = mapped_column(
        String(64), unique=True, info=info(_("Tracking key"), readonly=True)
    )
    ship_date: Mapped[dt.date] = mapped_column(Date, info=info(_("Ship date"), readonly=True))
    eta: Mapped[dt.date] = mapped_column(Date, info=info(_("Expected arrival"), readonly=True))
    weight: Mapped[Decimal] = mapped_column(
        Quantity(), default=Decimal(0), info=info(_("Weight (kg)"), readonly=True)
    )
    package_count: Mapped[int] = mapped_column(
        Integer, default=0, info=info(_("Packages"), readonly=True)
    )
    signer_name: Mapped[str] = mapped_column(
        String(128), default="", info=info(_("Signed by"), _("the person who took the goods"))
    )
    signed_at: Mapped[dt.datetime | None] = mapped_column(
        UTCDateTime(), nullable=True, info=info(_("Signed at"))
    )
    refusal_reason: Mapped[str] = mapped_column(
        Text,
        default="",
        info=info(_("Refusal reason"), _("why the recipient refused the goods listed as refused")),
    )
    return_picking_id: Mapped[int | None] = mapped_column(
        ForeignKey("stock_picking.id"),
        nullable=True,
        index=True,
        info=info(_("Return"), _("the receipt bringing refused goods back"), readonly=True),
    )
    note: Mapped[str] = mapped_column(Text, default="", info=info(_("Notes")))

    @declared_attr
    def carrier(cls) -> Mapped[Any]:
        return many2one(cls, "Carrier", "carrier_id")

    @declared_attr
    def partner(cls) -> Mapped[Any]:
        return many2one(cls, "Partner", "partner_id")

    @declared_attr
    def picking(cls) -> Mapped[Any]:
        return many2one(cls, "StockPicking", "picking_id")

    @declared_attr
    def return_picking(cls) -> Mapped[Any]:
        return many2one(cls, "StockPicking", "return_picking_id")

    @declared_attr
    def refusals(cls) -> Mapped[list[Any]]:
        return one2many(
            cls,
            "Refusal",
            "shipment_id",
            order_by="id",
            cascade="all, delete-orphan",
            back_populates="shipment",
        )

    @declared_attr
    def company(cls) -> Mapped[Any]:
        return many2one(cls, "Company", "company_id")

    @declared_attr
    def packages(cls) -> Mapped[list[Any]]:
        return one2many(cls, "Package", "shipment_id", back_populates="shipment")

    @declared_attr
    def events(cls) -> Mapped[list[Any]]:
        return one2many(
            cls,
            "TrackingEvent",
            "shipment_id",
            order_by="time",
            cascade="all, delete-orphan",
            back_populates="shipment",
        )

    def __immutable__(self, changed: set[str]) -> Any:
        """A signed shipment is the record of the hand-over: nothing changes after signing
        (the signing move itself writes the time and the closing status with the state, and
        the return receipt of refused goods right after)."""
        if self.state == "signed" and "state" not in changed and changed != {"return_picking_id"}:
            return _("shipment %(name)s is signed and cannot be changed", name=self.name)
        if (
            self.state == "cancelled"
            and "state" not in changed
            and changed != {"return_picking_id"}
        ):
            return _("shipment %(name)s is cancelled and cannot be changed", name=self.name)
        return None

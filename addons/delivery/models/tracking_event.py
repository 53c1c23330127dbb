"""``delivery.tracking.event``: one step of a shipment's timeline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from addons.delivery.selections import EVENT_KINDS
from kernel import UTCDateTime, _, info, many2one, model, utcnow
from kernel.errors import ValidationError


@model("delivery.tracking.event", _("Tracking event"), order="shipment_id,time,id")
class TrackingEvent:
    """Staff (or a carrier) report where the goods are; the latest event sets the status.

    ``location`` and ``description`` are shown to the customer on the tracking page.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(
        ForeignKey("delivery_shipment.id", ondelete="CASCADE"),
        index=True,
        info=info(_("Shipment")),
    )
    time: Mapped[dt.datetime] = mapped_column(
        UTCDateTime(), default=utcnow, index=True, info=info(_("Time"))
    )
    kind: Mapped[str] = mapped_column(
        String(24), default="in_transit", info=info(_("Event"), selection=EVENT_KINDS)
    )
    location: Mapped[str] = mapped_column(String(128), default="", info=info(_("Location")))
    description: Mapped[str] = mapped_column(String(255), default="", info=info(_("Description")))
    source_key: Mapped[str | None] = mapped_column(
        String(200),
        nullable=True,
        unique=True,
        info=info(
            _("Carrier event"),
            _("the carrier's id of the event: recorded once (webhook and status refresh)"),
            readonly=True,
        ),
    )

    @declared_attr
    def shipment(cls) -> Mapped[Any]:
        return many2one(cls, "Shipment", "shipment_id", back_populates="events")

    def __on_create__(self, env: Any) -> None:
        self._follow(env)

    def __on_write__(self, env: Any, changed: set[str]) -> None:
        self._follow(env)

    def _follow(self, env: Any) -> None:
        from addons.delivery.services.tracking import follow_event

        if self.kind is None:  # left out (an API client): the column's default, as inserted
            self.kind = "in_transit"
        if self.kind not in dict(EVENT_KINDS):
            raise ValidationError(_("Event: unknown kind %(kind)s", kind=self.kind), field="kind")
        follow_event(env, self)

    def __immutable__(self, changed: set[str]) -> Any:
        shipment = self.shipment
        if shipment is not None and shipment.state == "signed":
            return _("the shipment is signed: its timeline is closed")
        return None

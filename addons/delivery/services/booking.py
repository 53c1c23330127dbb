"""Shipments and their carrier's connector: booking, status updates, cancelling.

Every call goes through the connector hooks (:class:`~addons.delivery.hookspecs.DeliveryHooks`),
so the services never know which carrier API is behind a carrier. Status updates
from a poll and from the webhook share one record of the carrier's event ids
(``delivery.tracking.event.source_key``), which makes them idempotent together.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from addons.delivery.hookspecs import DeliveryHooks
from addons.delivery.types import StatusUpdate
from kernel.errors import ConflictError, ValidationError
from kernel.i18n import _

if TYPE_CHECKING:
    from kernel.env import Env


def _no_connector(carrier: Any) -> ValidationError:
    return ValidationError(
        _(
            "Carrier %(carrier)s: no installed connector handles %(connector)s",
            carrier=carrier.name,
            connector=carrier.connector,
        ),
        field="connector",
    )


def book(env: Env, carrier: Any, shipment: Any) -> None:
    """Book ``shipment`` with its carrier: its tracking number, and the carrier's label if any."""
    booking = DeliveryHooks(env).delivery_book_shipment(env=env, carrier=carrier, shipment=shipment)
    if booking is None:
        raise _no_connector(carrier)
    shipment.tracking_number = booking.tracking_number[:64]
    shipment.carrier_reference = booking.reference[:64]
    if booking.label:
        env.session.add(
            env["ir.attachment"](
                model="delivery.shipment",
                res_id=shipment.id,
                filename=booking.label_filename[:255],
                mimetype=booking.label_mimetype,
                size=len(booking.label),
                content=booking.label,
                created_by=env.uid,
            )
        )
    env.session.flush()


def source_key(carrier_id: int, event_id: str) -> str:
    """The stored key of a carrier's event: event ids are unique per carrier only."""
    return f"{carrier_id}:{event_id}"


def is_recorded(env: Env, carrier_id: int, event_id: str) -> bool:
    Event = env["delivery.tracking.event"]
    key = source_key(carrier_id, event_id)
    return env.session.scalar(select(Event.id).where(Event.source_key == key)) is not None


def record_update(env: Env, shipment: Any, update: StatusUpdate) -> Any:
    """Append a carrier's event to the timeline; a replayed event id is refused (409)."""
    if shipment.state != "shipped":
        raise ConflictError(
            _("shipment %(name)s is closed: its timeline takes no more events", name=shipment.name)
        )
    if is_recorded(env, shipment.carrier_id, update.event_id):
        raise ConflictError(
            _("event %(event)s was recorded already", event=update.event_id), field="id"
        )
    event = env["delivery.tracking.event"](
        shipment_id=shipment.id,
        time=update.time,
        kind=update.kind,
        location=update.location,
        description=update.description,
        source_key=source_key(shipment.carrier_id, update.event_id),
    )
    env.session.add(event)
    env.session.flush()
    return event


def refresh_status(env: Env, shipment: Any) -> list[Any]:
    """Ask the carrier for the shipment's timeline; append the events not recorded yet."""
    carrier = shipment.carrier
    updates = DeliveryHooks(env).delivery_fetch_status(env=env, carrier=carrier, shipment=shipment)
    if updates is None:
        raise _no_connector(carrier)
    added = []
    for update in sorted(updates, key=lambda u: u.time):
        if shipment.state == "shipped" and not is_recorded(env, carrier.id, update.event_id):
            added.append(record_update(env, shipment, update))
    return added


def cancel_booking(env: Env, shipment: Any) -> None:
    """Tell the carrier the shipment is off (a workflow action of Cancel)."""
    carrier = shipment.carrier
    done = DeliveryHooks(env).delivery_cancel_shipment(env=env, carrier=carrier, shipment=shipment)
    if done is None:
        raise _no_connector(carrier)
    if not done:
        raise ConflictError(
            _(
                "Carrier %(carrier)s did not cancel shipment %(name)s",
                carrier=carrier.name,
                name=shipment.name,
            )
        )

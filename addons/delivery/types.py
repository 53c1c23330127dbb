"""Values carrier connectors hand back (see the connector hooks in :mod:`addons.delivery.hookspecs`).

Plain frozen dataclasses, so a connector written in another addon needs nothing
from delivery's models to answer, and the shipment services can trust their shape.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Booking:
    """A carrier accepted a shipment.

    ``tracking_number`` is what the customer and the carrier's own site know the
    parcel by; ``reference`` the carrier's id of the booking if it differs (kept
    for cancelling); ``label`` the carrier's label document, if it made one (stored
    as an attachment of the shipment).
    """

    tracking_number: str
    reference: str = ""
    label: bytes | None = None
    label_filename: str = "label.pdf"
    label_mimetype: str = "application/pdf"


@dataclass(frozen=True)
class StatusUpdate:
    """One step of the timeline as a carrier reports it.

    ``event_id`` is the carrier's unique id of the step: recording the same id twice
    for one carrier is refused, so a webhook retried by the carrier or a status poll
    that overlaps a webhook never doubles the timeline. ``kind`` is one of
    :data:`addons.delivery.selections.EVENT_KINDS`.
    """

    event_id: str
    kind: str
    time: dt.datetime
    location: str = ""
    description: str = ""

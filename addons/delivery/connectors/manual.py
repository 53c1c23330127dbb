"""The built-in connector, ``manual``: the own fleet, or a carrier without an API.

Tracking numbers are made here (the carrier's code and the shipment's digits),
there is no label beyond the waybill, and the timeline is what staff enter.
"""

from __future__ import annotations

from typing import Any

from addons.delivery.types import Booking, StatusUpdate
from kernel import hookimpl

CODE = "manual"


def tracking_number(carrier: Any, name: str) -> str:
    """The carrier's code and the digits of the shipment's number: ``SF000123``."""
    digits = "".join(c for c in name if c.isdigit())
    return f"{carrier.code or 'SP'}{digits}"


@hookimpl
def delivery_book_shipment(env: Any, carrier: Any, shipment: Any) -> Booking | None:
    if (carrier.connector or CODE) != CODE:
        return None
    return Booking(tracking_number=tracking_number(carrier, shipment.name))


@hookimpl
def delivery_fetch_status(env: Any, carrier: Any, shipment: Any) -> list[StatusUpdate] | None:
    """Nothing to fetch: staff keep the timeline of their own fleet."""
    if (carrier.connector or CODE) != CODE:
        return None
    return []


@hookimpl
def delivery_cancel_shipment(env: Any, carrier: Any, shipment: Any) -> bool | None:
    if (carrier.connector or CODE) != CODE:
        return None
    return True

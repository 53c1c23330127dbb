"""The tracking timeline: events set the shipment's status; the token opens the public page."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from kernel import utcnow

if TYPE_CHECKING:
    from kernel.env import Env


def new_token() -> str:
    """An unguessable key for the public tracking page (192 random bits, URL-safe)."""
    return secrets.token_urlsafe(24)


def follow_event(env: Env, event: Any) -> None:
    """Make the shipment's status the kind of its latest event (this one unless a later exists)."""
    if event.time is None:
        event.time = utcnow()
    shipment = event.shipment
    if shipment is None:
        shipment = env.get("delivery.shipment", event.shipment_id)
    Event = type(event)
    query = select(func.max(Event.time)).where(Event.shipment_id == shipment.id)
    if event.id is not None:
        query = query.where(Event.id != event.id)
    with env.session.no_autoflush:
        latest = env.session.scalar(query)
    is_latest = latest is None or _aware(event.time) >= _aware(latest)
    if is_latest and shipment.status != event.kind:
        shipment.status = event.kind


def _aware(moment: Any) -> Any:
    import datetime as dt

    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)

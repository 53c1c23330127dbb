"""Reading a carrier's status event (webhook body or polled history) into a StatusUpdate."""

from __future__ import annotations

import datetime as dt
from typing import Any

from addons.delivery.selections import EVENT_KINDS
from addons.delivery.types import StatusUpdate
from kernel.errors import ValidationError
from kernel.i18n import _

MAX_TEXT = {"id": 128, "location": 128, "description": 255, "tracking_number": 64}


def text_field(data: dict[str, Any], name: str, key: str, *, required: bool) -> str:
    """``data[key]`` as stripped text, refused (naming ``name``) when not text or too long."""
    raw = data.get(key)
    if raw is None or raw == "":
        if required:
            raise ValidationError(_("%(field)s is required", field=name), field=name)
        return ""
    if not isinstance(raw, str | int) or isinstance(raw, bool):
        raise ValidationError(_("%(field)s: must be text", field=name), field=name)
    text = str(raw).strip()
    if len(text) > MAX_TEXT.get(name, 255):
        raise ValidationError(
            _("%(field)s: at most %(max)s characters", field=name, max=MAX_TEXT.get(name, 255)),
            field=name,
        )
    return text


def parse_time(raw: Any, name: str = "time") -> dt.datetime:
    """An ISO 8601 moment; without an offset it is read as UTC."""
    if not isinstance(raw, str):
        raise ValidationError(_("%(field)s is required", field=name), field=name)
    try:
        moment = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(
            _("%(field)s: not an ISO 8601 date and time", field=name), field=name
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def parse_update(data: Any) -> StatusUpdate:
    """A carrier's event ``{"id", "kind", "time", "location"?, "description"?}``."""
    if not isinstance(data, dict):
        raise ValidationError(_("body: must be a JSON object"), field="body")
    kind = text_field(data, "kind", "kind", required=True)
    if kind not in dict(EVENT_KINDS):
        raise ValidationError(_("kind: unknown event %(kind)s", kind=kind), field="kind")
    return StatusUpdate(
        event_id=text_field(data, "id", "id", required=True),
        kind=kind,
        time=parse_time(data.get("time")),
        location=text_field(data, "location", "location", required=False),
        description=text_field(data, "description", "description", required=False),
    )

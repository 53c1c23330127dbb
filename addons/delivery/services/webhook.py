"""Status updates pushed by carriers: ``POST /api/delivery/webhook/<carrier id>``.

The carrier signs the raw body with the carrier account's webhook secret
(HMAC-SHA256, hex, in the ``X-Carrier-Signature`` header as ``sha256=<hex>``).
The body is one event, ``{"id", "tracking_number", "kind", "time", "location"?,
"description"?}``. Why each refusal is a 4xx that writes nothing (the request is
one unit of work and every check comes before the one insert):

* no such carrier, or no webhook secret set → 404 (nothing to check against);
* a signature that does not match → 403 (anybody can reach the URL);
* a body that is not a valid event → 422 naming the field;
* no shipment of this carrier with that tracking number → 404;
* an event id recorded before (a carrier retrying, or a replay) → 409, so an
  event is in the timeline once, whichever way (webhook or refresh) it came.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from addons.delivery.connectors.status import parse_update, text_field
from addons.delivery.services.booking import record_update
from kernel.errors import AccessDenied, NotFound, ValidationError
from kernel.i18n import _

if TYPE_CHECKING:
    from kernel.env import Env

SIGNATURE_HEADER = "X-Carrier-Signature"


def sign(secret: str, body: bytes) -> str:
    """The header value a carrier sends for ``body``: ``sha256=<hex digest>``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_matches(secret: str, body: bytes, header: str) -> bool:
    """Constant-time comparison; the ``sha256=`` prefix may be left out."""
    given = header.strip()
    if not given.startswith("sha256="):
        given = "sha256=" + given
    return hmac.compare_digest(sign(secret, body), given)


def _secret_of(env: Env, carrier_id: int) -> str:
    Account = env["delivery.carrier.account"]
    secret = env.session.scalar(
        select(Account.webhook_secret).where(Account.carrier_id == carrier_id)
    )
    if not secret:
        raise NotFound(_("no carrier #%(id)s receives status updates here", id=carrier_id))
    return str(secret)


def receive_event(env: Env, carrier_id: int, body: bytes, signature: str) -> Any:
    """Check and record one pushed event; returns the new timeline event."""
    if not signature_matches(_secret_of(env, carrier_id), body, signature):
        raise AccessDenied(
            _("the signature of the status update does not match"), field=SIGNATURE_HEADER
        )
    try:
        data = json.loads(body)
    except ValueError:
        raise ValidationError(_("body: must be a JSON object"), field="body") from None
    update = parse_update(data)
    number = text_field(data, "tracking_number", "tracking_number", required=True)
    Shipment = env["delivery.shipment"]
    shipment = env.session.scalars(
        select(Shipment)
        .where(Shipment.carrier_id == carrier_id, Shipment.tracking_number == number)
        .order_by(Shipment.id.desc())
        .limit(1)
    ).first()
    if shipment is None:
        raise NotFound(
            _("no shipment %(number)s with this carrier", number=number), field="tracking_number"
        )
    return record_update(env, shipment, update)

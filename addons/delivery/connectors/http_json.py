"""``http_json``: the reference connector for a generic JSON carrier API.

The API it speaks, so that a carrier's adapter (or the tests' fake carrier) can
match it; every call carries ``Authorization: Bearer <API key>``:

* ``POST {endpoint}/shipments`` with the shipment (reference, recipient, ship
  date, packages) and an ``Idempotency-Key`` (:func:`booking_key`) → ``201
  {"tracking_number", "id"?, "label_pdf"?}`` (the label base64-encoded); the same
  key must answer the same booking (a retry after a timeout books once);
* ``GET {endpoint}/shipments/{tracking_number}/events`` →
  ``200 {"events": [{"id", "kind", "time", "location"?, "description"?}]}``;
* ``POST {endpoint}/shipments/{tracking_number}/cancel`` → ``200 {"cancelled": true}``.

Why the care with failures: the call runs inside the user's transaction (the
validation of a delivery), so it must end quickly and say what went wrong.
Each request has the account's timeout; timeouts, connection errors and 5xx
answers are tried again up to the account's ``retries`` with a doubling pause
(0.2 s, 0.4 s …), then :class:`~addons.delivery.errors.CarrierUnavailable` (503).
A 4xx is the carrier refusing the data, which a retry would not change: a 422
with the carrier's own reason. Messages are translated; nothing is written.
"""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx
from sqlalchemy import select

from addons.delivery.connectors.status import parse_update, text_field
from addons.delivery.errors import CarrierUnavailable
from addons.delivery.types import Booking, StatusUpdate
from kernel import hookimpl
from kernel.errors import ValidationError
from kernel.i18n import _

CODE = "http_json"
BACKOFF = 0.2


class CarrierApi:
    """Calls of one carrier's API with its account's endpoint, key, timeout and retries."""

    def __init__(
        self,
        carrier_name: str,
        account: Any,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.name = carrier_name
        self.endpoint = (account.endpoint or "").rstrip("/")
        self.timeout = int(account.timeout_ms or 10000) / 1000
        self.tries = 1 + int(account.retries or 0)
        self.headers = {"Accept": "application/json"}
        if account.api_key:
            self.headers["Authorization"] = f"Bearer {account.api_key}"
        self.transport = transport
        self.sleep = sleep

    def call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        idempotency_key: str = "",
    ) -> dict[str, Any]:
        """The JSON object the carrier answered, after the retries the account allows.

        ``idempotency_key`` goes out as ``Idempotency-Key`` on every try: a request that
        timed out may still have been carried out, and the retry must not book twice.
        """
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        failure: Any = None
        with httpx.Client(
            timeout=httpx.Timeout(self.timeout),
            headers=self.headers,
            transport=self.transport,
            follow_redirects=False,
        ) as client:
            for attempt in range(self.tries):
                if attempt:
                    self.sleep(BACKOFF * (2 ** (attempt - 1)))
                try:
                    response = client.request(
                        method, f"{self.endpoint}{path}", json=body, headers=headers
                    )
                except httpx.TimeoutException:
                    seconds = format(self.timeout, "g")
                    failure = _(
                        "Carrier %(carrier)s did not answer within %(seconds)s s "
                        "(%(tries)s tries); try again later",
                        carrier=self.name,
                        seconds=seconds,
                        tries=attempt + 1,
                    )
                    continue
                except httpx.HTTPError:
                    failure = _(
                        "Carrier %(carrier)s cannot be reached (%(tries)s tries); try again later",
                        carrier=self.name,
                        tries=attempt + 1,
                    )
                    continue
                if response.status_code >= 500:
                    failure = _(
                        "Carrier %(carrier)s reported an error (HTTP %(status)s, %(tries)s "
                        "tries); try again later",
                        carrier=self.name,
                        status=response.status_code,
                        tries=attempt + 1,
                    )
                    continue
                return self._answer(response)
        raise CarrierUnavailable(failure)

    def _answer(self, response: httpx.Response) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code >= 400:
            reason = "HTTP " + str(response.status_code)
            if isinstance(data, dict):
                said = data.get("detail") or data.get("message") or data.get("error")
                reason = str(said)[:200] if said else reason
            raise ValidationError(
                _(
                    "Carrier %(carrier)s refused the request: %(reason)s",
                    carrier=self.name,
                    reason=reason,
                ),
                field="carrier_id",
            )
        if not isinstance(data, dict):
            raise CarrierUnavailable(
                _("Carrier %(carrier)s sent an answer that cannot be read", carrier=self.name)
            )
        return data

    def unreadable(self) -> CarrierUnavailable:
        return CarrierUnavailable(
            _("Carrier %(carrier)s sent an answer that cannot be read", carrier=self.name)
        )


def api_of(env: Any, carrier: Any) -> CarrierApi:
    """The carrier's API client; its account is read with delivery's rights, not the user's
    (a stock user validating a delivery may not see the API key)."""
    Account = env["delivery.carrier.account"]
    with env.sudo("the carrier connector reads the carrier's API account"):
        account = env.session.scalars(
            select(Account).where(Account.carrier_id == carrier.id)
        ).first()
        if account is None or not account.endpoint:
            raise ValidationError(
                _(
                    "Carrier %(carrier)s: enter its API endpoint under Carrier accounts",
                    carrier=carrier.name,
                ),
                field="connector",
            )
        return CarrierApi(carrier.name, account)


def shipment_payload(shipment: Any) -> dict[str, Any]:
    """What the carrier needs to pick the parcels up and bring them: no prices."""
    partner = shipment.partner
    recipient: dict[str, Any] = {}
    if partner is not None:
        recipient = {
            "name": partner.name,
            "street": partner.street or "",
            "city": partner.city or "",
            "zip": partner.zip or "",
            "state": partner.state.code if partner.state is not None else "",
            "country": partner.country.code if partner.country is not None else "",
            "phone": partner.phone or "",
        }
    return {
        "reference": shipment.name,
        "order": shipment.origin or "",
        "ship_date": shipment.ship_date.isoformat(),
        "recipient": recipient,
        "packages": [
            {
                "name": p.name,
                "weight_kg": str(p.weight),
                "length_cm": str(p.length),
                "width_cm": str(p.width),
                "height_cm": str(p.height),
            }
            for p in shipment.packages
        ],
    }


def booking_key(shipment: Any) -> str:
    """The ``Idempotency-Key`` of a booking: the delivery's and the shipment's numbers.

    The same on every try and on a retried transaction (the shipment number is drawn
    again from a counter that rolled back with it). The delivery's number is part of
    it so that, if a validation rolled back after booking and another delivery drew
    that shipment number, the other delivery cannot be handed the first one's booking.
    """
    return f"{shipment.picking.name}:{shipment.name}"


@hookimpl
def delivery_book_shipment(env: Any, carrier: Any, shipment: Any) -> Booking | None:
    if carrier.connector != CODE:
        return None
    api = api_of(env, carrier)
    data = api.call(
        "POST", "/shipments", shipment_payload(shipment), idempotency_key=booking_key(shipment)
    )
    try:
        number = text_field(data, "tracking_number", "tracking_number", required=True)
        label = (
            base64.b64decode(data["label_pdf"], validate=True) if data.get("label_pdf") else None
        )
    except (ValidationError, binascii.Error, TypeError):
        raise api.unreadable() from None
    return Booking(
        tracking_number=number,
        reference=str(data.get("id") or "")[:64],
        label=label,
        label_filename=f"label-{number}.pdf",
    )


@hookimpl
def delivery_fetch_status(env: Any, carrier: Any, shipment: Any) -> list[StatusUpdate] | None:
    if carrier.connector != CODE:
        return None
    api = api_of(env, carrier)
    data = api.call("GET", f"/shipments/{quote(shipment.tracking_number, safe='')}/events")
    events = data.get("events")
    if not isinstance(events, list):
        raise api.unreadable()
    try:
        return [parse_update(item) for item in events]
    except ValidationError:
        raise api.unreadable() from None


@hookimpl
def delivery_cancel_shipment(env: Any, carrier: Any, shipment: Any) -> bool | None:
    if carrier.connector != CODE:
        return None
    api = api_of(env, carrier)
    data = api.call("POST", f"/shipments/{quote(shipment.tracking_number, safe='')}/cancel")
    return bool(data.get("cancelled"))

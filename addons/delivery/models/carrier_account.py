"""``delivery.carrier.account``: where and how to reach a carrier's API, and its secrets."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from kernel import _, info, many2one, model
from kernel.errors import ValidationError


@model("delivery.carrier.account", _("Carrier account"), rec_name="endpoint", order="carrier_id")
class CarrierAccount:
    """The API endpoint and credentials of a carrier with an API connector.

    A model of its own, not columns of the carrier, because every internal user
    reads carriers (prices on orders) while only delivery managers may see the
    API key and the webhook secret: the access rights of this model say so.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    carrier_id: Mapped[int] = mapped_column(
        ForeignKey("delivery_carrier.id", ondelete="CASCADE"),
        unique=True,
        info=info(_("Carrier")),
    )
    endpoint: Mapped[str] = mapped_column(
        String(255),
        default="",
        info=info(_("API endpoint"), _("base URL of the carrier's API, https://…")),
    )
    api_key: Mapped[str] = mapped_column(
        String(255), default="", info=info(_("API key"), _("sent as a bearer token"))
    )
    webhook_secret: Mapped[str] = mapped_column(
        String(255),
        default="",
        info=info(
            _("Webhook secret"),
            _("the carrier signs status updates with it (HMAC-SHA256 of the body)"),
        ),
    )
    timeout_ms: Mapped[int] = mapped_column(
        Integer,
        default=10000,
        info=info(_("Timeout (ms)"), _("per request; the carrier is tried again after it")),
    )
    retries: Mapped[int] = mapped_column(
        Integer,
        default=2,
        info=info(_("Retries"), _("further tries after a timeout or a server error")),
    )

    @declared_attr
    def carrier(cls) -> Mapped[Any]:
        return many2one(cls, "Carrier", "carrier_id")

    def __on_create__(self, env: Any) -> None:
        self._check()

    def __on_write__(self, env: Any, changed: set[str]) -> None:
        self._check()

    def _check(self) -> None:
        endpoint = (self.endpoint or "").strip()
        if endpoint and not endpoint.startswith(("https://", "http://")):
            raise ValidationError(
                _("API endpoint: must start with https:// (or http://)"), field="endpoint"
            )
        if not 100 <= int(self.timeout_ms if self.timeout_ms is not None else 10000) <= 120000:
            raise ValidationError(
                _("Timeout (ms): must be between 100 and 120000"), field="timeout_ms"
            )
        if not 0 <= int(self.retries if self.retries is not None else 2) <= 5:
            raise ValidationError(_("Retries: must be between 0 and 5"), field="retries")

"""Errors of carrier connectors, shown to the user in their language (never a 500)."""

from __future__ import annotations

from kernel.errors import UserError


class CarrierUnavailable(UserError):
    """The carrier did not answer usefully (timed out, unreachable, 5xx after the retries).

    503 with ``Retry-After``: nothing was written, and the same request may succeed later.
    A carrier that *refuses* the request (4xx) is a :class:`kernel.errors.ValidationError`
    instead: retrying the same data would fail the same way.
    """

    status = 503
    title = "Carrier unavailable"

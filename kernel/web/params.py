"""Range checks on numbers that arrive in a request's path and query, before any query runs.

Why here, once: Python integers have no size, database integers do. An id like
``675059998389150154752`` in ``/api/v1/sale.order/{id}`` or an ``offset`` beyond
64 bits would reach the driver and fail there as a 500. Every route's integer
path parameters are checked by :func:`check_path_numbers` (an app-wide
``before_request``), and query parameters by :func:`whole_number`, so the client
gets a 422 problem+json naming the parameter instead.
"""

from __future__ import annotations

from typing import Any

from kernel.errors import ValidationError
from kernel.i18n import _

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


def check_int64(name: str, value: int) -> int:
    """``value`` if a 64-bit database integer can hold it, else a 422 naming ``name``."""
    if not INT64_MIN <= value <= INT64_MAX:
        raise ValidationError(
            _("%(param)s is out of range (at most %(max)s)", param=name, max=INT64_MAX),
            field=name,
        )
    return value


def whole_number(
    name: str, raw: str | None, default: int, *, minimum: int = 0, maximum: int = INT64_MAX
) -> int:
    """A query parameter as an int within ``minimum..maximum``; missing → ``default``."""
    if raw is None or raw.strip() == "":
        return default
    try:
        number = int(raw)
    except ValueError:
        raise ValidationError(
            _("%(param)s must be a whole number", param=name), field=name
        ) from None
    if not minimum <= number <= maximum:
        raise ValidationError(
            _(
                "%(param)s must be between %(min)s and %(max)s",
                param=name,
                min=minimum,
                max=maximum,
            ),
            field=name,
        )
    return number


async def check_path_numbers(request: Any) -> None:
    """``before_request`` of the whole app: integer path parameters must fit 64 bits."""
    for name, value in (request.scope.get("path_params") or {}).items():
        if isinstance(value, int) and not isinstance(value, bool):
            if request.url.path.startswith("/app/") and not INT64_MIN <= value <= INT64_MAX:
                # a screen of a record that cannot exist: what any missing record answers
                from kernel.errors import NotFound

                raise NotFound(_("there is no screen at %(url)s", url=request.url.path))
            check_int64(name, value)

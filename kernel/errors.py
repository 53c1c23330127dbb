"""Errors a user can read: each carries a translatable message and, where it applies, a field.

Every layer (web, API, CLI) turns a :class:`UserError` into the right shape —
a form message, an ``application/problem+json`` body, one line on stderr — and
never into a traceback. Anything that is not a ``UserError`` is a bug.
"""

from __future__ import annotations

from typing import Any

from kernel.i18n import LazyString


class UserError(Exception):
    """A problem the user can fix; ``status`` is the HTTP status it maps to."""

    status = 400
    title = "Bad request"

    def __init__(
        self,
        message: str | LazyString,
        *,
        field: str | None = None,
        fields: dict[str, str | LazyString] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        self.fields: dict[str, str | LazyString] = dict(fields or {})
        if field is not None:
            self.fields.setdefault(field, message)
        self.extra = extra

    def __str__(self) -> str:
        return str(self.message)


class ValidationError(UserError):
    """Input that breaks a rule of the model (422)."""

    status = 422
    title = "Validation failed"


class AccessDenied(UserError):
    """The user's groups do not allow this operation (403)."""

    status = 403
    title = "Forbidden"


class NotOffered(UserError):
    """The operation does not exist for this model (stock on hand is never created by hand) (405)."""

    status = 405
    title = "Method not allowed"


class NotFound(UserError):
    status = 404
    title = "Not found"


class ConflictError(UserError):
    """The document is not in a state that allows this (409)."""

    status = 409
    title = "Conflict"


class WorkflowError(ConflictError):
    """An illegal workflow move."""


class RetryLater(UserError):
    """A concurrent change kept winning; nothing was written (503)."""

    status = 503
    title = "Please retry"


class TooLarge(UserError):
    """A request body over the server's limit (413)."""

    status = 413
    title = "Request too large"


class TooManyRequests(UserError):
    """A rate limit was reached (429); ``retry_after``: seconds until a request may pass."""

    status = 429
    title = "Too many requests"

    def __init__(self, message: str | LazyString, *, retry_after: int, **extra: Any) -> None:
        super().__init__(message, **extra)
        self.retry_after = max(1, int(retry_after))


class AddonError(UserError):
    """An addon cannot be found, resolved, installed or uninstalled."""

    status = 400
    title = "Addon error"

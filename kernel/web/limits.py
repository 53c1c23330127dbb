"""Limits on request bodies: JSON at most 1 MiB and 32 levels deep, anything else 20 MiB.

Why: a 1,000-deep JSON array made Python's parser raise ``RecursionError``,
answered as a 500; a many-megabyte JSON body costs memory and parsing time in a
worker before any access check. Forms with file uploads need more room, so the
app-wide cap (``request_max_body_size``) stays larger and this middleware
narrows it for JSON.

Which bodies count as JSON: a ``Content-Type`` mentioning ``json``, and every
body sent to ``/api/`` that is not a form (the generic API parses whatever it is
given as JSON). The check runs before the handler, so the answer is a 413 or a
422 problem+json naming the limit, from every route alike.
"""

from __future__ import annotations

import re

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, ReceiveMessage, Scope, Send

from kernel.errors import TooLarge, ValidationError
from kernel.i18n import _

MAX_BODY = 20 * 1024 * 1024
MAX_JSON_BODY = 1024 * 1024
MAX_JSON_DEPTH = 32

_FORMS = (b"multipart/form-data", b"application/x-www-form-urlencoded")
# a JSON string, escapes included (the "unrolled loop" form: no backtracking per character)
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_OPENING = frozenset(b"[{")


def json_too_deep(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether ``raw`` nests arrays/objects more than ``limit`` deep (without parsing it).

    Brackets inside strings do not count. Cheap for ordinary bodies: when there
    are no more opening brackets than the limit, nothing is scanned.
    """
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    brackets = _STRING.sub(b'""', raw).translate(None, _NOT_BRACKETS)
    depth = 0
    for byte in brackets:
        if byte in _OPENING:
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


# \uD800-\uDBFF not followed by \uDC00-\uDFFF, or the latter without the former: JSON
# parses them into Python text that no database (nor UTF-8) can store.
_LONE_SURROGATE = re.compile(
    rb"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    rb"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def has_lone_surrogate(raw: bytes) -> bool:
    """Whether ``raw`` escapes half of a UTF-16 pair on its own (``"\ud867"``)."""
    return b"\\u" in raw and _LONE_SURROGATE.search(raw) is not None


def lone_surrogate_error() -> ValidationError:
    return ValidationError(
        _("The JSON body contains text that is not valid Unicode (half of a surrogate pair)."),
        field="body",
    )


def too_deep_error(limit: int = MAX_JSON_DEPTH) -> ValidationError:
    return ValidationError(
        _("The JSON body is nested more than %(limit)s levels deep.", limit=limit), field="body"
    )


def too_large_error(limit: int) -> TooLarge:
    return TooLarge(
        _(
            "The request body is larger than %(limit)s KiB, the most this address accepts.",
            limit=limit // 1024,
        ),
        field="body",
    )


def _header(scope: Scope, name: bytes) -> bytes:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value)
    return b""


def is_json_body(scope: Scope) -> bool:
    content_type = _header(scope, b"content-type").lower()
    if b"json" in content_type:
        return True
    return str(scope.get("path", "")).startswith("/api/") and not content_type.startswith(_FORMS)


class JsonBodyLimitsMiddleware:
    """Reads a JSON body up to :data:`MAX_JSON_BODY`, checks its depth, then hands it on.

    Raises :class:`~kernel.errors.TooLarge` (413) or
    :class:`~kernel.errors.ValidationError` (422); the app's error handlers turn
    them into problem+json in the request's language.
    """

    def __init__(
        self, app: ASGIApp, max_size: int = MAX_JSON_BODY, max_depth: int = MAX_JSON_DEPTH
    ) -> None:
        self.app = app
        self.max_size = max_size
        self.max_depth = max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or not is_json_body(scope):
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared.isdigit() and int(declared) > self.max_size:
            raise too_large_error(self.max_size)
        body = bytearray()
        last: ReceiveMessage | None = None
        while True:
            message = await receive()
            if message["type"] != "http.request":
                last = message  # the client went away: let the app see it
                break
            body += message.get("body", b"")
            if len(body) > self.max_size:
                raise too_large_error(self.max_size)
            if not message.get("more_body", False):
                break
        if json_too_deep(bytes(body), self.max_depth):
            raise too_deep_error(self.max_depth)
        if has_lone_surrogate(bytes(body)):
            raise lone_surrogate_error()
        await self.app(scope, _replay(bytes(body), last, receive), send)


def _replay(body: bytes, last: ReceiveMessage | None, receive: Receive) -> Receive:
    """A ``receive`` that gives the buffered body once, then defers to the real one."""
    pending: list[ReceiveMessage] = [{"type": "http.request", "body": body, "more_body": False}]
    if last is not None:
        pending = [last]

    async def replay() -> ReceiveMessage:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay

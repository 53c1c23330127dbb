"""Request guards of the web host: CSRF (with the API-key exemption) and security headers."""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.middleware.csrf import CSRFMiddleware
from litestar.types import Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

SECURITY_HEADERS: dict[str, str] = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "content-security-policy": CSP,
    "cross-origin-opener-policy": "same-origin",
}


class SuanpanCSRFMiddleware(CSRFMiddleware):
    """Litestar's double-submit CSRF check, skipped for API requests carrying ``Authorization``.

    Such requests authenticate with a bearer key, never with cookies, so a
    forged cross-site request cannot ride on a browser's credentials (and a
    browser cannot add that header cross-site without a CORS preflight).
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/api/"):
            for name, _value in scope.get("headers", []):
                if name == b"authorization":
                    await self.app(scope, receive, send)
                    return
        await super().__call__(scope, receive, send)


async def add_security_headers(message: Message, scope: Scope) -> None:
    """``before_send`` hook: security headers on every response, 404s of unknown paths included.

    (Litestar runs middleware only for matched routes; ``before_send`` wraps the
    whole app.) Headers a handler set itself are kept.
    """
    if message["type"] == "http.response.start":
        headers = MutableScopeHeaders.from_message(message)  # type: ignore[arg-type]
        for key, value in SECURITY_HEADERS.items():
            if key not in headers:
                headers[key] = value

"""Request guards of the web host: CSRF (with the API-key exemption) and security headers."""

from __future__ import annotations

import dataclasses

from litestar.config.csrf import CSRFConfig
from litestar.datastructures import MutableScopeHeaders
from litestar.middleware.csrf import CSRFMiddleware
from litestar.response.base import ASGIResponse
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from kernel.web.context import SCOPE_CSRF_SECRET

#: instances whose CSRF check a shared app keeps ready (beyond, it starts again)
MAX_SECRETS = 256

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

    Tokens are signed with the secret of the request's instance (in its scope,
    :data:`kernel.web.context.SCOPE_CSRF_SECRET`), not one fixed per app: instances with
    the same addons share an app, and a token of one database must not pass in another.
    """

    def __init__(self, app: ASGIApp, config: CSRFConfig) -> None:
        super().__init__(app, config)
        self._by_secret: dict[str, CSRFMiddleware] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if str(scope["type"]) == "http" and scope["path"].startswith("/api/"):
            for name, _value in scope.get("headers", []):
                if name == b"authorization":
                    await self.app(scope, receive, send)
                    return
        if str(scope.get("scheme", "")) == "https" and not self.config.cookie_secure:
            send = _secure_csrf_cookie(send, self.config.cookie_name)
        await self._for(scope).__call__(scope, receive, send)

    def _for(self, scope: Scope) -> CSRFMiddleware:
        """Litestar's middleware configured with the secret of the request's instance."""
        secret: str = scope[SCOPE_CSRF_SECRET]  # type: ignore[literal-required]
        found = self._by_secret.get(secret)
        if found is None:
            if len(self._by_secret) > MAX_SECRETS:
                self._by_secret.clear()
            config = dataclasses.replace(self.config, secret=secret)
            found = self._by_secret[secret] = CSRFMiddleware(self.app, config)
        return found


def _secure_csrf_cookie(send: Send, cookie_name: str) -> Send:
    """Mark the CSRF cookie Secure on https requests (the config is per app, not per request)."""
    prefix = f"{cookie_name}=".encode()

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [
                (k, v + b"; Secure")
                if k == b"set-cookie" and v.startswith(prefix) and b"secure" not in v.lower()
                else (k, v)
                for k, v in message.get("headers", [])
            ]
            message["headers"] = headers
        await send(message)

    return wrapped


async def add_security_headers(message: Message, scope: Scope) -> None:
    """``before_send`` hook: security headers on every response, 404s of unknown paths included.

    (Litestar runs middleware only for matched routes; ``before_send`` wraps the
    whole app.) Headers a handler set itself are kept.
    """
    if message["type"] == "http.response.start":
        headers = MutableScopeHeaders.from_message(message)
        for key, value in SECURITY_HEADERS.items():
            if key not in headers:
                headers[key] = value


def host_allowed(host: str, allowed: list[str]) -> bool:
    """``Host`` header check; the port is ignored (``127.0.0.1:8069`` matches ``127.0.0.1``).

    Patterns: exact names, ``*.example.com`` (any subdomain, not the bare name) and ``*``.
    """
    name = host.strip().lower()
    if name.startswith("["):  # IPv6 literal: [::1]:8069
        name = name[: name.find("]") + 1] if "]" in name else name
    else:
        name = name.rsplit(":", 1)[0] if name.count(":") == 1 else name
    if not name:
        return False
    for pattern in allowed:
        pattern = pattern.strip().lower()
        if pattern == "*" or pattern == name:
            return True
        if pattern.startswith("*.") and name.endswith(pattern[1:]) and len(name) > len(pattern) - 1:
            return True
    return False


class AllowedHostsMiddleware:
    """Refuses requests whose ``Host`` is not one of this server's names (DNS rebinding, poisoned links).

    Litestar's own check compares the header including its port, which refuses
    ``127.0.0.1:8069``; this one compares the name only.
    """

    def __init__(self, app: ASGIApp, allowed_hosts: list[str]) -> None:
        self.app = app
        self.allowed = list(allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            host = ""
            for key, value in scope.get("headers", []):
                if key == b"host":
                    host = value.decode("latin-1")
                    break
            if not host_allowed(host, self.allowed):
                response = ASGIResponse(
                    body=b'{"message":"invalid host header"}',
                    status_code=400,
                    media_type="application/json",
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

"""Assembling the Litestar app of one instance.

``create_app(instance)`` puts together the kernel's sign-in and shell pages, the
generic screens (``kernel.web.ui``) and JSON API (``kernel.web.api``), every
route an installed addon contributes through ``register_routes``, the static
folders (the kernel's ``kernel/web/static`` at ``/static/`` and each addon's at
``/static/<prefix>/``), the Jinja environment, CSRF protection, allowed hosts,
security headers and the error handlers.

All state a request needs (sessions, throttling, the CSRF signing secret,
installed addons) is in the database, so any number of workers built by this
function on the same database behave as one server.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from pathlib import Path
from typing import Any

from litestar import Litestar, Router
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import CacheControlHeader, State
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.static_files import create_static_files_router
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kernel.fields import utcnow
from kernel.hookspecs import KernelHooks
from kernel.instance import Instance
from kernel.web.auth import AUTH_ROUTES
from kernel.web.context import ensure_fresh, on_registry_reload
from kernel.web.errors import EXCEPTION_HANDLERS
from kernel.web.jobs_admin import JOBS_ROUTES
from kernel.web.limits import MAX_BODY, JsonBodyLimitsMiddleware
from kernel.web.mail_admin import MAIL_ROUTES
from kernel.web.middleware import (
    AllowedHostsMiddleware,
    SuanpanCSRFMiddleware,
    add_security_headers,
)
from kernel.web.params import check_path_numbers
from kernel.web.ratelimit import configured_limit
from kernel.web.sessions import system_session
from kernel.web.shell import SHELL_ROUTES
from kernel.web.templating import make_environment
from kernel.web.users_admin import USERS_ROUTES

log = logging.getLogger(__name__)

KERNEL_STATIC = Path(__file__).parent / "static"
DEFAULT_ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver", "testserver.local", "*.localhost"]
SECRET_KEY = "__csrf_secret__"  # not a sha256 hex digest: cannot clash with a session


def web_secret(instance: Instance) -> str:
    """The CSRF signing secret shared by every worker, created once.

    Kept in a reserved ``web.session`` row (revoked, no user, never expiring)
    rather than in ``ir.setting``: internal users may read settings, nobody but
    the kernel reads sessions.
    """
    WebSession = instance.registry["web.session"]
    for _attempt in range(2):
        with system_session(instance, readonly=True) as session:
            data = session.scalar(select(WebSession.data).where(WebSession.sid_hash == SECRET_KEY))
        if data:
            return bytes(data).decode()
        try:
            value = secrets.token_hex(32)
            with system_session(instance) as session:
                session.add(
                    WebSession(
                        sid_hash=SECRET_KEY,
                        user_id=None,
                        data=value.encode(),
                        created_at=utcnow(),
                        expires_at=dt.datetime(9999, 12, 31, tzinfo=dt.UTC),
                        revoked=True,
                    )
                )
            return value
        except IntegrityError:  # another worker created it first
            continue
    raise RuntimeError("could not create the web secret")


def _kernel_routes(module: str) -> list[Any]:
    """The generic screens' or the API's routes: a failure to import them stops start-up."""
    import importlib

    mod = importlib.import_module(module)
    attr = "UI_ROUTES" if module.endswith("ui.routes") else "API_ROUTES"
    return list(getattr(mod, attr))


def addon_routes(instance: Instance) -> list[Any]:
    found: list[Any] = []
    KernelHooks(instance.registry.pm).register_routes(register=found.append)
    return found


def addon_static_dirs(instance: Instance) -> list[tuple[str, Path]]:
    found: list[tuple[str, Path]] = []

    def register(prefix: str, path: str | Path) -> None:
        found.append((prefix.strip("/"), Path(path)))

    KernelHooks(instance.registry.pm).register_static_dirs(register=register)
    return found


def addon_static_router(prefix: str, path: Path) -> Router:
    """``/static/<prefix>/`` serving one addon's folder (no long caching: addons change)."""
    return create_static_files_router(
        path=f"/static/{prefix}",
        directories=[path],
        name=f"static_{prefix}",
        cache_control=None,
        include_in_schema=False,
    )


def static_routers(instance: Instance) -> list[Router]:
    routers = [addon_static_router(prefix, path) for prefix, path in addon_static_dirs(instance)]
    routers.append(
        create_static_files_router(
            path="/static",
            directories=[KERNEL_STATIC],
            name="static",
            cache_control=CacheControlHeader(max_age=3600, public=True),
            include_in_schema=False,
        )
    )
    return routers


def create_app(
    instance: Instance,
    *,
    allowed_hosts: list[str] | None = None,
    debug: bool = False,
    secure_cookies: bool | None = None,
    api_rate_limit: int | None = None,
) -> Litestar:
    """The web app of ``instance``.

    ``secure_cookies``: ``None`` marks cookies Secure when the request came over
    https; ``True``/``False`` force it (behind a TLS-terminating proxy, pass True).
    ``api_rate_limit``: requests per minute per API key (``None``: from
    ``SUANPAN_API_RATE_LIMIT`` or the default; 0: unlimited).
    """
    ensure_fresh(instance, force=True)
    secret = web_secret(instance)
    csrf = CSRFConfig(
        secret=secret,
        cookie_name="csrftoken",
        header_name="x-csrftoken",
        cookie_samesite="lax",
        cookie_secure=bool(secure_cookies),
        cookie_httponly=False,
    )
    handlers: list[Any] = [
        *AUTH_ROUTES,
        *SHELL_ROUTES,
        *JOBS_ROUTES,
        *MAIL_ROUTES,
        *USERS_ROUTES,
        *_kernel_routes("kernel.web.ui.routes"),
        *_kernel_routes("kernel.web.api.routes"),
        *addon_routes(instance),
        *static_routers(instance),
    ]
    app = Litestar(
        route_handlers=handlers,
        middleware=[
            DefineMiddleware(
                AllowedHostsMiddleware, allowed_hosts=list(allowed_hosts or DEFAULT_ALLOWED_HOSTS)
            ),
            DefineMiddleware(JsonBodyLimitsMiddleware),
            DefineMiddleware(SuanpanCSRFMiddleware, config=csrf),
        ],
        before_request=_before_request,
        before_send=[add_security_headers],
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=OpenAPIConfig(
            title="Suanpan API",
            version="1.0",
            # Litestar's own description of the handlers (generic ``{model}`` paths);
            # ``/api/schema`` serves the per-model contract built from it
            path="/api/schema/handlers",
            render_plugins=[JsonRenderPlugin()],
        ),
        state=State(
            {
                "instance": instance,
                "secure_cookies": secure_cookies,
                "api_rate_limit": configured_limit(api_rate_limit),
            }
        ),
        debug=debug,
        request_max_body_size=MAX_BODY,
    )
    app.state.jinja = make_environment(instance)
    app.state.addon_handlers = {id(h) for h in handlers}
    app.state.live_addon_functions = _functions(addon_routes(instance))
    app.state.addon_functions = set(app.state.live_addon_functions)
    app.state.static_prefixes = {prefix for prefix, _path in addon_static_dirs(instance)}
    _watch_new_routes(app, instance)
    return app


def _functions(handlers: list[Any]) -> set[int]:
    """The functions behind route handlers (Litestar registers copies of the handlers)."""
    return {id(getattr(h, "fn", h)) for h in handlers}


async def _before_request(request: Any) -> None:
    """Every request: integer path parameters fit 64 bits, and a route of an addon that was
    uninstalled while the server ran answers 404 (Litestar cannot remove a route)."""
    await check_path_numbers(request)
    handler = request.scope.get("route_handler")
    state = request.app.state
    fn = id(getattr(handler, "fn", handler))
    if fn in state.addon_functions and fn not in state.live_addon_functions:
        from kernel.errors import NotFound
        from kernel.i18n import _

        raise NotFound(_("there is no screen at %(url)s", url=request.url.path))


class _AppRef:
    """Held by the app's state and weakly by the reload listeners: a gone app stops listening."""

    def __init__(self, app: Litestar) -> None:
        self.app = app


def _watch_new_routes(app: Litestar, instance: Instance) -> None:
    """Register routes of addons installed after start-up, when the registry is recomposed."""
    ref = _AppRef(app)
    app.state.reload_ref = ref
    on_registry_reload(ref, _register_new_routes)


def _register_new_routes(ref: _AppRef, changed: Instance) -> None:
    """Routes and static folders of addons installed since start-up (their screens,
    menus and templates are looked up per request and need nothing here).

    Litestar cannot remove a route: after an uninstall the addon's handlers stay
    registered until the workers restart, but answer 404 (:func:`_before_request`).
    """
    app = ref.app
    if app.state.instance is not changed:
        return
    known: set[int] = app.state.addon_handlers
    live = addon_routes(changed)
    app.state.live_addon_functions = _functions(live)
    app.state.addon_functions |= app.state.live_addon_functions
    for handler in live:
        if id(handler) in known:
            continue
        try:
            app.register(handler)
            known.add(id(handler))
        except Exception:
            log.exception("could not register a route of a newly installed addon")
    prefixes: set[str] = app.state.static_prefixes
    for prefix, path in addon_static_dirs(changed):
        if prefix in prefixes:
            continue
        try:
            app.register(addon_static_router(prefix, path))
            prefixes.add(prefix)
        except Exception:
            log.exception("could not serve the static files of a newly installed addon")
    _forget_routing(app)


def _forget_routing(app: Litestar) -> None:
    """Drop Litestar's memo of path → handler, which ``register`` does not clear.

    Why: ``/static/<new addon>/x.css`` was answered before by the kernel's
    ``/static/{path}`` handler (a 404 from a handler, so remembered); without
    this the new, more specific route would never be reached.
    """
    cache_clear = getattr(app.asgi_router.handle_routing, "cache_clear", None)
    if cache_clear is not None:
        cache_clear()

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

import contextlib
import datetime as dt
import inspect
import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litestar import Litestar, Router
from litestar.concurrency import sync_to_thread
from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.datastructures import CacheControlHeader, State
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.routes import HTTPRoute, WebSocketRoute
from litestar.static_files import create_static_files_router
from litestar.utils.sync import AsyncCallable
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kernel.caches import Slot
from kernel.fields import utcnow
from kernel.hookspecs import KernelHooks
from kernel.instance import Instance
from kernel.models.registry import Registry
from kernel.web.auth import AUTH_ROUTES
from kernel.web.context import SCOPE_CSRF_SECRET, SCOPE_INSTANCE, ensure_fresh, principal
from kernel.web.deps import DEPENDENCIES, use_worker_threads
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
from kernel.web.users_admin import USERS_ROUTES

log = logging.getLogger(__name__)
_build_lock = threading.Lock()  # one app built at a time: building is CPU-bound anyway

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


def addon_routes(registry: Registry) -> list[Any]:
    found: list[Any] = []
    KernelHooks(registry.pm).register_routes(register=found.append)
    return found


def addon_static_dirs(registry: Registry) -> list[tuple[str, Path]]:
    found: list[tuple[str, Path]] = []

    def register(prefix: str, path: str | Path) -> None:
        found.append((prefix.strip("/"), Path(path)))

    KernelHooks(registry.pm).register_static_dirs(register=register)
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


def static_routers(registry: Registry) -> list[Router]:
    routers = [addon_static_router(prefix, path) for prefix, path in addon_static_dirs(registry)]
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
) -> InstanceApp:
    """The web app of ``instance``.

    ``secure_cookies``: ``None`` marks cookies Secure when the request came over
    https; ``True``/``False`` force it (behind a TLS-terminating proxy, pass True).
    ``api_rate_limit``: requests per minute per API key (``None``: from
    ``SUANPAN_API_RATE_LIMIT`` or the default; 0: unlimited).
    """
    ensure_fresh(instance, force=True)
    use_worker_threads()
    options = _Options(
        allowed_hosts=tuple(allowed_hosts or DEFAULT_ALLOWED_HOSTS),
        debug=debug,
        secure_cookies=secure_cookies,
        api_rate_limit=configured_limit(api_rate_limit),
    )
    return InstanceApp(instance, options, web_secret(instance))


@dataclass(frozen=True)
class _Options:
    """What an app is built with besides the registry (apps with equal options are shared).

    Nothing here names a database: the instance and its CSRF secret come with each
    request (``SCOPE_INSTANCE`` and ``SCOPE_CSRF_SECRET`` of :mod:`kernel.web.context`),
    so instances with the same addons and options share one built app.
    """

    allowed_hosts: tuple[str, ...]
    debug: bool
    secure_cookies: bool | None
    api_rate_limit: int


#: paths that need nobody signed in, and so no look-up of the user
NOBODY_NEEDED = ("/static/", "/favicon.ico", "/health")

#: the apps built for a registry, by their options. Instances with the same addons share
#: a registry (:meth:`kernel.instance.Instance.compose`) and so their apps: a host of
#: several databases, or the test suite, builds each app once.
APPS: Slot[dict[_Options, Litestar]] = Slot("kernel.web.apps", dict)


class InstanceApp:
    """The ASGI app of one instance: the Litestar app of its current registry.

    Installing or removing an addon composes a new registry; the next request then
    builds a new Litestar app from it — the kernel's routes, a route per screen of
    each view, the addons' routes and static folders — and this object hands every
    later request to it. The old app finishes the requests it was serving. So an
    addon's routes come and go with it, without a restart, and no route of a removed
    addon lingers. Apps are kept with their registry (:data:`APPS`), so every
    ``InstanceApp`` with the same addons and options serves the same one: which
    instance a request is for, and its CSRF secret, travel in the request's scope
    (``SCOPE_INSTANCE``, ``SCOPE_CSRF_SECRET``), put there by this object.

    An addon installed by another process is noticed by the next request of a
    signed-in user (:func:`kernel.web.context.principal`), which is still served by
    the app it was routed to; the request after it sees the new routes.

    Who is asking (:func:`kernel.web.context.principal`) is read here, in a worker
    thread, before Litestar routes the request, and kept on it. Why: a request's unit
    of work is opened, used and committed in worker threads over several turns of the
    event loop (:mod:`kernel.web.deps`), holding its locks in between, so nothing on
    the event loop may wait for a database lock. The error handlers asked for the
    user on the loop (for an API key that writes its usage), and under concurrent
    requests on SQLite the server stood still. Static files, the favicon and the
    health check need nobody and skip it.

    Start-up and shutdown hooks (``on_startup``, ``on_shutdown``) are this object's:
    the per-registry apps are built on demand and never see the ASGI lifespan.
    """

    def __init__(self, instance: Instance, options: _Options, secret: str) -> None:
        self.instance = instance
        self.options = options
        self.secret = secret
        self.on_startup: list[Callable[[], Any]] = []
        self.on_shutdown: list[Callable[[], Any]] = []
        self._built: tuple[Registry, Litestar] | None = None
        self.current()  # now: a route an addon cannot register stops start-up, not a request

    @property
    def state(self) -> State:
        """The current app's state: the instance and the options it was built with."""
        return self.current().state

    @property
    def routes(self) -> list[Any]:
        """The routes of the current registry's app."""
        return list(self.current().routes)

    def current(self) -> Litestar:
        """The app of the instance's registry, built the first time it is asked for."""
        registry = self.instance.registry
        built = self._built
        if built is not None and built[0] is registry:
            return built[1]
        with _build_lock:
            built = self._built
            if built is None or built[0] is not registry:
                apps = registry.cache.get(APPS)
                app = apps.get(self.options)
                if app is None:
                    strict = built is None  # at start-up a broken route stops the server
                    app = apps[self.options] = _build(registry, self.options, strict=strict)
                built = self._built = (registry, app)
            return built[1]

    def _is_current(self) -> bool:
        return self._built is not None and self._built[0] is self.instance.registry

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        # building an app takes a moment: off the event loop, and only after a change
        app = self.current() if self._is_current() else await sync_to_thread(self.current)
        scope[SCOPE_INSTANCE] = self.instance
        scope[SCOPE_CSRF_SECRET] = self.secret
        if scope["type"] == "http" and not scope["path"].startswith(NOBODY_NEEDED):
            scope["app"] = scope["litestar_app"] = app  # as Litestar sets them
            # a refused key is kept on the request and raised by the route's own call;
            # a database error is raised there too
            with contextlib.suppress(Exception):
                await sync_to_thread(principal, ASGIConnection(scope))
        await app(scope, receive, send)

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            hooks = self.on_startup if message["type"] == "lifespan.startup" else self.on_shutdown
            phase = "startup" if message["type"] == "lifespan.startup" else "shutdown"
            try:
                for hook in hooks:
                    result = hook()
                    if inspect.isawaitable(result):
                        await result
            except Exception as exc:  # the server reports it and stops
                log.exception("the %s hooks of the web app failed", phase)
                await send({"type": f"lifespan.{phase}.failed", "message": str(exc)})
                return
            await send({"type": f"lifespan.{phase}.complete"})
            if phase == "shutdown":
                return


class _Routes(list[Any]):
    """The app's routes, with Litestar's map of path → method → handler kept up to date."""

    def __init__(self, routes: list[Any]) -> None:
        super().__init__(routes)
        self.by_path: dict[str, dict[str, Any]] = {}
        for route in routes:
            self.by_path.setdefault(route.path, {}).update(_entries(route))

    def append(self, route: Any) -> None:
        super().append(route)
        self.by_path.setdefault(route.path, {}).update(_entries(route))

    def __setitem__(self, index: Any, route: Any) -> None:
        super().__setitem__(index, route)
        entry: dict[str, Any] = {}
        for each in self:
            if each.path == route.path:
                entry.update(_entries(each))
        self.by_path[route.path] = entry


def _entries(route: Any) -> dict[str, Any]:
    """What one route adds to the map, as Litestar's ``route_handler_method_map`` counts it."""
    if isinstance(route, HTTPRoute):
        return {m: h for h in route.route_handlers for m in h.http_methods}
    kind = "websocket" if isinstance(route, WebSocketRoute) else "asgi"
    return {kind: route.route_handler}


class _App(Litestar):
    """Litestar, with its map of path → handlers kept up to date instead of rebuilt.

    Why: Litestar rebuilds that map from every route for each path it registers, so
    registering n routes costs n² (a fifth of building an app with ~730 screen routes).
    Routes are only ever appended or replaced, and :class:`_Routes` follows both.
    """

    def register(self, value: Any) -> None:  # type: ignore[override]  # Litestar's own says None
        if not isinstance(self.routes, _Routes):
            self.routes = _Routes(self.routes)
        super().register(value)

    @property
    def route_handler_method_map(self) -> dict[str, Any]:
        routes = self.routes
        if isinstance(routes, _Routes):
            return routes.by_path
        found: dict[str, Any] = Router.route_handler_method_map.fget(self)  # type: ignore[attr-defined]
        return found


def _mend_sync_handlers(app: Litestar) -> None:
    """Unwrap sync handlers that Litestar wrapped for a worker thread more than once.

    Why: Litestar 2.25 registers a handler again each time another handler joins its
    path (a ``GET`` and a ``POST`` on one url), and each registration of a
    ``sync_to_thread=True`` handler wraps it once more; the outer wrapper then hands
    Litestar a coroutine instead of a response. Addon developers write such pairs
    all the time, so the host mends them once per app rather than asking each to know.
    """
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            fn = getattr(handler, "_fn", None)
            while isinstance(fn, AsyncCallable) and isinstance(fn.func, AsyncCallable):
                fn = fn.func
            if fn is not None:
                handler._fn = fn


def _build(registry: Registry, options: _Options, *, strict: bool = True) -> Litestar:
    """The Litestar app serving ``registry``: kernel routes, screens, addon routes and files.

    Not ``strict`` (an addon installed while serving): if an addon's route cannot be
    registered, the app is built without it and the error logged, so one broken
    route of a new addon does not take every screen down with it.
    """
    state = State(
        {"secure_cookies": options.secure_cookies, "api_rate_limit": options.api_rate_limit}
    )
    try:
        return _litestar(registry, state, options, addon_routes(registry))
    except Exception:
        if strict:
            raise
        log.exception("a route of an installed addon could not be registered; left out")
    app = _litestar(registry, state, options, [])
    for handler in addon_routes(registry):
        try:
            app.register(handler)
        except Exception:
            log.exception("left out the route %r of an installed addon", handler)
    _mend_sync_handlers(app)
    return app


def _litestar(registry: Registry, state: State, options: _Options, extra: list[Any]) -> Litestar:
    from kernel.web.ui.routes import screen_routes

    csrf = CSRFConfig(
        # a stand-in: each request's token is signed with its instance's secret
        # (SuanpanCSRFMiddleware), since instances with the same addons share this app
        secret=secrets.token_hex(32),
        cookie_name="csrftoken",
        header_name="x-csrftoken",
        cookie_samesite="lax",
        cookie_secure=bool(options.secure_cookies),
        cookie_httponly=False,
    )
    handlers: list[Any] = [
        *AUTH_ROUTES,
        *SHELL_ROUTES,
        *JOBS_ROUTES,
        *MAIL_ROUTES,
        *USERS_ROUTES,
        *_kernel_routes("kernel.web.ui.routes"),
        *screen_routes(registry),
        *_kernel_routes("kernel.web.api.routes"),
        *extra,
        *static_routers(registry),
    ]
    app = _App(
        route_handlers=handlers,
        dependencies=DEPENDENCIES,
        middleware=[
            DefineMiddleware(AllowedHostsMiddleware, allowed_hosts=list(options.allowed_hosts)),
            DefineMiddleware(JsonBodyLimitsMiddleware),
            DefineMiddleware(SuanpanCSRFMiddleware, config=csrf),
        ],
        before_request=check_path_numbers,
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
        state=state,
        debug=options.debug,
        request_max_body_size=MAX_BODY,
    )
    _mend_sync_handlers(app)
    return app

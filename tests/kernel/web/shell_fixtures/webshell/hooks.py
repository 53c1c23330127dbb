"""Menus, widgets, routes, templates and static files of the web host's test addon."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio.to_thread
from litestar import Request, Response, get, post
from litestar.params import JSONBody
from markupsafe import Markup

from kernel.errors import ValidationError
from kernel.hooks import hookimpl
from kernel.i18n import _
from kernel.web.context import unit_for
from kernel.web.templating import render

HERE = Path(__file__).parent


@hookimpl
def register_menus(register: Callable[..., None]) -> None:
    register("webshell", "Shell demo", None, sequence=50)
    register("webshell.everyone", "Everyone's page", "/webshell/page", parent="webshell")
    register(
        "webshell.admins",
        "Admins only page",
        "/webshell/admin",
        parent="webshell",
        sequence=20,
        group="kernel.group_admin",
    )


def _count_widget(env: Any) -> Markup:
    return Markup('<p class="demo-widget">{} users</p>').format(
        env.session.query(env["res.user"]).count()
    )


def _broken_widget(env: Any) -> Markup:
    raise RuntimeError("widget bug")


@hookimpl
def register_dashboard_widgets(register: Callable[..., None]) -> None:
    register("webshell.count", "Demo widget", _count_widget)
    register("webshell.admin", "Admin widget", _count_widget, group="kernel.group_admin")
    register("webshell.broken", "Broken widget", _broken_widget)


@get("/webshell/page")
async def page(request: Request[Any, Any, Any]) -> Response[Any]:
    def work() -> Response[Any]:
        with unit_for(request, readonly=True) as env:
            return render(request, "webshell/page.html", {"amount": "1234.565"}, env=env)

    return await anyio.to_thread.run_sync(work)


@get("/webshell/invalid")
async def invalid(request: Request[Any, Any, Any]) -> Response[Any]:
    raise ValidationError(_("the quantity must be positive"), field="quantity")


@get("/api/webshell/invalid")
async def api_invalid(request: Request[Any, Any, Any]) -> Response[Any]:
    raise ValidationError(_("the quantity must be positive"), field="quantity")


@get("/webshell/boom")
async def boom(request: Request[Any, Any, Any]) -> Response[Any]:
    raise RuntimeError("secret internal detail")


@get("/api/webshell/boom")
async def api_boom(request: Request[Any, Any, Any]) -> Response[Any]:
    raise RuntimeError("secret internal detail")


@get("/api/webshell/whoami")
async def whoami(request: Request[Any, Any, Any]) -> dict[str, Any]:
    def work() -> dict[str, Any]:
        with unit_for(request, readonly=True) as env:
            return {"uid": env.uid, "lang": env.lang}

    return await anyio.to_thread.run_sync(work)


@post("/api/webshell/echo")
async def echo(request: Request[Any, Any, Any], data: JSONBody[dict[str, Any]]) -> dict[str, Any]:
    def work() -> dict[str, Any]:
        with unit_for(request, readonly=True) as env:
            return {"uid": env.uid, "data": data}

    return await anyio.to_thread.run_sync(work)


@hookimpl
def register_routes(register: Callable[..., None]) -> None:
    for handler in (page, invalid, api_invalid, boom, api_boom, whoami, echo):
        register(handler)


@hookimpl
def register_template_dirs(register: Callable[..., None]) -> None:
    register(HERE / "templates")


@hookimpl
def register_static_dirs(register: Callable[..., None]) -> None:
    register("webshell", HERE / "static")

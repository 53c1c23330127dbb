"""Menus, widgets, routes, templates and static files of the web host's test addon."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.params import FromQuery, JSONBody, QueryParameter
from litestar.response import Redirect
from markupsafe import Markup
from sqlalchemy import select

from kernel.errors import ValidationError
from kernel.hooks import hookimpl
from kernel.i18n import _, text_of
from kernel.web.context import flash
from kernel.web.deps import READONLY_UNIT, FormBody, RequestEnv, last_values
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


@get("/webshell/page", sync_to_thread=True)
def page(request: Request[Any, Any, Any], env: RequestEnv) -> Response[Any]:
    return render(request, "webshell/page.html", {"amount": "1234.565"}, env=env)


@get("/webshell/note", sync_to_thread=True)
def note(
    env: RequestEnv,
    key: FromQuery[str] = "webshell.note",
    times: Annotated[int, QueryParameter(ge=1, le=3)] = 1,
) -> dict[str, Any]:
    """What the injected unit sees: a setting, the user's language, a translated word."""
    Setting = env["ir.setting"]
    value = env.session.scalar(select(Setting.value).where(Setting.key == key))
    return {"value": value, "lang": env.lang, "title": text_of(_("Not found")) * times}


@post("/webshell/note", sync_to_thread=True)
def write_note(request: Request[Any, Any, Any], env: RequestEnv, data: FormBody) -> Response[Any]:
    """Writes a setting and flashes; ``fail`` then refuses, which must undo both."""
    form = last_values(data)
    env.session.add(env["ir.setting"](key=str(form.get("key")), value=form.get("value")))
    env.session.flush()
    flash(request, _("the quantity must be positive"))
    if form.get("fail"):
        raise ValidationError(_("the quantity must be positive"), field="quantity")
    return Redirect(path="/webshell/page", status_code=303)


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


@get("/api/webshell/whoami", sync_to_thread=True)
def whoami(env: RequestEnv) -> dict[str, Any]:
    return {"uid": env.uid, "lang": env.lang}


@post("/api/webshell/echo", sync_to_thread=True, opt={READONLY_UNIT: True})
def echo(env: RequestEnv, data: JSONBody[dict[str, Any]]) -> dict[str, Any]:
    return {"uid": env.uid, "data": data}


@hookimpl
def register_routes(register: Callable[..., None]) -> None:
    for handler in (page, note, write_note, invalid, api_invalid, boom, api_boom, whoami, echo):
        register(handler)


@hookimpl
def register_template_dirs(register: Callable[..., None]) -> None:
    register(HERE / "templates")


@hookimpl
def register_static_dirs(register: Callable[..., None]) -> None:
    register("webshell", HERE / "static")

"""The signed-in shell's own pages: dashboard, language switch, preferences, API keys, health."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath
from markupsafe import Markup
from sqlalchemy import text

from kernel.apikeys import create_own_api_key, own_api_keys, revoke_own_api_key
from kernel.errors import ValidationError
from kernel.i18n import SUPPORTED_LOCALES, _, normalize_locale, text_of
from kernel.passwords import hash_password
from kernel.useradmin import check_password
from kernel.web.auth import authenticate, client_address, safe_next, secure_cookies
from kernel.web.context import (
    LANG_COOKIE,
    flash,
    forget_principal,
    instance_of,
    principal,
    unit_for,
)
from kernel.web.deps import FormBody, RequestEnv, last_values
from kernel.web.sessions import revoke_user_sessions
from kernel.web.templating import collect_widgets, render

log = logging.getLogger(__name__)

LANGUAGES: list[tuple[str, str]] = [("en", "English"), ("zh_CN", "简体中文")]
COMMON_TIMEZONES = [
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "UTC",
]


@get("/", name="home", sync_to_thread=True)
def home(request: Request[Any, Any, Any], env: RequestEnv) -> Response[Any]:
    widgets = []
    for widget in collect_widgets(env.registry):
        if widget.group is not None and not env.has_group(widget.group):
            continue
        try:
            body = widget.render(env)
        except Exception:
            log.exception("dashboard widget %s failed", widget.key)
            body = Markup('<p class="text-body-secondary small mb-0">{}</p>').format(
                text_of(_("This widget could not be shown."))
            )
        widgets.append({"key": widget.key, "title": widget.title, "body": body})
    return render(request, "home.html", {"widgets": widgets}, env=env)


@post("/lang", name="switch_lang", sync_to_thread=True)
def switch_lang(request: Request[Any, Any, Any], data: FormBody) -> Response[Any]:
    """Set the language: the user's preference when signed in, a cookie otherwise."""
    return _switch_lang(request, last_values(data))


def _switch_lang(request: Request[Any, Any, Any], form: dict[str, Any]) -> Response[Any]:
    lang = normalize_locale(str(form.get("lang") or "en"))
    found = principal(request)
    if found is not None:
        with unit_for(request) as env, env.sudo("a user sets their own language preference"):
            env.user.lang = lang
        forget_principal(request)
    back = safe_next(str(form.get("next") or _referer_path(request)))
    cookie = Cookie(
        key=LANG_COOKIE,
        value=lang,
        path="/",
        max_age=365 * 24 * 3600,
        samesite="lax",
        secure=secure_cookies(request),
    )
    return Response("", status_code=303, headers={"Location": back}, cookies=[cookie])


def _referer_path(request: Request[Any, Any, Any]) -> str:
    """Where the switch was pressed, when it came from this site."""
    referer = request.headers.get("referer") or ""
    parts = urlsplit(referer)
    if not referer or parts.netloc != request.headers.get("host", ""):
        return "/"
    return parts.path + (f"?{parts.query}" if parts.query else "")


@get("/account/preferences", name="preferences", sync_to_thread=True)
def preferences(request: Request[Any, Any, Any]) -> Response[Any]:
    return _preferences(request)


def _preferences(request: Request[Any, Any, Any]) -> Response[Any]:
    with unit_for(request, readonly=True) as env:
        return render(request, "account/preferences.html", _prefs_context(env), env=env)


def _prefs_context(
    env: Any, errors: dict[str, Any] | None = None, saved: bool = False
) -> dict[str, Any]:
    zones = sorted(available_timezones())
    return {
        "languages": LANGUAGES,
        "common_timezones": COMMON_TIMEZONES,
        "timezones": [z for z in zones if "/" in z and not z.startswith(("Etc/", "SystemV/"))],
        "current_lang": env.user.lang,
        "current_tz": env.user.tz,
        "errors": errors or {},
        "saved": saved,
    }


@post("/account/preferences", name="preferences_save", sync_to_thread=True)
def preferences_save(request: Request[Any, Any, Any], data: FormBody) -> Response[Any]:
    return _preferences_save(request, last_values(data))


def _preferences_save(request: Request[Any, Any, Any], form: dict[str, Any]) -> Response[Any]:
    lang = str(form.get("lang") or "")
    tz = str(form.get("tz") or "")
    errors: dict[str, Any] = {}
    if lang not in SUPPORTED_LOCALES:
        errors["lang"] = _("Choose one of the offered languages.")
    if tz not in available_timezones():
        errors["tz"] = _("Unknown time zone.")
    if errors:
        with unit_for(request, readonly=True) as env:
            return render(
                request,
                "account/preferences.html",
                _prefs_context(env, errors),
                env=env,
                status_code=422,
            )
    with unit_for(request) as env, env.sudo("a user sets their own preferences"):
        env.user.lang = lang
        env.user.tz = tz
    forget_principal(request)
    flash(request, _("Your preferences were saved."))
    return Response("", status_code=303, headers={"Location": "/account/preferences"})


@post("/account/password", name="password_change", sync_to_thread=True)
def password_change(request: Request[Any, Any, Any], data: FormBody) -> Response[Any]:
    return _password_change(request, last_values(data))


def _password_change(request: Request[Any, Any, Any], form: dict[str, Any]) -> Response[Any]:
    """Change one's own password: the current one is required; other sessions are signed out."""
    current = str(form.get("current_password") or "")
    new = str(form.get("new_password") or "")
    confirm = str(form.get("confirm_password") or "")
    errors: dict[str, Any] = {}
    with unit_for(request, readonly=True) as env:
        login = env.user.login
    # the same check and throttling as signing in: a stolen session cannot guess freely
    checked = authenticate(instance_of(request), login, current, client_address(request))
    status = 429 if checked.status == 429 else 422
    if checked.uid is None:
        errors["current_password"] = (
            checked.message if status == 429 else _("The current password is not correct.")
        )
    try:
        check_password(new, confirm)
    except ValidationError as exc:  # the same rule as Settings → Users and the CLI
        key = "new_password" if "password" in exc.fields else "confirm_password"
        errors[key] = exc.message
    if not errors:
        with unit_for(request) as env, env.sudo("a user changes their own password"):
            env.user.password_hash = hash_password(new)
    if errors:
        with unit_for(request, readonly=True) as env:
            return render(
                request,
                "account/preferences.html",
                {**_prefs_context(env), "password_errors": errors},
                env=env,
                status_code=status,
                headers=checked.headers if status == 429 else None,
            )
    found = principal(request)
    revoke_user_sessions(
        instance_of(request),
        int(found.uid if found else 0),
        keep=found.session_id if found else None,
    )
    flash(request, _("Your password was changed. Other sessions were signed out."))
    return Response("", status_code=303, headers={"Location": "/account/preferences"})


@get("/account/api-keys", name="api_keys", sync_to_thread=True)
def api_keys(request: Request[Any, Any, Any]) -> Response[Any]:
    return _api_keys_page(request)


def _api_keys_page(
    request: Request[Any, Any, Any],
    *,
    new_key: str | None = None,
    error: Any = None,
    status: int = 200,
) -> Response[Any]:
    with unit_for(request, readonly=True) as env:
        keys = own_api_keys(env)
        return render(
            request,
            "account/api_keys.html",
            {"keys": keys, "new_key": new_key, "error": error},
            env=env,
            status_code=status,
        )


@post("/account/api-keys", name="api_key_create", sync_to_thread=True)
def api_key_create(request: Request[Any, Any, Any], data: FormBody) -> Response[Any]:
    return _api_key_create(request, last_values(data))


def _api_key_create(request: Request[Any, Any, Any], form: dict[str, Any]) -> Response[Any]:
    try:
        with unit_for(request) as env:
            _row, key = create_own_api_key(env, str(form.get("name") or ""))
    except ValidationError as exc:
        return _api_keys_page(request, error=exc.message, status=422)
    return _api_keys_page(request, new_key=key)


@post("/account/api-keys/{key_id:int}/revoke", name="api_key_revoke", sync_to_thread=True)
def api_key_revoke(request: Request[Any, Any, Any], key_id: FromPath[int]) -> Response[Any]:
    return _api_key_revoke(request, key_id)


def _api_key_revoke(request: Request[Any, Any, Any], key_id: int) -> Response[Any]:
    with unit_for(request) as env:
        name = revoke_own_api_key(env, key_id).name
    flash(request, _("The API key %(name)s was revoked.", name=name))
    return Response("", status_code=303, headers={"Location": "/account/api-keys"})


@get("/health", name="health", sync_to_thread=True)
def health(request: Request[Any, Any, Any]) -> Response[Any]:
    """For load balancers: 200 when the database answers, 503 otherwise."""
    return _health(request)


def _health(request: Request[Any, Any, Any]) -> Response[Any]:
    try:
        with instance_of(request).engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:
        log.exception("health check: database unreachable")
        return Response({"status": "unavailable"}, status_code=503)
    return Response({"status": "ok"}, status_code=200)


@get("/favicon.ico", name="favicon", include_in_schema=False)
async def favicon() -> Response[Any]:
    """Browsers ask for ``/favicon.ico`` on pages without an icon link (bare reports, PDFs)."""
    return Response(
        "",
        status_code=301,
        headers={"Location": "/static/favicon.svg", "Cache-Control": "public, max-age=86400"},
    )


SHELL_ROUTES: list[Any] = [
    home,
    switch_lang,
    preferences,
    preferences_save,
    password_change,
    api_keys,
    api_key_create,
    api_key_revoke,
    health,
    favicon,
]

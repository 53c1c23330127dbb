"""E-mail settings (administrators) and each user's choice of internal notifications.

``/settings/mail`` and ``/api/v1/_mail/settings``: the instance's SMTP server. The
password is write-only: pages and answers say whether one is set, never show it.
``/account/notifications`` and ``/api/v1/_account/notifications``: the staff
notifications the installed addons declare (``register_notifications``) for the
user's groups, each on or off.
"""

from __future__ import annotations

import json
from typing import Any

from litestar import Request, Response, get, post, put
from litestar.params import RawBody
from sqlalchemy import select

from kernel.env import Env
from kernel.errors import UserError, ValidationError
from kernel.hookspecs import KernelHooks
from kernel.i18n import _
from kernel.mail.smtp import SECURITY, public_settings, save_settings
from kernel.security import system_write
from kernel.web.context import flash
from kernel.web.deps import FormBody, RequestEnv, last_values
from kernel.web.templating import render

FIELDS = ("host", "port", "security", "user", "password", "sender")


def _json(data: Any, status_code: int = 200) -> Response[Any]:
    return Response(content=data, status_code=status_code, media_type="application/json")


def _save(env: Env, values: dict[str, Any]) -> dict[str, Any]:
    env.check("ir.setting", "write")
    env.check("ir.setting", "create")
    with env.sudo("an administrator saves the mail settings (rights checked above)"):
        return save_settings(env, values)


@get("/settings/mail", name="mail.settings", include_in_schema=False, sync_to_thread=True)
def mail_settings_page(request: Request[Any, Any, Any], env: RequestEnv) -> Response[Any]:
    env.check("ir.setting", "write")
    return _settings_page(request, env, public_settings(env))


def _settings_page(
    request: Request[Any, Any, Any],
    env: Env,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response[Any]:
    return render(
        request,
        "settings/mail.html",
        {"values": values, "errors": errors or {}, "securities": SECURITY},
        env=env,
        status_code=status,
    )


@post(
    "/settings/mail",
    name="mail.settings_save",
    include_in_schema=False,
    status_code=303,
    sync_to_thread=True,
)
def mail_settings_save(
    request: Request[Any, Any, Any], env: RequestEnv, data: FormBody
) -> Response[Any]:
    form = last_values(data)
    values = {k: str(form.get(k, "")) for k in FIELDS}
    try:
        _save(env, values)
    except ValidationError as exc:
        env.rollback()
        shown = {**values, "password": "", "password_set": public_settings(env)["password_set"]}
        errors = {k: str(v) for k, v in exc.fields.items()}
        return _settings_page(request, env, shown, errors, 422)
    flash(request, _("The e-mail settings were saved."))
    return Response("", status_code=303, headers={"Location": "/settings/mail"})


@get(
    "/api/v1/_mail/settings",
    name="api.mail.settings",
    tags=["Background work"],
    sync_to_thread=True,
)
def api_mail_settings(env: RequestEnv) -> Response[Any]:
    """The SMTP settings; ``password_set`` tells whether a password is stored, never the password."""
    env.check("ir.setting", "write")
    return _json(public_settings(env))


def _json_object(body: bytes) -> Any:
    try:
        return json.loads(body or b"{}")
    except ValueError:
        return None


@put(
    "/api/v1/_mail/settings",
    name="api.mail.settings_save",
    tags=["Background work"],
    sync_to_thread=True,
)
def api_mail_settings_save(env: RequestEnv, body: RawBody) -> Response[Any]:
    """Replace the SMTP settings; an empty or missing ``password`` keeps the stored one."""
    payload = _json_object(body)
    if not isinstance(payload, dict):
        raise ValidationError(_("the body must be a JSON object"))
    unknown = sorted(set(payload) - {*FIELDS, "password_set"})
    if unknown:
        raise ValidationError(
            _("unknown field: %(field)s", field=unknown[0]), field=str(unknown[0])
        )
    return _json(_save(env, payload))


# --- each user's notifications ---------------------------------------------------


def _declared(env: Env) -> list[tuple[str, Any, str]]:
    found: list[tuple[str, Any, str]] = []
    KernelHooks(env).register_notifications(
        register=lambda event, label, group: found.append((event, label, group))
    )
    return [item for item in found if env.has_group(item[2])]


def _choices(env: Env) -> list[dict[str, Any]]:
    Choice = env["res.user.notification"]
    with env.sudo("a user reads their own notification choices"):
        off = set(
            env.session.scalars(
                select(Choice.event).where(Choice.user_id == env.uid, Choice.enabled.is_(False))
            )
        )
    return [
        {"event": event, "label": str(label), "enabled": event not in off}
        for event, label, _group in _declared(env)
    ]


def _set_choices(env: Env, wanted: dict[str, bool]) -> list[dict[str, Any]]:
    known = {event for event, _label, _group in _declared(env)}
    unknown = sorted(set(wanted) - known)
    if unknown:
        raise ValidationError(
            _("unknown notification: %(event)s", event=unknown[0]), field=str(unknown[0])
        )
    Choice = env["res.user.notification"]
    with env.sudo("a user sets their own notification choices"):
        rows = {
            row.event: row
            for row in env.session.scalars(select(Choice).where(Choice.user_id == env.uid))
        }
        for event, enabled in wanted.items():
            row = rows.get(event)
            if row is None:
                row = Choice(user_id=env.uid, event=event, enabled=enabled)
                env.session.add(row)
            else:
                row.enabled = enabled
            system_write(env.session, row)  # a system model: only this user's own rows
        env.session.flush()
    return _choices(env)


@get("/account/notifications", name="notifications", include_in_schema=False, sync_to_thread=True)
def notifications_page(request: Request[Any, Any, Any], env: RequestEnv) -> Response[Any]:
    return render(request, "account/notifications.html", {"choices": _choices(env)}, env=env)


@post(
    "/account/notifications",
    name="notifications_save",
    include_in_schema=False,
    status_code=303,
    sync_to_thread=True,
)
def notifications_save(
    request: Request[Any, Any, Any], env: RequestEnv, data: FormBody
) -> Response[Any]:
    events = data.get("event", [])
    ticked = {str(v) for v in (events if isinstance(events, list) else [events])}
    known = [event for event, _label, _group in _declared(env)]
    _set_choices(env, {event: event in ticked for event in known})
    flash(request, _("Your notification choices were saved."))
    return Response("", status_code=303, headers={"Location": "/account/notifications"})


@get(
    "/api/v1/_account/notifications",
    name="api.notifications",
    tags=["Background work"],
    sync_to_thread=True,
)
def api_notifications(env: RequestEnv) -> Response[Any]:
    """The internal notifications this user may receive, each with ``enabled``."""
    return _json({"items": _choices(env)})


@put(
    "/api/v1/_account/notifications",
    name="api.notifications_save",
    tags=["Background work"],
    sync_to_thread=True,
)
def api_notifications_save(env: RequestEnv, body: RawBody) -> Response[Any]:
    """Turn notifications on or off: ``{"sales_order.to_approve": false, ...}``."""
    payload = _json_object(body)
    if not isinstance(payload, dict) or not all(isinstance(v, bool) for v in payload.values()):
        raise UserError(_("the body must map notification names to true or false"))
    return _json({"items": _set_choices(env, payload)})


MAIL_ROUTES: list[Any] = [
    mail_settings_page,
    mail_settings_save,
    api_mail_settings,
    api_mail_settings_save,
    notifications_page,
    notifications_save,
    api_notifications,
    api_notifications_save,
]

"""Administrators' screens and API for users and groups.

``/settings/users`` lists users (groups, API keys, locked or not); ``/settings/users/new``
creates one; ``/settings/users/<id>`` edits details and groups, sets a password
(which signs the user out everywhere), lifts a sign-in lock and revokes API keys.
``/settings/groups`` shows each group's members, implied groups and rights. The same
under ``/api/v1/_users`` and ``/api/v1/_groups``. All of it runs through
:mod:`kernel.useradmin`, whose access checks let only ``kernel.group_admin`` write.
"""

from __future__ import annotations

import json
from typing import Any

from litestar import Request, Response, get, patch, post
from litestar.params import FromPath, RawBody
from sqlalchemy import select

from kernel import useradmin
from kernel.env import Env
from kernel.errors import ValidationError
from kernel.i18n import _
from kernel.web.api.account import key_json
from kernel.web.context import after_commit, flash, instance_of, principal
from kernel.web.deps import FormBody, RequestEnv, last_values
from kernel.web.sessions import revoke_user_sessions
from kernel.web.templating import render

TAGS = ["Administration"]


def _json(data: Any, status_code: int = 200) -> Response[Any]:
    return Response(content=data, status_code=status_code, media_type="application/json")


def _see_other(url: str) -> Response[Any]:
    return Response("", status_code=303, headers={"Location": url})


def _sign_out(request: Request[Any, Any, Any], user_id: int) -> None:
    """End ``user_id``'s sessions once this request's change is committed, except the
    session making the request (an administrator's own reset)."""
    found = principal(request)
    keep = found.session_id if found is not None and found.uid == user_id else None
    instance = instance_of(request)
    after_commit(request, lambda: revoke_user_sessions(instance, user_id, keep=keep))


def _when(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


# --- screens --------------------------------------------------------------------


@get("/settings/users", name="users.list", include_in_schema=False, sync_to_thread=True)
def users_page(request: Request[Any, Any, Any], env: RequestEnv) -> Response[Any]:
    env.check("res.user", "write")
    return render(request, "settings/users.html", {"rows": useradmin.users(env)}, env=env)


def _form_page(
    request: Request[Any, Any, Any],
    env: Env,
    target: Any,
    values: dict[str, Any],
    chosen: set[int],
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response[Any]:
    context = {
        "target": target,
        "values": values,
        "chosen": chosen,
        "groups": useradmin.groups(env),
        "errors": errors or {},
        "keys": useradmin.api_keys_of(env, target.id) if target is not None else [],
        "locked": target is not None and target.locked_until is not None,
        "min_password": useradmin.MIN_PASSWORD,
        "langs": [("en", _("English")), ("zh_CN", _("Simplified Chinese"))],
    }
    return render(request, "settings/user.html", context, env=env, status_code=status)


def _values_of(target: Any) -> dict[str, Any]:
    return {k: getattr(target, k) for k in ("login", *useradmin.EDITABLE)}


@get("/settings/users/new", name="users.new", include_in_schema=False, sync_to_thread=True)
def user_new_page(request: Request[Any, Any, Any], env: RequestEnv) -> Response[Any]:
    env.check("res.user", "create")
    # a new colleague most likely shares the administrator's language and time zone
    me = env.user
    values = {"login": "", "name": "", "email": "", "lang": me.lang, "tz": me.tz}
    return _form_page(request, env, None, values, set())


@get(
    "/settings/users/{user_id:int}", name="users.edit", include_in_schema=False, sync_to_thread=True
)
def user_page(
    request: Request[Any, Any, Any], env: RequestEnv, user_id: FromPath[int]
) -> Response[Any]:
    env.check("res.user", "write")
    target = useradmin.user(env, user_id)
    chosen = useradmin.group_ids_of(env, user_id)
    return _form_page(request, env, target, _values_of(target), chosen)


def _form_values(data: dict[str, Any]) -> tuple[dict[str, Any], set[int]]:
    form = last_values(data)
    values: dict[str, Any] = {
        k: str(form.get(k) or "") for k in ("login", "name", "email", "lang", "tz")
    }
    values["active"] = form.get("active") == "1"
    raw_ids = data.get("group_ids", [])
    chosen = {
        int(raw)
        for raw in (raw_ids if isinstance(raw_ids, list) else [raw_ids])
        if str(raw).isdigit()
    }
    return values, chosen


def _errors(exc: ValidationError) -> dict[str, str]:
    return {k: str(v) for k, v in exc.fields.items()} or {"_": str(exc)}


@post(
    "/settings/users/new",
    name="users.create",
    include_in_schema=False,
    status_code=303,
    sync_to_thread=True,
)
def user_create_view(
    request: Request[Any, Any, Any], env: RequestEnv, data: FormBody
) -> Response[Any]:
    form = last_values(data)
    values, chosen = _form_values(data)
    values.pop("active")
    password = str(form.get("password") or "")
    try:
        useradmin.check_password(password, str(form.get("confirm_password") or ""))
        created = useradmin.create_user(env, values, chosen, password)
        env.session.flush()
        login, new_id = created.login, created.id
    except ValidationError as exc:
        env.rollback()
        return _form_page(request, env, None, values, chosen, _errors(exc), 422)
    flash(request, _("User %(login)s was created.", login=login))
    return _see_other(f"/settings/users/{new_id}")


@post(
    "/settings/users/{user_id:int}",
    name="users.save",
    include_in_schema=False,
    status_code=303,
    sync_to_thread=True,
)
def user_save_view(
    request: Request[Any, Any, Any], env: RequestEnv, user_id: FromPath[int], data: FormBody
) -> Response[Any]:
    values, chosen = _form_values(data)
    values.pop("login")
    try:
        useradmin.update_user(env, user_id, values, chosen)
        env.session.flush()
    except ValidationError as exc:
        env.rollback()
        target = useradmin.user(env, user_id)
        shown = {**values, "login": target.login}
        return _form_page(request, env, target, shown, chosen, _errors(exc), 422)
    if not values["active"]:
        _sign_out(request, user_id)
    flash(request, _("The user was saved."))
    return _see_other(f"/settings/users/{user_id}")


@post(
    "/settings/users/{user_id:int}/password",
    name="users.password",
    include_in_schema=False,
    status_code=303,
    sync_to_thread=True,
)
def user_password_view(
    request: Request[Any, Any, Any], env: RequestEnv, user_id: FromPath[int], data: FormBody
) -> Response[Any]:
    form = last_values(data)
    password = str(form.get("password") or "")
    confirm = str(form.get("confirm_password") or "")
    try:
        login = useradmin.set_password(env, user_id, password, confirm).login
        env.session.flush()
    except ValidationError as exc:
        env.rollback()
        target = useradmin.user(env, user_id)
        chosen = useradmin.group_ids_of(env, user_id)
        errors = {f"password_{k}": v for k, v in _errors(exc).items()}
        return _form_page(request, env, target, _values_of(target), chosen, errors, 422)
    _sign_out(request, user_id)
    flash(
        request,
        _("The password of %(login)s was set; their sessions were signed out.", login=login),
    )
    return _see_other(f"/settings/users/{user_id}")


@post(
    "/settings/users/{user_id:int}/unlock",
    name="users.unlock",
    include_in_schema=False,
    status_code=303,
    sync_to_thread=True,
)
def user_unlock_view(
    request: Request[Any, Any, Any], env: RequestEnv, user_id: FromPath[int]
) -> Response[Any]:
    login = useradmin.unlock(env, user_id).login
    flash(request, _("%(login)s can sign in again.", login=login))
    return _see_other(f"/settings/users/{user_id}")


@post(
    "/settings/users/{user_id:int}/api-keys/{key_id:int}/revoke",
    name="users.revoke_key",
    include_in_schema=False,
    status_code=303,
    sync_to_thread=True,
)
def user_revoke_key_view(
    request: Request[Any, Any, Any], env: RequestEnv, user_id: FromPath[int], key_id: FromPath[int]
) -> Response[Any]:
    name = useradmin.revoke_api_key(env, user_id, key_id).name
    flash(request, _("The API key %(name)s was revoked.", name=name))
    return _see_other(f"/settings/users/{user_id}")


def _groups_overview(env: Env) -> list[dict[str, Any]]:
    """Each group with members, implied groups and rights: four queries whatever the count."""
    Member, User = env["res.user.group"], env["res.user"]
    Implied, Access = env["res.group.implied"], env["ir.access"]
    env.check("ir.access", "read")
    found = useradmin.groups(env)
    by_id = {g.id: g for g in found}
    members: dict[int, list[str]] = {g.id: [] for g in found}
    for group_id, login in env.session.execute(
        select(Member.group_id, User.login)
        .join(User, User.id == Member.user_id)
        .where(User.active.is_(True))
        .order_by(User.login)
    ):
        members.setdefault(group_id, []).append(login)
    implied: dict[int, list[str]] = {g.id: [] for g in found}
    for group_id, implied_id in env.session.execute(select(Implied.group_id, Implied.implied_id)):
        if implied_id in by_id:
            implied.setdefault(group_id, []).append(by_id[implied_id].full_name)
    rights: dict[int, list[tuple[str, str]]] = {g.id: [] for g in found}
    for access in env.session.scalars(select(Access).order_by(Access.model)):
        perms = "".join(
            letter
            for letter, flag in (
                ("r", access.perm_read),
                ("c", access.perm_create),
                ("w", access.perm_write),
                ("d", access.perm_delete),
            )
            if flag
        )
        rights.setdefault(access.group_id, []).append((access.model, perms))
    return [
        {
            "id": g.id,
            "xmlid": g.xmlid,
            "name": g.full_name,
            "members": members.get(g.id, []),
            "implies": implied.get(g.id, []),
            "rights": [{"model": m, "perms": p} for m, p in rights.get(g.id, [])],
        }
        for g in found
    ]


@get("/settings/groups", name="groups.list", include_in_schema=False, sync_to_thread=True)
def groups_page(request: Request[Any, Any, Any], env: RequestEnv) -> Response[Any]:
    env.check("res.user", "write")
    return render(request, "settings/groups.html", {"groups": _groups_overview(env)}, env=env)


# --- JSON API -------------------------------------------------------------------


def _user_json(env: Env, target: Any, groups: list[str] | None = None) -> dict[str, Any]:
    if groups is None:
        Group = env["res.group"]
        ids = useradmin.group_ids_of(env, target.id)
        groups = [g.xmlid for g in env.session.scalars(select(Group).where(Group.id.in_(ids)))]
    return {
        "id": target.id,
        "login": target.login,
        "name": target.name,
        "email": target.email,
        "lang": target.lang,
        "tz": target.tz,
        "active": target.active,
        "locked_until": _when(target.locked_until),
        "groups": sorted(groups),
    }


def _object(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ValidationError(_("the body must be a JSON object"))
    return body


def _group_ids_from(env: Env, raw: Any) -> set[int] | None:
    """``groups`` as external ids (``["sales_order.group_manager"]``) to row ids; ``None`` keeps them."""
    if raw is None:
        return None
    if not isinstance(raw, list) or not all(isinstance(x, str) and "\x00" not in x for x in raw):
        raise ValidationError(_("groups must be a list of group external ids"), field="groups")
    Group = env["res.group"]
    known = {
        x: i
        for x, i in env.session.execute(select(Group.xmlid, Group.id).where(Group.xmlid.in_(raw)))
    }
    unknown = [x for x in raw if x not in known]
    if unknown:
        raise ValidationError(_("unknown group %(xmlid)s", xmlid=unknown[0]), field="groups")
    return set(known.values())


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key, "")
    if not isinstance(value, str):
        raise ValidationError(_("%(field)s must be text", field=key), field=key)
    return value


@get(
    "/api/v1/_users",
    name="api.users",
    tags=TAGS,
    summary="Users (administrators)",
    sync_to_thread=True,
)
def api_users(env: RequestEnv) -> Response[Any]:
    """Every user with their groups; administrators only."""
    env.check("res.user", "write")
    items = [
        {
            **_user_json(env, row.user, [g.xmlid for g in row.groups]),
            "active_api_keys": row.api_keys,
        }
        for row in useradmin.users(env)
    ]
    return _json({"items": items})


@post(
    "/api/v1/_users",
    name="api.users.create",
    tags=TAGS,
    summary="Create a user",
    sync_to_thread=True,
)
def api_user_create(env: RequestEnv, body: RawBody) -> Response[Any]:
    """``login``, ``name``, ``password`` required; ``email``, ``lang``, ``tz``, ``groups`` optional."""
    payload = _object(body)
    unknown = sorted(set(payload) - {"login", "name", "email", "lang", "tz", "password", "groups"})
    if unknown:
        raise ValidationError(_("unknown field: %(field)s", field=unknown[0]), field=unknown[0])
    values = {k: _text(payload, k) for k in ("login", "name", "email")}
    for key in ("lang", "tz"):
        if key in payload:
            values[key] = _text(payload, key)
    ids = _group_ids_from(env, payload.get("groups")) or set()
    created = useradmin.create_user(env, values, ids, _text(payload, "password"))
    return _json(_user_json(env, created), 201)


@get(
    "/api/v1/_users/{user_id:int}",
    name="api.users.read",
    tags=TAGS,
    summary="One user",
    sync_to_thread=True,
)
def api_user(env: RequestEnv, user_id: FromPath[int]) -> Response[Any]:
    env.check("res.user", "write")
    return _json(_user_json(env, useradmin.user(env, user_id)))


@patch(
    "/api/v1/_users/{user_id:int}",
    name="api.users.update",
    operation_id="AdminUserUpdate",
    tags=TAGS,
    summary="Change a user",
    sync_to_thread=True,
)
def api_user_update(
    request: Request[Any, Any, Any], env: RequestEnv, user_id: FromPath[int], body: RawBody
) -> Response[Any]:
    """Any of ``name``, ``email``, ``lang``, ``tz``, ``active``; ``groups`` replaces the groups."""
    payload = _object(body)
    unknown = sorted(set(payload) - {*useradmin.EDITABLE, "groups"})
    if unknown:
        raise ValidationError(_("unknown field: %(field)s", field=unknown[0]), field=unknown[0])
    values = {k: v for k, v in payload.items() if k != "groups"}
    for key in ("name", "email", "lang", "tz"):
        if key in values:
            _text(values, key)
    ids = _group_ids_from(env, payload.get("groups"))
    target = useradmin.update_user(env, user_id, values, ids)
    answer = _user_json(env, target)
    if payload.get("active") is False:
        _sign_out(request, user_id)
    return _json(answer)


@post(
    "/api/v1/_users/{user_id:int}/password",
    name="api.users.password",
    operation_id="AdminUserPassword",
    tags=TAGS,
    summary="Set a user's password (signs them out)",
    status_code=200,
    sync_to_thread=True,
)
def api_user_password(
    request: Request[Any, Any, Any], env: RequestEnv, user_id: FromPath[int], body: RawBody
) -> Response[Any]:
    payload = _object(body)
    target = useradmin.set_password(env, user_id, _text(payload, "password"))
    answer = _user_json(env, target)
    _sign_out(request, user_id)
    return _json(answer)


@post(
    "/api/v1/_users/{user_id:int}/unlock",
    name="api.users.unlock",
    tags=TAGS,
    summary="Lift a user's sign-in lock",
    status_code=200,
    sync_to_thread=True,
)
def api_user_unlock(env: RequestEnv, user_id: FromPath[int]) -> Response[Any]:
    return _json(_user_json(env, useradmin.unlock(env, user_id)))


@get(
    "/api/v1/_users/{user_id:int}/api-keys",
    name="api.users.keys",
    tags=TAGS,
    summary="A user's API keys (never the keys themselves)",
    sync_to_thread=True,
)
def api_user_keys(env: RequestEnv, user_id: FromPath[int]) -> Response[Any]:
    env.check("res.user", "write")
    useradmin.user(env, user_id)
    return _json({"items": [key_json(k) for k in useradmin.api_keys_of(env, user_id)]})


@post(
    "/api/v1/_users/{user_id:int}/api-keys/{key_id:int}/revoke",
    name="api.users.revoke_key",
    operation_id="AdminUserRevokeKey",
    tags=TAGS,
    summary="Revoke a user's API key",
    status_code=200,
    sync_to_thread=True,
)
def api_user_revoke_key(
    env: RequestEnv, user_id: FromPath[int], key_id: FromPath[int]
) -> Response[Any]:
    return _json(key_json(useradmin.revoke_api_key(env, user_id, key_id)))


@get(
    "/api/v1/_groups",
    name="api.groups",
    tags=TAGS,
    summary="Groups with members and rights",
    sync_to_thread=True,
)
def api_groups(env: RequestEnv) -> Response[Any]:
    env.check("res.user", "write")
    return _json({"items": _groups_overview(env)})


USERS_ROUTES: list[Any] = [
    users_page,
    user_new_page,
    user_page,
    user_create_view,
    user_save_view,
    user_password_view,
    user_unlock_view,
    user_revoke_key_view,
    groups_page,
    api_users,
    api_user_create,
    api_user,
    api_user_update,
    api_user_password,
    api_user_unlock,
    api_user_keys,
    api_user_revoke_key,
    api_groups,
]

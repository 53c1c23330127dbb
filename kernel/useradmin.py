"""Administering users: create, edit, assign groups, reset passwords, unlock, revoke keys.

One service for the Settings screens, the ``/api/v1/_users`` API and ``suanpan users``,
so all three refuse the same things with the same words. Every function checks the
caller's rights first (``res.user`` and ``res.user.group`` are writable by
``kernel.group_admin`` only), then writes. Two rules protect an instance from being
locked out by its own administrator: at least one active administrator always remains,
and nobody deactivates themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select

from kernel import apikeys
from kernel.env import Env
from kernel.errors import NotFound, ValidationError
from kernel.i18n import _
from kernel.passwords import hash_password

ADMIN_GROUP = "kernel.group_admin"
BASE_GROUP = "kernel.group_user"
MIN_PASSWORD = 8
LANGS = ("en", "zh_CN")
EDITABLE = ("name", "email", "lang", "tz", "active")
LABELS = {
    "login": _("Login"),
    "name": _("Name"),
    "email": _("E-mail"),
    "tz": _("Time zone"),
    "lang": _("Language"),
    "active": _("Active"),
}


@dataclass
class UserRow:
    """A user as the list shows it: the record, its groups (records) and active key count."""

    user: Any
    groups: list[Any] = field(default_factory=list)
    api_keys: int = 0


def _check_write(env: Env) -> None:
    env.check("res.user", "write")
    env.check("res.user.group", "write")


def users(env: Env, *, include_inactive: bool = True) -> list[UserRow]:
    """Every user with their groups and active API key count: three queries in all."""
    env.check("res.user", "read")
    User, Group, Member = env["res.user"], env["res.group"], env["res.user.group"]
    query = select(User).order_by(User.login)
    if not include_inactive:
        query = query.where(User.active.is_(True))
    rows = {u.id: UserRow(u) for u in env.session.scalars(query)}
    memberships = env.session.execute(
        select(Member.user_id, Group.id).join(Group, Group.id == Member.group_id)
    )
    by_id = {g.id: g for g in env.session.scalars(select(Group))}
    for user_id, group_id in memberships:
        if user_id in rows:
            rows[user_id].groups.append(by_id[group_id])
    ApiKey = env["res.user.apikey"]
    with env.unchecked():  # counts only: the keys themselves stay hidden
        counts = env.session.execute(
            select(ApiKey.user_id, func.count())
            .where(ApiKey.revoked_at.is_(None))
            .group_by(ApiKey.user_id)
        )
        for user_id, count in counts:
            if user_id in rows:
                rows[user_id].api_keys = int(count)
    return list(rows.values())


def user(env: Env, user_id: int) -> Any:
    env.check("res.user", "read")
    found = env.session.get(env["res.user"], user_id)
    if found is None:
        raise NotFound(_("user #%(id)s does not exist", id=user_id))
    return found


def groups(env: Env) -> list[Any]:
    """All groups, by application then name: the check boxes of the user form."""
    env.check("res.group", "read")
    Group = env["res.group"]
    return list(env.session.scalars(select(Group).order_by(Group.category, Group.name)))


def group_ids_of(env: Env, user_id: int) -> set[int]:
    Member = env["res.user.group"]
    return set(env.session.scalars(select(Member.group_id).where(Member.user_id == user_id)))


def api_keys_of(env: Env, user_id: int) -> list[Any]:
    """A user's keys for their administrator (a system model: read with the admin's right)."""
    env.check("res.user.apikey", "read")
    ApiKey = env["res.user.apikey"]
    return list(
        env.session.scalars(
            select(ApiKey).where(ApiKey.user_id == user_id).order_by(ApiKey.id.desc())
        )
    )


def check_password(password: str, confirm: str | None = None) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationError(
            _("The new password needs at least %(n)s characters.", n=MIN_PASSWORD),
            field="password",
        )
    if confirm is not None and password != confirm:
        raise ValidationError(_("The two new passwords differ."), field="confirm_password")


def _clean(values: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """Trimmed, length-checked values; every problem named on its field at once."""
    problems: dict[str, Any] = {}
    clean: dict[str, Any] = {}
    limits = {"login": 64, "name": 128, "email": 254, "tz": 64}
    for key in ("login", "name", "email", "tz"):
        if key not in values:
            continue
        text = str(values[key] or "").strip()
        if "\x00" in text:  # no database stores it; say so instead of failing
            problems[key] = _("%(field)s contains a NUL character.", field=LABELS[key])
        elif len(text) > limits[key]:
            problems[key] = _(
                "%(field)s is too long (at most %(n)s characters).",
                field=LABELS[key],
                n=limits[key],
            )
        clean[key] = text
    for key in ("login", "name") if creating else ("name",):
        if (key in values or creating) and not clean.get(key):
            problems[key] = _("%(field)s is required.", field=LABELS[key])
    if "email" in clean and clean["email"] and "@" not in clean["email"]:
        problems["email"] = _("%(value)s is not an e-mail address.", value=clean["email"])
    if "lang" in values:
        if values["lang"] not in LANGS:
            problems["lang"] = _("The language must be one of %(choices)s.", choices="en, zh_CN")
        clean["lang"] = values["lang"]
    if "tz" in clean and not clean["tz"]:
        clean["tz"] = "UTC"
    if "tz" in clean:
        from zoneinfo import available_timezones

        if clean["tz"] not in available_timezones() | {"UTC"}:
            problems["tz"] = _("%(value)s is not a known time zone.", value=clean["tz"])
    if "active" in values:
        if not isinstance(values["active"], bool):
            problems["active"] = _("%(field)s must be true or false", field=LABELS["active"])
        clean["active"] = values["active"]
    if problems:
        first = next(iter(problems.values()))
        raise ValidationError(first, fields=problems)
    return clean


def _group_ids(env: Env, wanted: Iterable[int]) -> set[int]:
    ids = {int(g) for g in wanted}
    Group = env["res.group"]
    known = set(env.session.scalars(select(Group.id).where(Group.id.in_(ids))))
    unknown = sorted(ids - known)
    if unknown:
        raise ValidationError(_("group #%(id)s does not exist", id=unknown[0]), field="group_ids")
    base = env.session.scalar(select(Group.id).where(Group.xmlid == BASE_GROUP))
    if base is not None:
        ids.add(base)  # every user is an internal user; the other groups come on top
    return ids


def _active_admins(env: Env) -> set[int]:
    """Users who are administrators: active, and superuser or (implied) in the admin group."""
    User, Group, Member = env["res.user"], env["res.group"], env["res.user.group"]
    admin = env.session.scalar(select(Group.id).where(Group.xmlid == ADMIN_GROUP))
    members = select(Member.user_id).where(Member.group_id == admin)
    return set(
        env.session.scalars(
            select(User.id).where(
                User.active.is_(True), User.is_superuser.is_(True) | User.id.in_(members)
            )
        )
    )


def _ensure_an_admin_remains(env: Env) -> None:
    env.session.flush()
    if not _active_admins(env):
        raise ValidationError(
            _("At least one active administrator must remain; this change would leave none."),
            field="group_ids",
        )


def _set_groups(env: Env, user_id: int, group_ids: set[int]) -> None:
    Member = env["res.user.group"]
    current = group_ids_of(env, user_id)
    if current - group_ids:
        env.session.execute(
            delete(Member).where(
                Member.user_id == user_id, Member.group_id.in_(current - group_ids)
            )
        )
    for group_id in sorted(group_ids - current):
        env.session.add(Member(user_id=user_id, group_id=group_id))


def create_user(env: Env, values: dict[str, Any], group_ids: Iterable[int], password: str) -> Any:
    """A new internal user with ``group_ids`` on top of the internal-user group."""
    _check_write(env)
    env.check("res.user", "create")
    clean = _clean(values, creating=True)
    check_password(password)
    User = env["res.user"]
    if env.session.scalar(select(User.id).where(User.login == clean["login"])) is not None:
        raise ValidationError(
            _("login %(login)s is already taken", login=clean["login"]), field="login"
        )
    ids = _group_ids(env, group_ids)
    created = User(**clean, password_hash=hash_password(password))
    env.session.add(created)
    env.session.flush()
    _set_groups(env, created.id, ids)
    env.session.flush()
    return created


def update_user(
    env: Env, user_id: int, values: dict[str, Any], group_ids: Iterable[int] | None = None
) -> Any:
    """Change a user's details and, when given, replace their groups."""
    _check_write(env)
    target = user(env, user_id)
    unknown = sorted(set(values) - set(EDITABLE))
    if unknown:
        raise ValidationError(_("unknown field: %(field)s", field=unknown[0]), field=unknown[0])
    clean = _clean(values, creating=False)
    if clean.get("active") is False and target.id == env.uid:
        raise ValidationError(_("You cannot deactivate yourself."), field="active")
    for key, value in clean.items():
        setattr(target, key, value)
    if group_ids is not None:
        _set_groups(env, target.id, _group_ids(env, group_ids))
    _ensure_an_admin_remains(env)
    return target


def set_password(env: Env, user_id: int, password: str, confirm: str | None = None) -> Any:
    """An administrator sets another user's password (the user's sessions end in the web layer)."""
    _check_write(env)
    target = user(env, user_id)
    check_password(password, confirm)
    target.password_hash = hash_password(password)
    env.session.flush()
    return target


def unlock(env: Env, user_id: int) -> Any:
    """Lift a sign-in lock and forget the failed attempts that caused it."""
    _check_write(env)
    target = user(env, user_id)
    target.locked_until = None
    Attempt = env["web.login.attempt"]
    with env.sudo("an administrator unlocks a user (right checked above)"):
        env.session.execute(delete(Attempt).where(Attempt.login == target.login))
    env.session.flush()
    return target


def revoke_api_key(env: Env, user_id: int, key_id: int) -> Any:
    """Revoke one of ``user_id``'s keys (a key of another user does not exist here)."""
    _check_write(env)
    ApiKey = env["res.user.apikey"]
    row = env.session.get(ApiKey, key_id)
    if row is None or row.user_id != user_id:
        raise NotFound(_("API key #%(id)s does not exist", id=key_id))
    return apikeys.revoke(env, row)

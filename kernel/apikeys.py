"""Per-user API keys: created by their owner (account screen, ``/api/v1/_account/api-keys``)
or by an admin with ``suanpan users api-key``; checked by the web host.

A key looks like ``sp_<prefix><secret>``. Only the 8-character ``prefix`` (to find
the row without scanning every hash) and an argon2 hash of the whole key are
stored, so a leaked database does not leak usable keys; the key itself is shown
once, when it is created.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kernel.errors import NotFound, ValidationError
from kernel.fields import utcnow
from kernel.i18n import _
from kernel.passwords import hash_password, verify_password
from kernel.security import system_write

if TYPE_CHECKING:
    from kernel.env import Env
    from kernel.models.registry import Registry

KEY_MARK = "sp_"
PREFIX_LENGTH = 8


def create_api_key(env: Env, user_id: int, name: str = "") -> str:
    """Store a new key for ``user_id`` and return it; this is the only time it is readable."""
    User = env["res.user"]
    if env.session.get(User, user_id) is None:
        raise NotFound(_("user #%(id)s does not exist", id=user_id))
    body = secrets.token_urlsafe(32)
    key = f"{KEY_MARK}{body}"
    ApiKey = env["res.user.apikey"]
    row = ApiKey(
        user_id=user_id,
        name=name,
        prefix=body[:PREFIX_LENGTH],
        key_hash=hash_password(key),
    )
    system_write(env.session, row)  # keys are a system model (kernel.policy)
    env.session.add(row)
    env.session.flush()
    return key


def verify_api_key(session: Session, registry: Registry, token: str) -> int | None:
    """The id of the active user owning ``token``, or ``None``; marks the key as used.

    Runs on a plain session (before anybody is signed in), so the caller commits
    to keep ``last_used_at``.
    """
    if not token.startswith(KEY_MARK) or len(token) <= len(KEY_MARK) + PREFIX_LENGTH:
        return None
    prefix = token[len(KEY_MARK) : len(KEY_MARK) + PREFIX_LENGTH]
    ApiKey = registry["res.user.apikey"]
    User = registry["res.user"]
    candidates = session.scalars(
        select(ApiKey)
        .join(User, User.id == ApiKey.user_id)
        .where(ApiKey.prefix == prefix, ApiKey.revoked_at.is_(None), User.active.is_(True))
    ).all()
    for row in candidates:
        valid, _new_hash = verify_password(token, row.key_hash)
        if valid:
            row.last_used_at = utcnow()
            return int(row.user_id)
    return None


def own_api_keys(env: Env) -> list[Any]:
    """The signed-in user's keys, newest first.

    API keys are a system model that only admins read through the generic API;
    their owner sees their own here (the account screen and ``/api/v1/_account``).
    """
    ApiKey = env["res.user.apikey"]
    with env.unchecked():
        return list(
            env.session.scalars(
                select(ApiKey).where(ApiKey.user_id == env.uid).order_by(ApiKey.id.desc())
            )
        )


def create_own_api_key(env: Env, name: str) -> tuple[Any, str]:
    """A new key for the signed-in user: the row and the key, readable this once."""
    name = name.strip()
    if not name:
        raise ValidationError(
            _("Give the key a name, e.g. the program that will use it."), field="name"
        )
    if len(name) > 128:
        raise ValidationError(_("The name is too long (at most 128 characters)."), field="name")
    if env.uid is None:
        raise ValidationError(_("only a signed-in user has API keys"))
    key = create_api_key(env, env.uid, name)
    return own_api_keys(env)[0], key


def revoke_own_api_key(env: Env, key_id: int) -> Any:
    """Revoke one of the signed-in user's keys; another user's key does not exist for them."""
    ApiKey = env["res.user.apikey"]
    with env.unchecked():
        row = env.session.get(ApiKey, key_id)
    if row is None or row.user_id != env.uid:
        raise NotFound(_("API key #%(id)s does not exist", id=key_id))
    return revoke(env, row)


def revoke(env: Env, row: Any) -> Any:
    """Revoke ``row`` (once; a revoked key stays revoked) after the caller checked who may."""
    if row.revoked_at is None:
        system_write(env.session, row)
        row.revoked_at = utcnow()
        env.session.flush()
    return row

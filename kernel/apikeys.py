"""Per-user API keys: created by ``suanpan users api-key``, checked by the web host.

A key looks like ``sp_<prefix><secret>``. Only the 8-character ``prefix`` (to find
the row without scanning every hash) and an argon2 hash of the whole key are
stored, so a leaked database does not leak usable keys; the key itself is shown
once, when it is created.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from kernel.errors import NotFound
from kernel.fields import utcnow
from kernel.i18n import _
from kernel.passwords import hash_password, verify_password

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
    env.session.add(
        ApiKey(
            user_id=user_id,
            name=name,
            prefix=body[:PREFIX_LENGTH],
            key_hash=hash_password(key),
        )
    )
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

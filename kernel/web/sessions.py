"""Server-side browser sessions stored in the database (``web.session``).

Why the database and not a worker's memory: a multi-worker server (granian with
N processes) must see the same sessions in every worker, and signing out or
revoking must take effect everywhere at once. The cookie only carries a random
``sid``; the table stores its SHA-256, so a leaked database dump cannot be
replayed as cookies.

Lifetimes: a session ends after 8 hours without a request (idle) and in any case
7 days after sign-in (absolute). ``expires_at`` always holds the earlier of the
two and slides forward on use (written at most every few minutes, not on every
request).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from kernel.fields import utcnow

if TYPE_CHECKING:
    from sqlalchemy.engine import CursorResult

    from kernel.instance import Instance

IDLE = dt.timedelta(hours=8)
ABSOLUTE = dt.timedelta(days=7)
TOUCH_EVERY = dt.timedelta(minutes=5)
COOKIE_NAME = "suanpan_session"


@dataclass(frozen=True)
class SessionUser:
    """Who a valid session belongs to (what every request needs, read in one query)."""

    session_id: int
    uid: int
    name: str
    lang: str
    tz: str
    flash_data: bytes = b""
    #: the instance's ``registry_version`` setting, read in the same statement
    registry_version: int | None = None


def hash_sid(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


@contextmanager
def system_session(instance: Instance, *, readonly: bool = False) -> Iterator[Session]:
    """A transaction without an env: the web host's own bookkeeping, committed at the end.

    Access checks only apply to sessions carrying an ``Env``; sessions, sign-in
    attempts and key checks are the web host's records, not a user's business
    action. ``readonly`` rolls back instead of committing.
    """
    session = instance.sessionmaker()
    try:
        if instance.dialect == "sqlite":
            session.connection(
                execution_options={"sqlite_begin": "DEFERRED" if readonly else "IMMEDIATE"}
            )
        yield session
        if readonly:
            session.rollback()
        else:
            session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def create_session(instance: Instance, user_id: int, *, replaces: str | None = None) -> str:
    """Start a session for ``user_id`` and return the new ``sid`` for the cookie.

    ``replaces`` (the sid the browser had before signing in) is revoked, so the
    identifier changes at sign-in and a fixated sid is useless.
    """
    WebSession = instance.registry["web.session"]
    sid = secrets.token_urlsafe(32)
    now = utcnow()
    with system_session(instance) as session:
        if replaces:
            session.execute(
                update(WebSession)
                .where(WebSession.sid_hash == hash_sid(replaces))
                .values(revoked=True)
            )
        # housekeeping: drop sessions that ended more than a day ago
        session.execute(
            delete(WebSession).where(
                WebSession.user_id.is_not(None), WebSession.expires_at < now - dt.timedelta(days=1)
            )
        )
        session.add(
            WebSession(
                sid_hash=hash_sid(sid),
                user_id=user_id,
                data=b"",
                created_at=now,
                expires_at=min(now + IDLE, now + ABSOLUTE),
            )
        )
    return sid


def registry_version_column(instance: Instance) -> Any:
    """The ``registry_version`` setting as a scalar subquery, to read along another query.

    Every request reads its user anyway; reading the version in that same
    statement tells the worker whether another process installed or uninstalled
    an addon, at no cost and without a timer.
    """
    Setting = instance.registry["ir.setting"]
    return (
        select(Setting.value)
        .where(Setting.key == "registry_version")
        .scalar_subquery()
        .label("registry_version")
    )


def resolve_session(instance: Instance, sid: str | None) -> SessionUser | None:
    """The signed-in user of ``sid``, or None when it is unknown, revoked, expired or inactive."""
    if not sid or len(sid) > 200:
        return None
    WebSession = instance.registry["web.session"]
    User = instance.registry["res.user"]
    now = utcnow()
    with system_session(instance, readonly=True) as session:
        row = session.execute(
            select(
                WebSession.id,
                WebSession.created_at,
                WebSession.expires_at,
                WebSession.data,
                User.id,
                User.name,
                User.lang,
                User.tz,
                registry_version_column(instance),
            )
            .join(User, User.id == WebSession.user_id)
            .where(
                WebSession.sid_hash == hash_sid(sid),
                WebSession.revoked.is_(False),
                User.active.is_(True),
            )
        ).first()
    if row is None:
        return None
    session_id, created_at, expires_at, data, uid, name, lang, tz, version = row
    created_at, expires_at = _aware(created_at), _aware(expires_at)
    if expires_at <= now or created_at + ABSOLUTE <= now:
        return None
    new_expiry = min(now + IDLE, created_at + ABSOLUTE)
    if new_expiry - expires_at >= TOUCH_EVERY:
        with system_session(instance) as session:
            session.execute(
                update(WebSession).where(WebSession.id == session_id).values(expires_at=new_expiry)
            )
    return SessionUser(
        session_id,
        int(uid),
        name or "",
        lang or "en",
        tz or "UTC",
        flash_data=bytes(data or b""),
        registry_version=_as_int(version),
    )


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def revoke_session(instance: Instance, sid: str | None) -> None:
    """Sign-out: the session stops working in every worker at once."""
    if not sid:
        return
    WebSession = instance.registry["web.session"]
    with system_session(instance) as session:
        session.execute(
            update(WebSession).where(WebSession.sid_hash == hash_sid(sid)).values(revoked=True)
        )


def revoke_user_sessions(instance: Instance, user_id: int, *, keep: int | None = None) -> int:
    """Revoke every session of a user but ``keep`` (password change); returns how many."""
    WebSession = instance.registry["web.session"]
    with system_session(instance) as session:
        result = session.execute(
            update(WebSession)
            .where(
                WebSession.user_id == user_id,
                WebSession.revoked.is_(False),
                WebSession.id != (keep or 0),
            )
            .values(revoked=True)
        )
        return int(cast("CursorResult[Any]", result).rowcount or 0)


# --- flash messages: shown once on the next page, kept in the session row ----------------


def push_flash(instance: Instance, session_id: int, text: str, level: str = "success") -> None:
    """Queue a message for the next page this session renders (e.g. "Saved" after a redirect).

    Kept in the database like the session itself, so the next request may land
    on any worker.
    """
    push_flashes(instance, session_id, [(text, level)])


def push_flashes(instance: Instance, session_id: int, messages: list[tuple[str, str]]) -> None:
    """Queue several ``(text, level)`` messages in one transaction."""
    WebSession = instance.registry["web.session"]
    with system_session(instance) as session:
        row = session.get(WebSession, session_id, with_for_update=True)
        if row is None:
            return
        queued = json.loads(row.data or b"[]") if row.data else []
        queued.extend({"text": text, "level": level} for text, level in messages)
        row.data = json.dumps(queued[-10:]).encode()


def read_flash(data: bytes) -> list[dict[str, str]]:
    if not data:
        return []
    try:
        queued = json.loads(data)
    except ValueError:
        return []
    return (
        [m for m in queued if isinstance(m, dict) and "text" in m]
        if isinstance(queued, list)
        else []
    )


def clear_flash(instance: Instance, session_id: int, shown: bytes) -> None:
    """Forget the messages that were shown (compare-and-clear: newer ones stay queued).

    Runs after the page was sent, outside any unit of work, so it never waits
    on the page's own transaction (SQLite allows one writer at a time).
    """
    WebSession = instance.registry["web.session"]
    with system_session(instance) as session:
        session.execute(
            update(WebSession)
            .where(WebSession.id == session_id, WebSession.data == shown)
            .values(data=b"")
        )

"""Who is asking, in which language, and the unit of work a request runs in.

A handler that touches business data receives the request's unit of work as
``env`` (:mod:`kernel.web.deps`, built on :func:`principal` here); one that
needs several units of its own opens them with ``with unit_for(request) as env``.
Either way the env carries the signed-in user (from the server-side session
cookie, or an ``Authorization: Bearer`` API key), so the kernel's access checks
apply to the request exactly as they apply to the CLI or a hook. Nobody signed
in means a 401, which the error handlers turn into a redirect to the sign-in page
for screens and a problem document for the API.

These functions do synchronous database work: call them from sync handlers
(``sync_to_thread=True``: Litestar runs them in a worker thread).

Before each unit the registry version written by install/uninstall is compared
(at most once a second) with the one this process composed its registry at, so
a worker picks up an addon another process installed without restarting.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from litestar.exceptions import NotAuthorizedException

from kernel.caches import Slot
from kernel.errors import TooManyRequests
from kernel.i18n import DEFAULT_LOCALE, SUPPORTED_LOCALES, _, normalize_locale
from kernel.web.sessions import (
    COOKIE_NAME,
    SessionUser,
    registry_version_column,
    resolve_session,
    system_session,
)

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection

    from kernel.env import Env
    from kernel.instance import Instance

LANG_COOKIE = "suanpan_lang"
FRESHNESS_SECONDS = 1.0


@dataclass(frozen=True)
class Principal:
    """The user a request acts for and how they proved it."""

    uid: int
    name: str
    lang: str
    tz: str
    via: str  # "session" | "apikey"
    session_id: int | None = None
    flash_data: bytes = b""
    #: ``registry_version`` read with the user (``None``: not read, check on the timer)
    registry_version: int | None = None
    #: API keys over their rate limit: seconds until a request may pass again
    retry_after: int | None = None


# --- the instance and its freshness ----------------------------------------------------


@dataclass
class _Freshness:
    registry_id: int = 0
    version: int = -1
    default_lang: str = DEFAULT_LOCALE
    checked_at: float = 0.0


#: the instance's freshness (kept on the instance, not in a table by ``id()``: a new
#: instance may reuse a collected one's id)
FRESHNESS: Slot[_Freshness] = Slot("kernel.web.freshness", _Freshness)
_fresh_lock = threading.Lock()


#: keys of the request's scope, set by the instance's ASGI app (kernel.web.app.InstanceApp):
#: built apps are shared by instances with the same addons, so the request says which one
SCOPE_INSTANCE = "suanpan.instance"
SCOPE_CSRF_SECRET = "suanpan.csrf_secret"


def instance_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Instance:
    instance: Instance = connection.scope[SCOPE_INSTANCE]  # type: ignore[literal-required]
    return instance


def _read_settings(instance: Instance) -> tuple[int, str]:
    import json

    with instance.engine.connect().execution_options(sqlite_begin="DEFERRED") as conn:
        rows = conn.exec_driver_sql(
            "SELECT key, value FROM ir_setting WHERE key IN ('registry_version', 'lang')"
        ).all()
    values: dict[str, Any] = {}
    for key, value in rows:
        if isinstance(value, str):
            with suppress(ValueError):
                value = json.loads(value)
        values[key] = value
    return int(values.get("registry_version") or 0), normalize_locale(
        str(values.get("lang") or DEFAULT_LOCALE)
    )


def ensure_fresh(instance: Instance, *, force: bool = False) -> None:
    """Reload the registry when another process installed or uninstalled an addon.

    Checked at most once per second per instance; the comparison is with the
    version read when this process last saw its registry change.
    """
    state = instance.cache.get(FRESHNESS)
    now = time.monotonic()
    if not force and now - state.checked_at < FRESHNESS_SECONDS:
        return
    with _fresh_lock:
        if not force and now - state.checked_at < FRESHNESS_SECONDS:
            return
        version, lang = _read_settings(instance)
        state.default_lang = lang
        if version != state.version and state.registry_id != 0:
            instance.reload()  # the web app follows: kernel.web.app.InstanceApp
        state.registry_id, state.version = id(instance.registry), version
        state.checked_at = time.monotonic()


def note_registry_version(instance: Instance, version: int) -> None:
    """A request read ``registry_version`` with its user: reload only when it moved.

    Requests of signed-in users thus learn about installs without a query of
    their own (and without a timer, so statement counts do not depend on timing).
    """
    state = instance.cache.get(FRESHNESS)
    if state.checked_at == 0.0:
        ensure_fresh(instance)
    elif version != state.version:
        ensure_fresh(instance, force=True)


def default_lang(instance: Instance) -> str:
    state = instance.cache.get(FRESHNESS)
    if state.checked_at == 0.0:
        ensure_fresh(instance)
    return state.default_lang


# --- who is asking ------------------------------------------------------------------------


def _bearer(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    header = connection.headers.get("authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def uses_bearer(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    return bool(connection.headers.get("authorization"))


#: key rows already verified with argon2, by database and SHA-256 of the key: a key of
#: one database must never be taken for the row with the same id in another
_verified_keys: dict[tuple[str, str], int] = {}
_VERIFIED_MAX = 1024


def _key_user_statement(instance: Instance) -> Any:
    """The user of a verified, unrevoked key, and the registry version: every API call
    runs it, so it is built once per registry (:mod:`kernel.statements`)."""
    from sqlalchemy import bindparam, select

    from kernel.statements import built

    registry = instance.registry
    User = registry["res.user"]
    ApiKey = registry["res.user.apikey"]
    return built(
        registry,
        "kernel.web.key_user",
        lambda: (
            select(User.id, User.name, User.lang, User.tz, registry_version_column(instance))
            .join(ApiKey, ApiKey.user_id == User.id)
            .where(
                ApiKey.id == bindparam("key_id"),
                ApiKey.revoked_at.is_(None),
                User.active.is_(True),
            )
        ),
    )


def _from_api_key(instance: Instance, token: str, rate_limit: int = 0) -> Principal | None:
    """The key's user. The argon2 check runs once per key and process, then one cheap query.

    Why: argon2 costs ~64 MiB and a quarter second by design, which is right for
    a sign-in but not for every API call. After the first successful check the
    key's row id is remembered under the SHA-256 of the key; later requests only
    re-read that row, so a revoked key or a deactivated user is refused at once.

    ``rate_limit`` (requests per minute, 0: none) is counted in the same
    transaction (:mod:`kernel.web.ratelimit`); a key over it gets a principal
    carrying ``retry_after``.
    """
    import hashlib

    from kernel.apikeys import verify_api_key

    registry = instance.registry
    User = registry["res.user"]
    ApiKey = registry["res.user.apikey"]
    digest = (instance.url, hashlib.sha256(token.encode()).hexdigest())
    key_id = _verified_keys.get(digest)
    if key_id is not None:
        found = _known_key(instance, key_id, rate_limit)
        if found is None:
            _verified_keys.pop(digest, None)
        return found
    with system_session(instance) as session:
        uid = verify_api_key(session, registry, token)
        if uid is None:
            return None
        # the verified row is the one verify_api_key just marked as used: still pending
        # in this session (no extra query), so look before anything flushes it
        ids = [obj.id for obj in session.dirty if isinstance(obj, ApiKey) and obj.user_id == uid]
        user = session.get(User, uid)
        if user is None or not user.active:
            return None
        retry_after = None
        if len(ids) == 1:
            if len(_verified_keys) >= _VERIFIED_MAX:
                _verified_keys.clear()
            _verified_keys[digest] = int(ids[0])
            retry_after = _over_limit(instance, session, int(ids[0]), rate_limit)
        return Principal(
            int(uid),
            user.name,
            user.lang or "en",
            user.tz or "UTC",
            "apikey",
            retry_after=retry_after,
        )


def _known_key(instance: Instance, key_id: int, rate_limit: int) -> Principal | None:
    """The user of a key verified earlier in this process, re-read to see a revocation.

    On a plain connection, not an ORM session: this runs before every API call, and
    a session (made, its events run, closed) cost as much CPU as the query itself.
    Without a rate limit nothing is written, so on SQLite the check does not take the
    write lock that the request's own unit may need.
    """
    if instance.dialect == "postgresql":
        return _known_key_postgresql(instance, key_id, rate_limit)
    with instance.engine.connect() as conn:
        conn.execution_options(sqlite_begin="IMMEDIATE" if rate_limit > 0 else "DEFERRED")
        with conn.begin():
            row = conn.execute(_key_user_statement(instance), {"key_id": key_id}).first()
            if row is None:
                return None
            return _principal_of(row, _over_limit(instance, conn, key_id, rate_limit))


def _known_key_postgresql(instance: Instance, key_id: int, rate_limit: int) -> Principal | None:
    """:func:`_known_key` on PostgreSQL: one statement, in autocommit (no BEGIN, no COMMIT).

    With a rate limit, the request's count is a common table expression of the same
    statement, which also tells its transaction not to wait for the disk (see
    :func:`_over_limit`): a round trip where the key's check, its own transaction and
    the count took five. A revoked key's request is counted too; it is refused anyway.
    """
    from kernel.web.ratelimit import minute_of, usage_at

    now = time.time()
    values: dict[str, Any] = {"key_id": key_id}
    statement = _key_user_statement(instance)
    if rate_limit > 0:
        values.update(key=key_id, minute=minute_of(now))
        statement = _key_user_counted_statement(instance)
    with instance.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT")
        row = conn.execute(statement, values).first()
    if row is None:
        return None
    if rate_limit <= 0:
        return _principal_of(row, None)
    *user, count, previous, _commit_setting = row
    return _principal_of(user, usage_at(count, previous, now).retry_after(rate_limit))


def _principal_of(row: Any, retry_after: int | None) -> Principal:
    """The principal of :func:`_key_user_statement`'s row."""
    uid, name, lang, tz, version = row
    return Principal(
        int(uid),
        name,
        lang or "en",
        tz or "UTC",
        "apikey",
        registry_version=_version_of(version),
        retry_after=retry_after,
    )


def _key_user_counted_statement(instance: Instance) -> Any:
    """:func:`_key_user_statement` joined with the rate limit's count (PostgreSQL)."""
    from sqlalchemy import func, true

    from kernel.statements import built
    from kernel.web.ratelimit import upsert

    registry = instance.registry

    def build() -> Any:
        counted = upsert("postgresql", registry["web.api.usage"].__table__).cte("counted")
        return (
            _key_user_statement(instance)
            .add_columns(
                counted.c.count,
                counted.c.previous,
                func.set_config("synchronous_commit", "off", True),
            )
            .join(counted, true())
        )

    return built(registry, "kernel.web.key_user_counted", build)


def _over_limit(instance: Instance, session: Any, key_id: int, limit: int) -> int | None:
    """Count this request of ``key_id``; seconds to wait when it is over ``limit`` per minute."""
    if limit <= 0:
        return None
    from sqlalchemy import text

    from kernel.web.ratelimit import record

    if instance.dialect == "postgresql":
        # this transaction is the request's bookkeeping only (its business unit commits
        # on its own): it need not wait for the disk, since a count lost in a crash
        # costs nothing, where an fsync per API call cost as much as the count itself
        session.execute(text("SET LOCAL synchronous_commit TO OFF"))
    return record(session, instance.registry["web.api.usage"], key_id).retry_after(limit)


def principal(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    """The request's user (cached on the request), or None when nobody is signed in.

    A request carrying an ``Authorization`` header is judged by that header only:
    a wrong key is a 401 even if a session cookie is present.
    """
    state = connection.scope.setdefault("state", {})
    if "suanpan_principal" in state:
        cached: Principal | TooManyRequests | None = state["suanpan_principal"]
        if isinstance(cached, TooManyRequests):
            raise cached
        return cached
    instance = instance_of(connection)
    found: Principal | None = None
    if uses_bearer(connection):
        token = _bearer(connection)
        limit = int(connection.app.state.get("api_rate_limit") or 0)
        found = _from_api_key(instance, token, limit) if token else None
        if found is not None and found.retry_after is not None:
            # every later call in this request refuses alike, error handlers included
            refused = TooManyRequests(
                _(
                    "This API key made too many requests. Wait %(seconds)s seconds and try again.",
                    seconds=found.retry_after,
                ),
                retry_after=found.retry_after,
            )
            state["suanpan_principal"] = refused
            raise refused
    else:
        user: SessionUser | None = resolve_session(instance, connection.cookies.get(COOKIE_NAME))
        if user is not None:
            found = Principal(
                user.uid,
                user.name,
                user.lang,
                user.tz,
                "session",
                user.session_id,
                user.flash_data,
                registry_version=user.registry_version,
            )
    if found is not None and found.registry_version is not None:
        note_registry_version(instance, found.registry_version)
    else:
        ensure_fresh(instance)
    state["suanpan_principal"] = found
    return found


def _version_of(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def forget_principal(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Drop the cached user (after sign-in, sign-out or a preference change)."""
    connection.scope.setdefault("state", {}).pop("suanpan_principal", None)


def current_uid(connection: ASGIConnection[Any, Any, Any, Any]) -> int | None:
    found = principal(connection)
    return found.uid if found is not None else None


def request_lang(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """User's preference, else the language cookie/``Accept-Language``, else the instance default."""
    try:
        found = principal(connection)
    except TooManyRequests:  # refused before anybody acts: speak the browser's language
        found = None
    if found is not None and found.lang in SUPPORTED_LOCALES:
        return found.lang
    cookie = connection.cookies.get(LANG_COOKIE)
    if cookie:
        return normalize_locale(cookie)
    header = connection.headers.get("accept-language")
    if header:
        for piece in header.split(","):
            lang = piece.split(";")[0].strip().lower()
            if lang.startswith(("zh", "en")):
                from kernel.i18n import negotiate_accept_language

                return negotiate_accept_language(header)
    return default_lang(instance_of(connection))


def request_tz(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    found = principal(connection)
    return found.tz if found is not None else "UTC"


@contextmanager
def unit_for(
    connection: ASGIConnection[Any, Any, Any, Any], *, readonly: bool = False
) -> Iterator[Env]:
    """The request user's unit of work; 401 (``NotAuthorizedException``) when nobody is signed in."""
    found = principal(connection)
    if found is None:
        raise NotAuthorizedException(detail="sign in required")
    instance = instance_of(connection)
    with instance.unit(found.uid, lang=request_lang(connection), readonly=readonly) as env:
        yield env


def flash(
    connection: ASGIConnection[Any, Any, Any, Any], message: Any, level: str = "success"
) -> None:
    """Show ``message`` once on the next page of this browser session (after a redirect).

    ``level`` is a Bootstrap alert colour: success, info, warning, danger. The
    message is translated now, in the request's language. No-op for API keys.
    It writes the session row in its own transaction, so inside a handler's
    injected unit (:mod:`kernel.web.deps`) it waits until that unit has committed
    (on SQLite a second writer would wait for the first), and a unit that rolls back
    shows nothing. Outside one, call it after your unit of work has ended.
    """
    from kernel.i18n import text_of, use_locale
    from kernel.web.sessions import push_flash

    found = principal(connection)
    if found is None or found.session_id is None:
        return
    with use_locale(request_lang(connection)):
        text = text_of(message)
    state = connection.scope.setdefault("state", {})
    if state.get("suanpan_unit_open"):
        state.setdefault("suanpan_flash_queue", []).append((text, level))
        return
    push_flash(instance_of(connection), found.session_id, text, level)


def after_commit(connection: ASGIConnection[Any, Any, Any, Any], fn: Callable[[], Any]) -> None:
    """Run ``fn()`` once the request's injected unit has committed; at once if none is open.

    For work that has its own transaction and must follow the unit's changes, not
    race them: signing a deactivated user out, sending what the unit decided. If
    the unit rolls back, ``fn`` never runs.
    """
    state = connection.scope.setdefault("state", {})
    if state.get("suanpan_unit_open"):
        state.setdefault("suanpan_after_commit", []).append(fn)
    else:
        fn()


def unit_committed(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """The request's injected unit committed: write queued messages, run :func:`after_commit` work."""
    from kernel.web.sessions import push_flashes

    state = connection.scope.setdefault("state", {})
    queued = state.pop("suanpan_flash_queue", None)
    found = principal(connection) if queued else None
    if queued and found is not None and found.session_id is not None:
        push_flashes(instance_of(connection), found.session_id, queued)
    for fn in state.pop("suanpan_after_commit", None) or []:
        fn()


def take_flashes(connection: ASGIConnection[Any, Any, Any, Any]) -> list[dict[str, str]]:
    """Messages queued by :func:`flash` for this page.

    They were read with the session (no extra query); :func:`kernel.web.templating.render`
    clears them once the page has been sent.
    """
    from kernel.web.sessions import read_flash

    found = principal(connection)
    if found is None or not found.flash_data:
        return []
    connection.scope.setdefault("state", {})["suanpan_flash_shown"] = (
        found.session_id,
        found.flash_data,
    )
    return read_flash(found.flash_data)

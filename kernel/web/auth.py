"""Signing in and out, with throttling counted in the database.

Why in the database: with several workers, a counter in one process's memory
would let an attacker spread guesses across workers. Every failed attempt is a
``web.login.attempt`` row; :mod:`kernel.web.throttle` holds the policy (a lock
per account with backoff, a cool-down per address and login, a delay — never a
lock — per address). Refusals answer 429 with ``Retry-After``.

Passwords are argon2id (:mod:`kernel.passwords`); a hash made with older
parameters is upgraded on a successful sign-in. Unknown logins cost the same
hashing time as known ones, so timing does not reveal which logins exist.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

import anyio.to_thread
from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import FromQuery
from sqlalchemy import delete, select

from kernel.fields import utcnow
from kernel.i18n import _
from kernel.passwords import hash_password, verify_password
from kernel.web.context import forget_principal, instance_of, principal
from kernel.web.sessions import (
    ABSOLUTE,
    COOKIE_NAME,
    create_session,
    revoke_session,
    system_session,
)
from kernel.web.templating import render
from kernel.web.throttle import MEMORY, account_lock, seconds_until, standing

_DUMMY_HASH: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password("not-a-password-of-anybody"))
    return _DUMMY_HASH[0]


def safe_next(value: str | None) -> str:
    """Only same-site paths: ``/app/sale?x=1`` yes, ``//evil.com`` or ``https://…`` no."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return "/"
    return value


def client_address(request: Request[Any, Any, Any]) -> str:
    return (request.client.host if request.client else "") or "unknown"


def secure_cookies(request: Request[Any, Any, Any]) -> bool:
    configured = request.app.state.get("secure_cookies")
    if configured is not None:
        return bool(configured)
    return request.url.scheme == "https"


def session_cookie(request: Request[Any, Any, Any], sid: str) -> Cookie:
    return Cookie(
        key=COOKIE_NAME,
        value=sid,
        path="/",
        max_age=int(ABSOLUTE.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
    )


def cleared_session_cookie(request: Request[Any, Any, Any]) -> Cookie:
    return Cookie(
        key=COOKIE_NAME,
        value="",
        path="/",
        max_age=0,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
    )


class SignInResult:
    """Outcome of :func:`authenticate`: a user id, or a status and a message.

    ``retry_after`` (seconds) goes into the 429's ``Retry-After``; ``delay`` is
    how long the caller holds the answer back (the per-address slow-down).
    """

    def __init__(
        self,
        uid: int | None,
        status: int = 200,
        message: Any = None,
        *,
        retry_after: int | None = None,
        delay: float = 0.0,
    ) -> None:
        self.uid = uid
        self.status = status
        self.message = message
        self.retry_after = retry_after
        self.delay = delay

    @property
    def headers(self) -> dict[str, str] | None:
        return {"Retry-After": str(self.retry_after)} if self.retry_after else None


def _locked(until: dt.datetime, now: dt.datetime, delay: float) -> SignInResult:
    wait = seconds_until(until, now)
    return SignInResult(
        None,
        429,
        _(
            "This account is locked after too many failed sign-ins. Try again in %(minutes)s minute(s).",
            minutes=max(1, -(-wait // 60)),
        ),
        retry_after=wait,
        delay=delay,
    )


def authenticate(instance: Any, login: str, password: str, address: str) -> SignInResult:
    """Check a password against the throttling rules; records failures. One transaction."""
    registry = instance.registry
    User = registry["res.user"]
    Attempt = registry["web.login.attempt"]
    now = utcnow()
    login = login.strip()[:64]
    address = address[:64]
    with system_session(instance) as session:
        seen = standing(session, Attempt, login, address, now)
        delay = seen.delay
        user = session.scalar(select(User).where(User.login == login))
        locks = [t for t in (seen.locked_until(), _user_lock(user)) if t is not None and t > now]
        if locks:
            return _locked(max(locks), now, delay)
        cooling = seen.cooling_until()
        if cooling is not None and cooling > now:
            wait = seconds_until(cooling, now)
            return SignInResult(
                None,
                429,
                _(
                    "Too many failed sign-ins for this login from your address. Wait %(seconds)s seconds and try again.",
                    seconds=wait,
                ),
                retry_after=wait,
                delay=delay,
            )
        valid = False
        new_hash: str | None = None
        if user is not None and user.active and user.password_hash:
            valid, new_hash = verify_password(password, user.password_hash)
        else:
            verify_password(password, _dummy_hash())
        if valid and user is not None:
            if new_hash:
                user.password_hash = new_hash
            user.locked_until = None
            session.execute(delete(Attempt).where(Attempt.login == login))
            return SignInResult(int(user.id), delay=delay)
        session.add(Attempt(login=login, address=address, at=now))
        # housekeeping: attempts older than the memory no longer count for anything
        session.execute(delete(Attempt).where(Attempt.at < now - MEMORY))
        lock = account_lock(seen.account_failures + 1)
        if lock is not None:
            if user is not None:
                user.locked_until = now + lock
            return _locked(now + lock, now, delay)
    return SignInResult(None, 401, _("Wrong login or password."), delay=delay)


def _user_lock(user: Any) -> dt.datetime | None:
    """A lock set on the user row (by the policy, or by an administrator)."""
    until: dt.datetime | None = user.locked_until if user is not None else None
    if until is not None and until.tzinfo is None:
        until = until.replace(tzinfo=dt.UTC)
    return until


@get("/login", name="login", sync_to_thread=True)
def login_page(
    request: Request[Any, Any, Any], next: FromQuery[str | None] = None
) -> Response[Any]:
    if principal(request) is not None:
        return Response("", status_code=303, headers={"Location": safe_next(next)})
    return render(request, "auth/login.html", {"next": safe_next(next), "login": "", "error": None})


@post("/login", name="login_submit")
async def login_submit(request: Request[Any, Any, Any]) -> Response[Any]:
    # async on purpose: a throttled answer waits on the event loop, not in a worker thread
    form = await request.form()
    login = str(form.get("login") or "")
    password = str(form.get("password") or "")
    target = safe_next(str(form.get("next") or "/"))
    response, delay = await anyio.to_thread.run_sync(
        lambda: _finish_login(request, login, password, target)
    )
    if delay:
        # held back here, not in the thread: a slowed answer must not occupy a worker thread
        await anyio.sleep(delay)
    return response


def _finish_login(
    request: Request[Any, Any, Any], login: str, password: str, target: str
) -> tuple[Response[Any], float]:
    instance = instance_of(request)
    if not login or not password:
        result = SignInResult(None, 400, _("Enter your login and password."))
    else:
        result = authenticate(instance, login, password, client_address(request))
    if result.uid is None:
        page = render(
            request,
            "auth/login.html",
            {"next": target, "login": login, "error": result.message},
            status_code=result.status,
            headers=result.headers,
        )
        return page, result.delay
    sid = create_session(instance, result.uid, replaces=request.cookies.get(COOKIE_NAME))
    forget_principal(request)
    redirect = Response(
        "",
        status_code=303,
        headers={"Location": target},
        cookies=[session_cookie(request, sid)],
    )
    return redirect, result.delay


@post("/logout", name="logout", sync_to_thread=True)
def logout(request: Request[Any, Any, Any]) -> Response[Any]:
    revoke_session(instance_of(request), request.cookies.get(COOKIE_NAME))
    forget_principal(request)
    return Response(
        "",
        status_code=303,
        headers={"Location": "/login"},
        cookies=[cleared_session_cookie(request)],
    )


AUTH_ROUTES: list[Any] = [login_page, login_submit, logout]

"""Signing in and out, with throttling counted in the database.

Why in the database: with several workers, a counter in one process's memory
would let an attacker spread guesses across workers. Every failed attempt is a
``web.login.attempt`` row; the rules are

* 5 failures for one login within 15 minutes lock that account for 15 minutes
  (``res.user.locked_until``), answered with 429 — even with the right password;
* 20 failures from one address within 15 minutes refuse that address (429).

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
from sqlalchemy import delete, func, select

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

WINDOW = dt.timedelta(minutes=15)
LOCK_FOR = dt.timedelta(minutes=15)
MAX_PER_LOGIN = 5
MAX_PER_ADDRESS = 20

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
    """Outcome of :func:`authenticate`: a user id, or a status and a message."""

    def __init__(self, uid: int | None, status: int = 200, message: Any = None) -> None:
        self.uid = uid
        self.status = status
        self.message = message


def authenticate(instance: Any, login: str, password: str, address: str) -> SignInResult:
    """Check a password against the throttling rules; records failures. One transaction."""
    registry = instance.registry
    User = registry["res.user"]
    Attempt = registry["web.login.attempt"]
    now = utcnow()
    since = now - WINDOW
    login = login.strip()[:64]
    with system_session(instance) as session:
        by_address = session.scalar(
            select(func.count(Attempt.id)).where(Attempt.address == address, Attempt.at >= since)
        )
        if (by_address or 0) >= MAX_PER_ADDRESS:
            return SignInResult(
                None, 429, _("Too many failed sign-ins from your address. Try again later.")
            )
        user = session.scalar(select(User).where(User.login == login))
        locked_until = user.locked_until if user is not None else None
        if locked_until is not None and locked_until.tzinfo is None:
            locked_until = locked_until.replace(tzinfo=dt.UTC)
        if locked_until is not None and locked_until > now:
            return SignInResult(
                None,
                429,
                _(
                    "This account is locked after too many failed sign-ins. Try again in 15 minutes."
                ),
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
            return SignInResult(int(user.id))
        session.add(Attempt(login=login, address=address[:64], at=now))
        # housekeeping: attempts older than a day no longer count for anything
        session.execute(delete(Attempt).where(Attempt.at < now - dt.timedelta(days=1)))
        session.flush()
        failures = session.scalar(
            select(func.count(Attempt.id)).where(Attempt.login == login, Attempt.at >= since)
        )
        if (failures or 0) >= MAX_PER_LOGIN:
            if user is not None:
                user.locked_until = now + LOCK_FOR
            return SignInResult(
                None,
                429,
                _(
                    "This account is locked after too many failed sign-ins. Try again in 15 minutes."
                ),
            )
    return SignInResult(None, 401, _("Wrong login or password."))


@get("/login", name="login")
async def login_page(
    request: Request[Any, Any, Any], next: FromQuery[str | None] = None
) -> Response[Any]:
    return await anyio.to_thread.run_sync(lambda: _login_page(request, next))


def _login_page(request: Request[Any, Any, Any], next: str | None) -> Response[Any]:
    if principal(request) is not None:
        return Response("", status_code=303, headers={"Location": safe_next(next)})
    return render(request, "auth/login.html", {"next": safe_next(next), "login": "", "error": None})


@post("/login", name="login_submit")
async def login_submit(request: Request[Any, Any, Any]) -> Response[Any]:
    form = await request.form()
    login = str(form.get("login") or "")
    password = str(form.get("password") or "")
    target = safe_next(str(form.get("next") or "/"))
    return await anyio.to_thread.run_sync(lambda: _finish_login(request, login, password, target))


def _finish_login(
    request: Request[Any, Any, Any], login: str, password: str, target: str
) -> Response[Any]:
    instance = instance_of(request)
    if not login or not password:
        result = SignInResult(None, 400, _("Enter your login and password."))
    else:
        result = authenticate(instance, login, password, client_address(request))
    if result.uid is None:
        return render(
            request,
            "auth/login.html",
            {"next": target, "login": login, "error": result.message},
            status_code=result.status,
        )
    sid = create_session(instance, result.uid, replaces=request.cookies.get(COOKIE_NAME))
    forget_principal(request)
    return Response(
        "",
        status_code=303,
        headers={"Location": target},
        cookies=[session_cookie(request, sid)],
    )


@post("/logout", name="logout")
async def logout(request: Request[Any, Any, Any]) -> Response[Any]:
    return await anyio.to_thread.run_sync(lambda: _logout(request))


def _logout(request: Request[Any, Any, Any]) -> Response[Any]:
    revoke_session(instance_of(request), request.cookies.get(COOKIE_NAME))
    forget_principal(request)
    return Response(
        "",
        status_code=303,
        headers={"Location": "/login"},
        cookies=[cleared_session_cookie(request)],
    )


AUTH_ROUTES: list[Any] = [login_page, login_submit, logout]

"""Exception handlers of the whole web app: every failure becomes a readable answer.

* ``/api/…`` paths get ``application/problem+json`` (RFC 9457): ``type``,
  ``title``, ``status``, ``detail`` and ``fields`` ({field: message}), in the
  request's language.
* Screens get the error page, or for htmx requests a small fragment with the
  message (htmx swaps it into the page's message area).
* A screen request from somebody not signed in is redirected to
  ``/login?next=…``.
* Anything unexpected is logged with its traceback and answered with a 500 that
  shows none of it.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    ValidationException,
)
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from sqlalchemy.exc import DBAPIError

from kernel import i18n
from kernel.errors import TooManyRequests, UserError
from kernel.i18n import _, text_of

log = logging.getLogger(__name__)

TITLES: dict[int, i18n.LazyString] = {
    400: _("Bad request"),
    401: _("Sign-in required"),
    403: _("Forbidden"),
    404: _("Not found"),
    405: _("Method not allowed"),
    409: _("Conflict"),
    413: _("Request too large"),
    422: _("Validation failed"),
    429: _("Too many requests"),
    500: _("Internal error"),
    503: _("Please retry"),
}

DETAILS: dict[int, i18n.LazyString] = {
    401: _("You need to sign in to do this."),
    403: _("You are not allowed to do this."),
    404: _("The page or record you asked for does not exist."),
    405: _("This address does not accept this kind of request."),
    413: _("The request is larger than this server accepts."),
    429: _("Too many requests. Wait a moment and try again."),
    500: _("Something went wrong on our side. The error was logged; please try again later."),
}

CSRF_DETAIL = _("The form expired or was sent from another site. Reload the page and try again.")


def is_api(request: Request[Any, Any, Any]) -> bool:
    """A program, not a screen, asked: ``/api/…``, an API key, or JSON accepted and HTML not.

    JSON routes of addons (``/sales/last-prices/…``) then answer problem+json too.
    """
    path = request.url.path
    if path.startswith("/api/") or path == "/api":
        return True
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return True
    accept = request.headers.get("accept", "")
    return "json" in accept and "html" not in accept


def is_htmx(request: Request[Any, Any, Any]) -> bool:
    return request.headers.get("hx-request") == "true"


def _lang(request: Request[Any, Any, Any]) -> str:
    try:
        from kernel.web.context import request_lang

        return request_lang(request)
    except Exception:  # the database may be what failed
        return i18n.get_locale()


def problem(
    request: Request[Any, Any, Any],
    status: int,
    detail: str,
    fields: dict[str, str] | None = None,
    *,
    title: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    """The answer for ``status``: problem+json for the API, a page or fragment for screens."""
    with i18n.use_locale(_lang(request)):
        title_text = title or text_of(TITLES.get(status, TITLES[500 if status >= 500 else 400]))
        if is_api(request):
            body = {
                "type": "about:blank",
                "title": title_text,
                "status": status,
                "detail": detail,
                "fields": fields or {},
            }
            return Response(
                content=body,
                status_code=status,
                media_type="application/problem+json",
                headers=headers,
            )
        return _page(request, status, title_text, detail, fields or {}, headers)


def _page(
    request: Request[Any, Any, Any],
    status: int,
    title: str,
    detail: str,
    fields: dict[str, str],
    headers: dict[str, str] | None,
) -> Response[Any]:
    from markupsafe import escape

    template = "error_fragment.html" if is_htmx(request) else "error.html"
    context = {"status": status, "title": title, "detail": detail, "fields": fields}
    try:
        from kernel.web.templating import render

        return render(request, template, context, status_code=status, headers=headers)
    except Exception:
        log.exception("rendering the error page failed")
        html = f"<!doctype html><title>{escape(title)}</title><h1>{escape(title)}</h1><p>{escape(detail)}</p>"
        return Response(
            content=html, status_code=status, media_type=MediaType.HTML, headers=headers
        )


def _fields(error: UserError) -> dict[str, str]:
    return {name: text_of(message) for name, message in error.fields.items()}


def user_error(request: Request[Any, Any, Any], exc: UserError) -> Response[Any]:
    with i18n.use_locale(_lang(request)):
        headers = {"Retry-After": "1"} if exc.status == 503 else None
        if isinstance(exc, TooManyRequests):
            headers = {"Retry-After": str(exc.retry_after)}
        return problem(request, exc.status, text_of(exc.message), _fields(exc), headers=headers)


#: Litestar's (msgspec's) reasons for refusing a typed parameter, as the user reads them
REASONS: list[tuple[re.Pattern[str], i18n.LazyString]] = [
    (re.compile(r"Expected `int` >= (?P<n>-?\d+)"), _("must be at least %(n)s")),
    (re.compile(r"Expected `int` <= (?P<n>-?\d+)"), _("must be at most %(n)s")),
    (re.compile(r"Expected `int( \| null)?`"), _("must be a whole number")),
    (re.compile(r"Expected `bool( \| null)?`"), _("must be true or false")),
    (re.compile(r"Expected `str` of length <= (?P<n>\d+)"), _("must be at most %(n)s characters")),
    (re.compile(r"Expected `str` of length >= (?P<n>\d+)"), _("must be at least %(n)s characters")),
    (re.compile(r"date"), _("must be a date (YYYY-MM-DD)")),
    (re.compile(r"decimal|Expected `float`|Expected `number`"), _("must be a number")),
    (re.compile(r"[Mm]issing required"), _("is required")),
    (re.compile(r"[Ii]nvalid enum value"), _("is not one of the allowed values")),
]


def reason(name: str, message: str) -> str:
    """Why parameter ``name`` was refused, in the current language, naming it."""
    for pattern, text in REASONS:
        found = pattern.search(message)
        if found:
            because = text_of(text) % found.groupdict() if found.groupdict() else text_of(text)
            return i18n.gettext("%(field)s %(reason)s", field=name, reason=because)
    return i18n.gettext("%(field)s is not valid", field=name)


def validation_error(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    extra = exc.extra if isinstance(exc.extra, list) else []
    with i18n.use_locale(_lang(request)):
        fields: dict[str, str] = {}
        for item in extra:
            if isinstance(item, dict):
                key = str(item.get("key") or item.get("source") or "body")
                fields[key] = reason(key, str(item.get("message") or ""))
        detail = "; ".join(fields.values()) or i18n.gettext("The request has invalid values.")
        # values of well-formed parameters: 422, like every other refused value; a body
        # that could not be read at all stays a 400
        sources = {item.get("source") for item in extra if isinstance(item, dict)}
        status = 422 if sources and sources <= {"query", "path", "header", "cookie"} else 400
        return problem(request, status, detail, fields)


def not_authorized(request: Request[Any, Any, Any], exc: NotAuthorizedException) -> Response[Any]:
    if is_api(request):
        with i18n.use_locale(_lang(request)):
            return problem(
                request,
                401,
                text_of(DETAILS[401]),
                headers={"WWW-Authenticate": 'Bearer realm="suanpan"'},
            )
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    location = "/login?next=" + quote(target, safe="/")
    if is_htmx(request):
        return Response(content="", status_code=401, headers={"HX-Redirect": location})
    return Response(content="", status_code=303, headers={"Location": location})


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    if status == 404 and _hidden_screen(request):
        return not_authorized(request, NotAuthorizedException())
    with i18n.use_locale(_lang(request)):
        if status == 403 and "CSRF" in str(exc.detail):
            detail = text_of(CSRF_DETAIL)
        elif status in DETAILS:
            detail = text_of(DETAILS[status])
        else:
            detail = str(exc.detail or "")
        headers = dict(exc.headers or {})
        return problem(request, status, detail, headers=headers or None)


def _hidden_screen(request: Request[Any, Any, Any]) -> bool:
    """An unknown ``/app/…`` screen asked by somebody not signed in: sign in first.

    Why: which screens exist (and so which addons are installed) is for signed-in
    users to know; everybody else gets the sign-in page, for screens that exist or not.
    """
    if not request.url.path.startswith("/app/") or is_api(request):
        return False
    from kernel.web.context import principal

    try:
        return principal(request) is None
    except Exception:  # a refused API key or an unreachable database: not this case
        return False


def internal_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    with i18n.use_locale(_lang(request)):
        return problem(request, HTTP_500_INTERNAL_SERVER_ERROR, text_of(DETAILS[500]))


def database_error(request: Request[Any, Any, Any], exc: DBAPIError) -> Response[Any]:
    """A connection that died under a request (a restarted server) is a 503, not a 500.

    Nothing of the request was committed, and SQLAlchemy has already emptied the
    pool, so the client's retry gets a fresh connection. A user's unit reconnects
    by itself before its first statement (:meth:`kernel.instance.Instance.open_unit`);
    this is for the rest (sign-in, unauthenticated pages).
    """
    if not exc.connection_invalidated:
        return internal_error(request, exc)
    log.warning("database connection lost on %s %s: %s", request.method, request.url.path, exc)
    with i18n.use_locale(_lang(request)):
        detail = _("the connection to the database was lost; please retry")
        return problem(request, 503, text_of(detail), headers={"Retry-After": "1"})


EXCEPTION_HANDLERS: dict[Any, Any] = {
    UserError: user_error,
    ValidationException: validation_error,
    NotAuthorizedException: not_authorized,
    HTTPException: http_error,
    DBAPIError: database_error,
    Exception: internal_error,
}

"""What route handlers receive by dependency injection: ``env``, the request's unit of work.

A handler that touches business data is a plain sync function run in a worker
thread (``sync_to_thread=True``) that declares ``env: RequestEnv``::

    @get("/mrp/plan", sync_to_thread=True)
    def plan_page(request: Request, env: RequestEnv, days: int = 14) -> Response: ...

Litestar resolves ``env`` with :func:`provide_env` before the handler runs and ends
the unit after it returns: commit when the handler returned, roll back when it
raised (then the error handlers answer). ``GET`` and ``HEAD`` get a read-only unit,
and so does a handler marked ``opt={READONLY_UNIT: True}``.
Nobody signed in is a 401, which the error handlers turn into the sign-in page or a
problem document.

Why the locale is set here and not by the unit: the unit is opened and ended in
worker threads, but the language is a context variable, and a worker thread sees a
*copy* of the request's context taken when the handler starts. Setting it in the
request's own context, before the handler starts, is what every thread then sees.

Declare any other dependency of a handler as depending on ``env`` (as
:func:`kernel.web.ui.routes.provide_view` does): dependencies that do not depend on
each other are resolved in separate tasks, and ``env``'s locale would not reach the
handler from one of those.

How many units are open at once is bounded (:data:`MAX_OPEN_UNITS` per event loop),
and the worker threads outnumber them (:data:`WORKER_THREADS`, see
:func:`use_worker_threads`). Why: a unit is opened, used and committed in three hops
to worker threads, holding its database locks in between. Litestar runs sync code on
asyncio's default executor, a few threads on a small machine (six on two cores).
Eight API clients creating orders at once filled them all with handlers waiting for
the lock of the order-number counter, while the unit holding that lock waited for a
thread to commit in: the server stood still. Requests beyond the bound now wait on
the event loop, holding no thread and no connection.

Messages shown on the next page (:func:`kernel.web.context.flash`), and work given
to :func:`kernel.web.context.after_commit`, run when the unit has committed: on
SQLite a second writer inside the unit would wait for it, and a rolled-back unit
must not have told anybody anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import weakref
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, Any

from litestar import Request
from litestar.concurrency import get_asyncio_executor, set_asyncio_executor, sync_to_thread
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotAuthorizedException
from litestar.params import Body, SkipValidation

from kernel import i18n
from kernel.env import Env
from kernel.web.context import instance_of, principal, request_lang, unit_committed

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: ``opt={READONLY_UNIT: True}`` on a handler: a read-only unit for a POST (a form's preview)
READONLY_UNIT = "readonly_unit"
UNIT_OPEN = "suanpan_unit_open"

#: units of work open at once per event loop (``SUANPAN_WEB_UNITS``): below the
#: database pool (30 on PostgreSQL) and well below :data:`WORKER_THREADS`
MAX_OPEN_UNITS = int(os.environ.get("SUANPAN_WEB_UNITS", "") or 24)
#: threads running the handlers' sync code: the open units, plus room for who-is-asking
#: look-ups and pages that open units of their own
WORKER_THREADS = max(64, 2 * MAX_OPEN_UNITS)
_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


def use_worker_threads() -> None:
    """Give Litestar's sync handlers :data:`WORKER_THREADS` threads (once per process).

    Called when an app is made, outside the event loop (Litestar refuses to change
    its executor inside one); a process whose loop is already running keeps what it has.
    """
    if get_asyncio_executor() is not None:
        return
    with contextlib.suppress(RuntimeError):  # inside a running loop
        set_asyncio_executor(
            ThreadPoolExecutor(max_workers=WORKER_THREADS, thread_name_prefix="suanpan-web")
        )


def _unit_slots() -> asyncio.Semaphore:
    """The bound on open units of this event loop (a test client runs a loop of its own)."""
    loop = asyncio.get_running_loop()
    found = _slots.get(loop)
    if found is None:
        found = _slots[loop] = asyncio.Semaphore(MAX_OPEN_UNITS)
    return found


def _open(request: Request[Any, Any, Any], readonly: bool) -> Env:
    found = principal(request)
    if found is None:
        raise NotAuthorizedException(detail="sign in required")
    return instance_of(request).open_unit(
        found.uid,
        lang=request_lang(request),
        readonly=readonly,
        # a GET changes nothing, down to the database (a form's preview, a POST, writes
        # and rolls back)
        read_only_transaction=request.method in READ_ONLY_METHODS,
    )


async def provide_env(request: Request[Any, Any, Any]) -> AsyncIterator[Env]:
    """The signed-in user's unit of work for one request (see the module's docstring)."""
    readonly = request.method in READ_ONLY_METHODS or bool(
        request.route_handler.opt.get(READONLY_UNIT)
    )
    async with _unit_slots():
        env = await sync_to_thread(_open, request, readonly)
        instance = env.instance
        state = request.scope.setdefault("state", {})
        state[UNIT_OPEN] = True
        locale = i18n.use_locale(env.lang)
        locale.__enter__()
        try:
            yield env
        except BaseException as exc:
            state[UNIT_OPEN] = False
            await sync_to_thread(instance.end_unit, env, readonly=readonly, ok=False)
            locale.__exit__(type(exc), exc, exc.__traceback__)
            raise
        state[UNIT_OPEN] = False
        try:
            await sync_to_thread(instance.end_unit, env, readonly=readonly, ok=True)
        finally:
            locale.__exit__(None, None, None)
    await sync_to_thread(unit_committed, request)


#: ``dependencies=`` of the app: every handler may declare ``env: RequestEnv``.
DEPENDENCIES = {"env": Provide(provide_env)}

#: how a handler declares the unit of work it receives (Litestar does not validate it)
RequestEnv = NamedDependency[SkipValidation[Env]]

#: ``data: FormBody``: a posted form (``application/x-www-form-urlencoded``) as a dict,
#: read before the unit opens; a field sent twice is a list (see :func:`last_values`)
FormBody = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
#: ``data: UploadBody``: a posted ``multipart/form-data`` form; files are ``UploadFile``
UploadBody = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


def last_values(data: dict[str, Any] | None) -> dict[str, Any]:
    """A posted form as field → value; a field sent twice keeps its last value.

    Why the last: a checkbox posts a hidden "0" before its own value.
    """
    return {k: (v[-1] if isinstance(v, list) and v else v) for k, v in (data or {}).items()}

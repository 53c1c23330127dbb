"""The web host as the API benchmark runs it: granian in a subprocess, counting SQL.

    python -m benchmarks.api_server DB_URL PORT [WORKERS]

The app is the real one (:func:`kernel.web.server.app_factory`); a thin ASGI
wrapper adds an ``x-sql-statements`` header to each response (statements the
engine ran while the request was served, counted per request through a context
variable, so exact with concurrent requests too) and an ``x-server-pid`` header (the
worker process that served it: a keep-alive connection stays with one), and answers
``GET /__bench__/stats`` with the process's statement total and peak memory. Nothing else is changed, so the figures are
those of a production server with WORKERS workers (1 unless given).
"""

from __future__ import annotations

import contextvars
import json
import os
import resource
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from sqlalchemy import event

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

STATS_PATH = "/__bench__/stats"
HEADER = b"x-sql-statements"
PID_HEADER = b"x-server-pid"
# the statements of the request being served: the unit runs in a worker thread that
# inherits the request's context, so concurrent requests each count their own
_REQUEST_COUNT: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
    "bench_statements", default=None
)


class CountingApp:
    """Wraps the ASGI app: counts statements per request, serves the stats path."""

    def __init__(self, app: ASGIApp, engine: Any) -> None:
        self.app = app
        self.total = 0
        event.listen(engine, "before_cursor_execute", self._on_statement)

    def _on_statement(self, *_args: Any) -> None:
        self.total += 1
        counter = _REQUEST_COUNT.get()
        if counter is not None:
            counter[0] += 1

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] == STATS_PATH:
            await self._stats(send)
            return
        counter = [0]
        _REQUEST_COUNT.set(counter)

        async def counted(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((HEADER, str(counter[0]).encode()))
                headers.append((PID_HEADER, str(os.getpid()).encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, counted)

    async def _stats(self, send: Send) -> None:
        body = json.dumps(
            {
                "statements": self.total,
                "peak_memory_mb": round(
                    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
                ),
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})


def app_factory() -> CountingApp:
    """The instance's app from the environment (as ``kernel.web.server``), wrapped."""
    from kernel.database import default_url
    from kernel.instance import Instance
    from kernel.web.server import app_factory as real_factory

    app = real_factory()
    instance = Instance.open(os.environ.get("SUANPAN_DB") or default_url())
    return CountingApp(app, instance.engine)


def main(argv: list[str]) -> None:
    from granian import Granian
    from granian.constants import Interfaces

    url, port = argv[0], int(argv[1])
    workers = int(argv[2]) if len(argv) > 2 else 1
    os.environ["SUANPAN_DB"] = url
    os.environ["SUANPAN_ALLOWED_HOSTS"] = "127.0.0.1"
    # one key drives hundreds of orders a minute: measure the work, not the rate limit
    os.environ.setdefault("SUANPAN_API_RATE_LIMIT", "0")
    Granian(
        "benchmarks.api_server:app_factory",
        address="127.0.0.1",
        port=port,
        interface=Interfaces.ASGI,
        workers=workers,
        factory=True,
        log_access=False,
    ).serve()


if __name__ == "__main__":
    main(sys.argv[1:])

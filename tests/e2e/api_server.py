"""``suanpan serve --workers N`` in a subprocess, and a small JSON client per API key.

Why a subprocess: the end-to-end tests must see what a deployment sees — granian
worker processes sharing one PostgreSQL database, requests spread over them —
not an app object called in the test's own process.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Api:
    """JSON requests with one user's API key; answers ``(status, body)``."""

    def __init__(self, base: str, key: str, lang: str = "en") -> None:
        self.base, self.key, self.lang = base, key, lang

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={
                "Authorization": f"Bearer {self.key}",
                "Content-Type": "application/json",
                "Accept-Language": self.lang,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            return exc.code, json.loads(raw) if raw else None

    def ok(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        got, data = self.call(method, path, body)
        assert got == status, f"{method} {path}: {got} {data}"
        return data

    def get(self, path: str) -> Any:
        return self.ok("GET", path)

    def post(self, path: str, body: Any = None, status: int = 200) -> Any:
        return self.ok("POST", path, body if body is not None else {}, status)


@contextmanager
def served(db_url: str, workers: int = 2, *options: str) -> Iterator[str]:
    """The instance at ``db_url`` served by ``workers`` granian processes; yields the base URL.

    ``options`` are more ``suanpan serve`` options (``--jobs``, ``none``).
    """
    port = _free_port()
    log = open(os.devnull, "wb")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [sys.executable, "-m", "kernel.cli", "serve", "--db", db_url, "--port", str(port),
         "--workers", str(workers), *options],
        cwd=ROOT,
        env={**os.environ, "SUANPAN_FAST_HASH": "1"},
        stdout=log,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(base + "/health", timeout=5) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError):
                pass
            if server.poll() is not None:
                raise AssertionError(server.stderr.read().decode() if server.stderr else "")
            assert time.monotonic() < deadline, "the server did not answer within 120 s"
            time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
        log.close()

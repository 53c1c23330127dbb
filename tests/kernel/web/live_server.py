"""A live server and headless Chromium for the browser tests (web host and end-to-end).

Why a module: the shell, screen and order tests all need the same three things —
an instance served by uvicorn on a free port in a thread, Debian's Chromium with
flags that keep it offline, and a folder for screenshots people can look at.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from kernel.instance import Instance

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS_ENV = "SUANPAN_TEST_ARTIFACTS"


def require_chromium() -> None:
    """Skip (fail on CI) when Chromium is missing."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required in CI")
        pytest.skip("Chromium is not installed")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve(instance: Instance, **app_options: Any) -> Iterator[str]:
    """Serve ``create_app(instance)`` with uvicorn in a thread; yields the base URL."""
    import uvicorn

    from kernel.web.app import create_app
    from kernel.web.context import ensure_fresh

    ensure_fresh(instance, force=True)
    port = free_port()
    config = uvicorn.Config(
        create_app(instance, **app_options),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def artifact(name: str, *, default: str | None = None) -> str | None:
    """Where to save a screenshot: ``$SUANPAN_TEST_ARTIFACTS/name`` (or ``default``), else None."""
    folder = os.environ.get(ARTIFACTS_ENV) or default
    if not folder:
        return None
    Path(folder).mkdir(parents=True, exist_ok=True)
    return str(Path(folder) / name)

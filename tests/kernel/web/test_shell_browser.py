"""The shell in a real browser (headless Chromium): no CSP violation, nothing external, htmx CSRF."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from shell_helpers import SHELL_ADDONS

from kernel.instance import Instance
from kernel.testing import MakeInstance, make_user
from kernel.web.app import create_app
from kernel.web.context import ensure_fresh

CHROMIUM = "/usr/bin/chromium"
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

pytestmark = pytest.mark.browser


@pytest.fixture
def server(make_instance: MakeInstance) -> Iterator[tuple[Instance, str]]:
    """The app served by uvicorn on a free local port, in a thread."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required in CI")
        pytest.skip("Chromium is not installed")
    import uvicorn

    instance = make_instance(["webshell"], addons_path=SHELL_ADDONS)
    make_user(instance, "clerk", [], password="pw")
    make_user(instance, "wang", [], lang="zh_CN", password="pw")
    ensure_fresh(instance, force=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        create_app(instance), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert uv.started, "the server did not start"
    yield instance, f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)


def _artifact(name: str) -> str | None:
    folder = os.environ.get("SUANPAN_TEST_ARTIFACTS")
    if not folder:
        return None
    Path(folder).mkdir(parents=True, exist_ok=True)
    return str(Path(folder) / name)


def test_shell_pages_in_chromium(server: tuple[Instance, str]) -> None:
    from playwright.sync_api import sync_playwright

    _instance, base = server
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for width, height in ((1366, 768), (390, 844)):
                context = browser.new_context(
                    viewport={"width": width, "height": height}, locale="zh-CN"
                )
                page = context.new_page()
                problems: list[str] = []
                elsewhere: list[str] = []
                page.on(
                    "console",
                    lambda m: problems.append(m.text) if m.type == "error" else None,  # noqa: B023
                )
                page.on("pageerror", lambda e: problems.append(str(e)))  # noqa: B023
                page.on(
                    "request",
                    lambda r: (
                        elsewhere.append(r.url)  # noqa: B023
                        if not r.url.startswith((base, "data:"))
                        else None
                    ),
                )
                page.goto(f"{base}/login")
                assert "登录" in page.inner_text("h1")
                path = _artifact(f"shell-login-{width}.png")
                if path:
                    page.screenshot(path=path)
                page.fill("#login", "wang")
                page.fill("#password", "pw")
                page.click("form[action='/login'] button[type=submit]")
                page.wait_for_url(f"{base}/")
                assert "欢迎" in page.inner_text("h1")
                # the fonts and icons really load (Bootstrap Icons' woff2 is same-origin)
                loaded = page.evaluate(
                    "document.fonts.load('16px bootstrap-icons').then(f => f.length)"
                )
                assert loaded >= 1
                # an htmx POST carries the CSRF token from hx-headers on <body>
                status = page.evaluate(
                    """() => new Promise(done => {
                        document.body.addEventListener(
                            'htmx:afterRequest', e => done(e.detail.xhr.status), {once: true});
                        htmx.ajax('POST', '/account/api-keys',
                                  {target: '#sp-main', swap: 'none', values: {name: 'from htmx'}});
                    })"""
                )
                assert status == 200
                for url in ("/account/preferences", "/account/api-keys", "/webshell/page"):
                    page.goto(f"{base}{url}")
                    page.wait_for_load_state("networkidle")
                path = _artifact(f"shell-home-{width}.png")
                if path:
                    page.goto(f"{base}/")
                    page.screenshot(path=path)
                assert not elsewhere, f"requests to other origins: {elsewhere}"
                assert not [p for p in problems if "Content Security Policy" in p], problems
                assert not [p for p in problems if "404" in p], problems
                context.close()
        finally:
            browser.close()

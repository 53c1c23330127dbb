"""The shell in a real browser (headless Chromium): no CSP violation, nothing external, htmx CSRF."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from live_server import ARGS, CHROMIUM, artifact, require_chromium, serve
from shell_helpers import SHELL_ADDONS

from kernel.instance import Instance
from kernel.testing import MakeInstance, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def server(make_instance: MakeInstance) -> Iterator[tuple[Instance, str]]:
    """The app served by uvicorn on a free local port, in a thread."""
    require_chromium()
    instance = make_instance(["webshell"], addons_path=SHELL_ADDONS)
    make_user(instance, "clerk", [], password="pw")
    make_user(instance, "wang", [], lang="zh_CN", password="pw")
    with serve(instance) as base:
        yield instance, base


def _artifact(name: str) -> str | None:
    return artifact(name)


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

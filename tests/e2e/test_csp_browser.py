"""Every main screen of a full instance under the Content-Security-Policy, in headless Chromium.

Issue 15.5: the CSP allows scripts from this site only — no inline scripts, no
``on…=`` handlers, no ``eval`` — so a template or addon that slips one in breaks
in the browser. This walks every menu entry of every built-in addon as the
administrator, listening for ``securitypolicyviolation`` events and console
errors, checks each page's headers, and saves a form.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from live_server import ARGS, CHROMIUM, artifact, require_chromium, serve

from kernel.instance import Instance
from kernel.testing import ADMIN_PASSWORD, MakeInstance
from kernel.web.templating import collect_menus

pytestmark = pytest.mark.browser
ADDONS = ["base", "sales_order", "stock", "purchase", "accounting", "purchase_accounting"]
#: the dashboard and forms with pickers and line editors, waited on until the network is idle
SETTLE = ["/", "/app/sales/orders/new", "/app/purchase/orders/new", "/app/transfers/new"]
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def full(make_instance: MakeInstance) -> Iterator[tuple[Instance, str]]:
    require_chromium()
    instance = make_instance(ADDONS)
    with serve(instance) as base:
        yield instance, base


def _menu_urls(instance: Instance) -> list[str]:
    """One URL per screen the menus lead to (filtered variants of a list are the same screen)."""
    urls: dict[str, str] = {}
    stack = list(collect_menus(instance.registry))
    while stack:
        entry = stack.pop(0)
        if entry.url and entry.url.startswith("/"):
            urls.setdefault(entry.url.split("?")[0], entry.url)
        stack.extend(entry.children)
    return [url for url in urls.values() if url not in SETTLE]


def _script_sources(csp: str) -> str:
    found = re.search(r"script-src ([^;]*)", csp)
    return found.group(1) if found else ""


def test_main_screens_run_under_the_csp_and_a_form_saves(full: tuple[Instance, str]) -> None:
    from playwright.sync_api import sync_playwright

    instance, base = full
    urls = _menu_urls(instance)
    assert len(urls) >= 15, urls  # every addon's screens, not just the home page
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            context.add_init_script(WATCH)
            page = context.new_page()
            page.on(
                "console",
                lambda m: (
                    problems.append(f"{m.text} {m.location.get('url')} on {page.url}")
                    if m.type == "error"
                    else None
                ),
            )
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on(
                "response",
                lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
            )
            page.goto(f"{base}/login")
            page.fill("#login", "admin")
            page.fill("#password", ADMIN_PASSWORD)
            page.click("form[action='/login'] button[type=submit]")
            page.wait_for_url(f"{base}/")
            visited: dict[str, list[str]] = {}
            for url in [*SETTLE, *urls]:
                response = page.goto(f"{base}{url}")
                assert response is not None and response.status == 200, (url, response)
                headers = response.headers
                csp = headers["content-security-policy"]
                assert "'unsafe-inline'" not in _script_sources(csp)
                assert "'unsafe-eval'" not in _script_sources(csp)
                assert "frame-ancestors 'none'" in csp
                assert headers["x-content-type-options"] == "nosniff"
                assert headers["referrer-policy"] == "same-origin"
                if url in SETTLE:  # pages that load parts of themselves after the page
                    page.wait_for_load_state("networkidle")
                visited[url] = page.evaluate("window.__csp")
            violations = {url: found for url, found in visited.items() if found}
            assert violations == {}, violations

            # a form still works: the generic partner form saves through htmx and CSRF
            page.goto(f"{base}/app/partners/new")
            page.fill("#f-name", "CSP Trading Co.")
            with page.expect_navigation():
                page.click("button[form=record-form]")
            assert re.search(r"/app/partners/\d+$", page.url), page.url
            assert "CSP Trading Co." in page.inner_text("body")
            assert page.evaluate("window.__csp") == []
            path = artifact("csp-partner-saved.png")
            if path:
                page.screenshot(path=path)
        finally:
            browser.close()
    assert [p for p in problems if "Content Security Policy" in p] == []
    assert problems == [], problems

"""The screens in a real browser (headless Chromium): keyboard, picker, inline lines, reason modal.

Skipped when Chromium is not installed; the Content-Security-Policy is active, so a
script that breaks it shows up as a console error.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from fixtures.webclient import ADDONS
from live_server import ARGS, CHROMIUM, serve

from kernel.testing import make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed"),
]


@pytest.fixture
def live(make_instance: Any) -> Iterator[tuple[str, str, Any]]:
    from kernel.web.sessions import create_session

    instance = make_instance(["webdemo"], addons_path=ADDONS)
    uid = make_user(instance, "clerk", ["webdemo.group_user"])
    with instance.unit(None, su=True) as env:
        env.session.add_all(
            [env["webdemo.customer"](name=n) for n in ("ACME Trading", "Blue River Foods")]
        )
        env.session.add(env["webdemo.order"](name="SO1", amount_total=Decimal("10")))
    sid = create_session(instance, uid)
    with serve(instance, allowed_hosts=["*"]) as base:
        yield base, sid, instance


def _signed_in(p: Any, base: str, sid: str) -> tuple[Any, Any, list[str]]:
    """Chromium with the clerk's session: the browser, a page, and the page's errors so far."""
    browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    context.add_cookies([{"name": "suanpan_session", "value": sid, "url": base}])
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return browser, page, errors


def test_keyboard_picker_lines_and_reason_modal(live: tuple[str, str, Any]) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, sid, instance = live
    with sync_playwright() as p:
        browser, page, errors = _signed_in(p, base, sid)
        page.goto(f"{base}/app/demo-orders")
        page.keyboard.press("/")
        assert page.evaluate("document.activeElement.name") == "q"
        page.keyboard.type("SO1")
        page.keyboard.press("Enter")
        page.wait_for_url("**q=SO1")
        assert page.locator(".sp-row-link").count() == 1

        page.goto(f"{base}/app/demo-orders/1")
        page.fill("#f-customer_id", "")
        page.type("#f-customer_id", "blue")
        expect(page.locator("[data-sp-pick]")).to_have_count(1)  # typing narrowed the list
        page.locator("[data-sp-pick]").first.click()
        page.click("[data-sp-add-line]")
        page.wait_for_selector("input[name=lines-lines-0-description]")
        page.click("[data-sp-add-line]")
        page.wait_for_selector("input[name=lines-lines-1-description]")
        page.fill("input[name=lines-lines-0-description]", "From the browser")
        page.fill("input[name=lines-lines-0-quantity]", "2.5")
        page.locator("[data-sp-remove-line]").nth(1).click()
        with page.expect_navigation():
            page.press("input[name=lines-lines-0-quantity]", "Enter")  # Enter in a field saves

        page.click("text=Cancel…")
        page.wait_for_selector("#reason-cancel-text", state="visible")
        page.fill("#reason-cancel-text", "asked by phone")
        with page.expect_navigation():
            page.locator("#reason-cancel button[type=submit]").click()
        assert page.locator(".sp-current").inner_text() == "Cancelled"
        browser.close()
    assert errors == []
    with instance.unit(None, su=True) as env:
        order = env.session.get(env["webdemo.order"], 1)
        assert order.customer.name == "Blue River Foods"
        assert [(line.description, line.quantity) for line in order.lines] == [
            ("From the browser", Decimal("2.5"))
        ]
        assert order.state == "cancelled"


def test_typing_faster_than_the_picker_answers_logs_no_error(live: tuple[str, str, Any]) -> None:
    """Each picker answer takes 0.6 s, and the clerk types before the first one (on focus)
    came back: the search queues behind it instead of aborting it (an aborted request made
    htmx log a console error), and the list ends narrowed to what was typed."""
    from playwright.sync_api import expect, sync_playwright

    base, sid, _instance = live
    with sync_playwright() as p:
        browser, page, errors = _signed_in(p, base, sid)
        asked: list[str] = []

        def slow(route: Any) -> None:
            asked.append(route.request.url)
            page.wait_for_timeout(600)
            route.continue_()

        page.goto(f"{base}/app/demo-orders/1")
        page.route("**/app/_picker/**", slow)
        page.click("#f-customer_id")  # focus: the first (unfiltered) list is asked for
        page.fill("#f-customer_id", "")
        page.type("#f-customer_id", "acme")
        expect(page.locator("[data-sp-pick]")).to_have_count(1)
        expect(page.locator("[data-sp-pick]")).to_contain_text("ACME Trading")
        page.wait_for_timeout(800)  # nothing still in flight may change it afterwards
        expect(page.locator("[data-sp-pick]")).to_have_count(1)
        browser.close()
    assert len(asked) >= 2, asked  # the focus list and the search were both asked for
    assert errors == []

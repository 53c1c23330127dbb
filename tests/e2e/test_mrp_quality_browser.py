"""Inspecting a production order in a real browser, in English and in Chinese (issue 10).

A production user opens a started order of a bill with an inspection point, sends
it to the quality check, records the inspection in its dialog (2 passed, 1 failed
and scrapped) — the inspection row shows on the order — and marks it done: 2 stools
in stock, the failed one in the scrap location at the order's cost. Screenshots go
to ``$SUANPAN_TEST_ARTIFACTS`` (default ``test-artifacts/``) as ``mrp-quality-<lang>-*.png``.
"""

from __future__ import annotations

from typing import Any

import pytest
from live_server import ARGS, CHROMIUM, artifact, require_chromium, serve

from kernel import workflow
from kernel.testing import MakeInstance, make_user

pytestmark = pytest.mark.browser
TEXT = {
    "en": {
        "send": "Send to quality check",
        "record": "Record inspection",
        "quality": "Quality check",
        "partial": "Partly failed",
        "scrap": "Scrap",
        "done": "Mark as done",
        "state_done": "Done",
        "point": "Seat surface",
    },
    "zh_CN": {
        "send": "送质检",
        "record": "记录检验",
        "quality": "质检",
        "partial": "部分不合格",
        "scrap": "报废",
        "done": "标记完工",
        "state_done": "已完成",
        "point": "凳面表面",
    },
}


def _shot(page: Any, lang: str, name: str) -> None:
    path = artifact(f"mrp-quality-{lang}-{name}.png", default="test-artifacts")
    if path:
        page.screenshot(path=path, full_page=True)


def _click(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_production_order_inspected_in_the_browser(make_instance: MakeInstance, lang: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    from addons.mrp.services.production import create_production
    from addons.mrp.tests.conftest import D, bom, on_hand, product, stock_in

    require_chromium()
    instance = make_instance(["mrp"])
    make_user(instance, "worker", ["mrp.group_user"], lang=lang)
    words = TEXT[lang]
    with instance.unit(None, su=True) as env:
        board = product(env, "Oak board", uom="uom_m", cost="80", name_zh="橡木板材")
        stool = product(env, "Oak stool", route="make", name_zh="橡木凳")
        bill = bom(env, stool, [(board, "1.5")])
        bill.quality_points = [
            env["mrp.quality.point"](name=words["point"], instructions="—"),
        ]
        stock_in(env, {board: 10})
        mo = create_production(env, stool, D(3))
        workflow.fire(env, mo, "confirm")
        workflow.fire(env, mo, "start")
        mo_id = mo.id
    problems: list[str] = []
    with serve(instance) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            page = context.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(f"{base}/login")
            page.fill("#login", "worker")
            page.fill("#password", "pw")
            page.click("form[action='/login'] button[type=submit]")
            page.wait_for_url(f"{base}/")

            page.goto(f"{base}/app/mrp/productions/{mo_id}")
            send = page.locator("[data-sp-action=inspect]")
            assert send.inner_text().strip() == words["send"]
            _click(page, "[data-sp-action=inspect]")
            expect(page.locator(".sp-statusbar")).to_contain_text(words["quality"])
            record = page.locator("[data-sp-do=inspect_units]")
            assert record.inner_text().strip().rstrip("…") == words["record"]
            record.click()
            dialog = page.locator("#do-inspect_units")
            dialog.wait_for(state="visible")
            assert page.input_value("#do-inspect_units-quantity") == "3"
            page.fill("#do-inspect_units-qty_passed", "2")
            page.fill("#do-inspect_units-qty_failed", "1")
            page.select_option("#do-inspect_units-failed_action", "scrap")
            page.fill("#do-inspect_units-note", "cracked seat")
            _shot(page, lang, "1-record-inspection")
            _click(page, "#do-inspect_units button[type=submit]")
            main = page.locator("main")
            expect(main).to_contain_text(words["partial"])
            expect(main).to_contain_text("cracked seat")
            expect(main).to_contain_text(words["scrap"])
            _shot(page, lang, "2-inspected")
            assert page.locator("[data-sp-action=produce]").inner_text().strip() == words["done"]
            _click(page, "[data-sp-action=produce]")
            expect(page.locator(".sp-statusbar")).to_contain_text(words["state_done"])
            _shot(page, lang, "3-done")
        finally:
            browser.close()
    with instance.unit(None, su=True) as env:
        production = env.get("mrp.production", mo_id)
        # 1.5 m of board at 80.00 = 120.00 a stool; one scrapped
        assert (production.state, production.scrap_cost) == ("done", D(120))
        assert on_hand(env, stool) == D(2)
    assert problems == []

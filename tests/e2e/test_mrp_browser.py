"""Making furniture in a real browser, in English and in Chinese (issue 10).

A production user opens *Manufacturing*, creates a production order for two oak
table legs on the form (picking the product by typing its name: the bill is filled
in by itself), confirms it (the components are reserved and listed), starts it and
marks it done; the product's stock grows and the order shows its material cost.
The bill of materials screen shows the component tree of the demo table. Screenshots
go to ``$SUANPAN_TEST_ARTIFACTS`` (default ``test-artifacts/``) as ``mrp-<lang>-*.png``.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from live_server import ARGS, CHROMIUM, artifact, require_chromium, serve
from sqlalchemy import select

from kernel.testing import MakeInstance, make_user

pytestmark = pytest.mark.browser
TEXT = {
    "en": {
        "menu": "Manufacturing",
        "leg": "Oak table leg",
        "confirm": "Confirm",
        "done": "Mark as done",
        "available": "Components available",
        "state_done": "Done",
        "board": "Oak board",
    },
    "zh_CN": {
        "menu": "生产制造",
        "leg": "橡木桌腿",
        "confirm": "确认",
        "done": "标记完工",
        "available": "组件齐套",
        "state_done": "已完成",
        "board": "橡木板材",
    },
}


def _sign_in(browser: Any, base: str, login: str, problems: list[str]) -> Any:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(f"{base}/login")
    page.fill("#login", login)
    page.fill("#password", "pw")
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def _shot(page: Any, lang: str, name: str) -> None:
    path = artifact(f"mrp-{lang}-{name}.png", default="test-artifacts")
    if path:
        page.screenshot(path=path, full_page=True)


def _click(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def _pick(page: Any, field_id: str, text: str) -> None:
    page.fill(f"#{field_id}", "")
    page.type(f"#{field_id}", text)
    picker = page.locator(f"#{field_id}").locator("xpath=ancestor::*[@data-sp-picker][1]")
    item = picker.locator("[data-sp-pick]", has_text=text).first
    item.wait_for(state="visible")
    item.click()
    page.wait_for_timeout(400)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_production_order_created_and_finished_in_the_browser(
    make_instance: MakeInstance, lang: str
) -> None:
    from playwright.sync_api import sync_playwright

    require_chromium()
    instance = make_instance(["mrp"], demo=True)
    make_user(instance, "worker", ["mrp.group_user"], lang=lang)
    with instance.unit(None, su=True) as env:
        leg = env.ref("mrp.demo_table_leg").id
        table_bom = env.ref("mrp.demo_bom_table").id
        from addons.mrp.tests.conftest import on_hand, stock_in

        stock_in(env, {env.ref("mrp.demo_oak_board").id: 5})  # the demo's board is all promised
        legs_before = on_hand(env, leg)
    words = TEXT[lang]
    problems: list[str] = []
    with serve(instance) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = _sign_in(browser, base, "worker", problems)
            assert words["menu"] in page.inner_text("nav")
            page.goto(f"{base}/app/mrp/productions")
            _shot(page, lang, "1-orders")
            page.goto(f"{base}/app/mrp/productions/new")
            _pick(page, "f-product_id", words["leg"])
            page.fill("#f-quantity", "2")
            _shot(page, lang, "2-new-order")
            _click(page, "button[form=record-form]")
            assert re.search(r"/app/mrp/productions/\d+$", page.url), page.url
            mo = int(page.url.rsplit("/", 1)[-1])
            assert page.locator("[data-sp-action=confirm]").inner_text().strip() == words["confirm"]
            _click(page, "[data-sp-action=confirm]")
            _shot(page, lang, "3-confirmed")
            body = page.inner_text("main")
            assert words["available"] in body and words["board"] in body, body
            _click(page, "[data-sp-action=start]")
            assert page.locator("[data-sp-action=produce]").inner_text().strip() == words["done"]
            _click(page, "[data-sp-action=produce]")
            assert words["state_done"] in page.inner_text(".sp-statusbar")
            _shot(page, lang, "4-done")
            page.goto(f"{base}/app/mrp/boms/{table_bom}")
            _shot(page, lang, "5-bom")
        finally:
            browser.close()
    with instance.unit(None, su=True) as env:
        production = env.get("mrp.production", mo)
        assert production.state == "done" and production.material_cost > 0
        assert on_hand(env, leg) == legs_before + 2
        Move = env["stock.move"]
        assert (
            env.session.scalars(
                select(Move.state).where(
                    Move.origin_model == "mrp.production", Move.origin_id == mo
                )
            ).all()
            == ["done"] * 2
        )
    assert problems == []

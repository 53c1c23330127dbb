"""A clerk enters an order in Chromium and sees it filled, priced and totalled before Save.

In both languages: picking the customer fills the contact and phone (greyed: filled by
the server, not typed); picking a product and typing a quantity shows the unit price,
the line total and the order totals; what the clerk types while the preview travels
is kept; Save then stores exactly the figures shown. Screenshots go to
``$SUANPAN_TEST_ARTIFACTS``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from live_server import ARGS, CHROMIUM, artifact, require_chromium, serve
from sqlalchemy import select

from kernel.testing import MakeInstance, make_user

pytestmark = pytest.mark.browser
DEFAULT_ARTIFACTS = "/tmp/suanpan-artifacts"


def _shot(page: Any, name: str) -> None:
    path = artifact(f"live-form-{name}.png", default=DEFAULT_ARTIFACTS)
    if path:
        page.screenshot(path=path, full_page=True)


def _pick(page: Any, field_id: str, text: str) -> None:
    """Type into a picker and choose the match, as a user would: the floating list closes
    when the page scrolls (a new line scrolled into view), so type again if it went."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    field = page.locator(f"#{field_id}")
    field.scroll_into_view_if_needed()
    picker = field.locator("xpath=ancestor::*[@data-sp-picker][1]")
    item = picker.locator("[data-sp-pick]", has_text=text).first
    for _attempt in range(3):
        page.fill(f"#{field_id}", "")
        page.type(f"#{field_id}", text)
        try:
            item.wait_for(state="visible", timeout=5000)
            break
        except PlaywrightTimeout:
            continue
    item.click()


def test_a_clerk_sees_prices_and_totals_before_save_in_both_languages(
    make_instance: MakeInstance,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    from kernel.web.sessions import create_session

    require_chromium()
    instance = make_instance(["sales_order"])
    with instance.unit(None, su=True) as env:
        env.session.add_all(
            [
                env["res.partner"](
                    name="Hangzhou Tea House", is_customer=True, phone="+86 571 8888 0000"
                ),
                env["product.product"](
                    name="Longjing 250 g", list_price="128.50", uom_id=env.ref("base.uom_unit").id
                ),
            ]
        )
    with serve(instance) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for lang in ("en", "zh_CN"):
            uid = make_user(instance, f"clerk_{lang}", ["sales_order.group_user"], lang=lang)
            context = browser.new_context(viewport={"width": 1366, "height": 768})
            context.add_cookies(
                [{"name": "suanpan_session", "value": create_session(instance, uid), "url": base}]
            )
            page = context.new_page()
            problems: list[str] = []
            page.on("pageerror", lambda e, p=problems: p.append(str(e)))
            page.goto(f"{base}/app/sales/orders/new")

            _pick(page, "f-partner_id", "Hangzhou Tea")
            expect(page.locator("#f-phone")).to_have_attribute("placeholder", "+86 571 8888 0000")
            expect(page.locator("#f-phone")).to_have_value("")

            page.locator("[data-sp-add-line]").click()
            _pick(page, "f-lines-lines-0-product_id", "Longjing")
            quantity = page.locator("input[name=lines-lines-0-quantity]")
            quantity.fill("2")
            quantity.press("Tab")
            expect(page.locator("#f-amount_untaxed")).to_have_text("257.00")
            price = page.locator("input[name=lines-lines-0-price_unit]")
            expect(price).to_have_attribute("placeholder", "128.50")
            expect(price).to_have_value("")

            # typing goes on while a preview travels: nothing typed is lost
            quantity.fill("3")
            page.locator("textarea[name=note]").click()
            page.keyboard.type("deliver before noon")
            expect(page.locator("#f-amount_untaxed")).to_have_text("385.50")
            expect(page.locator("textarea[name=note]")).to_have_value("deliver before noon")
            _shot(page, f"priced-{lang}")
            assert problems == [], problems

            page.locator("#record-form button[type=submit][hidden]").evaluate("b => b.click()")
            page.wait_for_url(re.compile(r".*/app/sales/orders/\d+$"))
            expect(page.locator("#f-amount_untaxed")).to_have_text("385.50")
            context.close()
        browser.close()
    with instance.unit(None, su=True, readonly=True) as env:
        orders = env.session.scalars(select(env["sale.order"])).all()
        assert [o.amount_untaxed for o in orders] == [Decimal("385.50")] * 2
        assert {o.note for o in orders} == {"deliver before noon"}
        assert all(o.lines[0].price_unit == Decimal("128.50") for o in orders)


def test_keyboard_steps_through_the_list_saves_discards_and_shows_its_help(
    make_instance: MakeInstance,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    from kernel.web.sessions import create_session

    require_chromium()
    instance = make_instance(["sales_order"])
    with instance.unit(None, su=True) as env:
        env.session.add_all(
            [env["res.partner"](name=f"Customer {n}", is_customer=True) for n in (1, 2, 3)]
        )
    uid = make_user(instance, "clerk", ["sales_order.group_user", "base.group_user"], lang="zh_CN")
    with serve(instance) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        context.add_cookies(
            [{"name": "suanpan_session", "value": create_session(instance, uid), "url": base}]
        )
        page = context.new_page()
        page.goto(f"{base}/app/partners?f=customers")
        page.locator("tr.sp-row[data-href]").first.click()
        first = page.url
        expect(page.locator("[data-sp-position]")).to_have_text("1 / 3")
        page.keyboard.press("Alt+N")
        expect(page.locator("[data-sp-position]")).to_have_text("2 / 3")
        assert page.url != first
        page.keyboard.press("Alt+P")
        expect(page.locator("[data-sp-position]")).to_have_text("1 / 3")
        assert page.url == first

        page.fill("#f-name", "Renamed by keyboard")
        page.keyboard.press("Alt+J")  # discard: the stored name is back
        expect(page.locator("#f-name")).not_to_have_value("Renamed by keyboard")
        page.fill("#f-name", "Saved by keyboard")
        page.keyboard.press("Alt+S")
        expect(page.locator(".alert").first).to_contain_text("Saved by keyboard")

        page.locator("body").click()
        page.keyboard.press("Shift+?")
        help_box = page.locator("#sp-shortcuts")
        expect(help_box).to_be_visible()
        expect(help_box).to_contain_text("键盘快捷键")
        expect(help_box).to_contain_text("保存")
        _shot(page, "shortcuts-zh_CN")
        # Esc closes it once it has opened (and taken the focus)
        expect(help_box).to_be_focused()
        page.keyboard.press("Escape")
        expect(help_box).to_be_hidden()
        context.close()
        browser.close()

"""A sales order from first sign-in to approval, in a real browser (headless Chromium).

The web host issue's must-show: a clerk signs in, creates a customer and a
product through the generic forms, types an order with three lines (product
picker, quantities), saves and submits it; a manager in a separate browser
approves it; the status bar and history show each step; switched to 简体中文
the same page reads in Chinese with Chinese dates and amounts; and a form with a
bad value says which field is wrong. Screenshots go to ``$SUANPAN_TEST_ARTIFACTS``
(default ``test-artifacts/``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from live_server import ARGS, CHROMIUM, artifact, require_chromium, serve
from sqlalchemy import select

from kernel.instance import Instance
from kernel.testing import MakeInstance, make_user

pytestmark = pytest.mark.browser
DEFAULT_ARTIFACTS = "test-artifacts"


@pytest.fixture
def shop(make_instance: MakeInstance) -> Iterator[tuple[Instance, str]]:
    """base + sales_order + stock served on a free port, with a clerk and a manager."""
    require_chromium()
    instance = make_instance(["base", "sales_order", "stock"])
    make_user(instance, "clerk", ["sales_order.group_user", "stock.group_user"])
    make_user(instance, "manager", ["sales_order.group_manager", "stock.group_user"])
    with serve(instance) as base:
        yield instance, base


def _shot(page: Any, name: str) -> None:
    path = artifact(f"order-{name}.png", default=DEFAULT_ARTIFACTS)
    if path:
        page.screenshot(path=path, full_page=True)


def _watch(page: Any, base: str, problems: list[str]) -> None:
    """Collect console errors, page errors and requests to any other origin."""
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "request",
        lambda r: (
            None
            if r.url.startswith((base, "data:"))
            else problems.append(f"external request {r.url}")
        ),
    )


def _sign_in(context: Any, base: str, login: str, problems: list[str]) -> Any:
    page = context.new_page()
    _watch(page, base, problems)
    page.goto(f"{base}/login")
    page.fill("#login", login)
    page.fill("#password", "pw")
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def _pick(page: Any, field_id: str, text: str, shot: str = "") -> None:
    """Type into a many-to-one picker and choose the first match."""
    page.fill(f"#{field_id}", "")
    page.type(f"#{field_id}", text)
    picker = page.locator(f"#{field_id}").locator("xpath=ancestor::*[@data-sp-picker][1]")
    # the first list (on focus) shows everything: wait for the one narrowed by the text
    item = picker.locator("[data-sp-pick]", has_text=text).first
    item.wait_for(state="visible")
    if shot:
        path = artifact(f"order-{shot}.png", default=DEFAULT_ARTIFACTS)
        if path:
            page.screenshot(path=path)
    item.click()
    page.wait_for_timeout(400)  # longer than the typing delay: a late answer must not reopen it
    assert picker.locator("[data-sp-pick]:visible").count() == 0


def _save(page: Any) -> None:
    with page.expect_navigation():
        page.click("button[form=record-form]")


def _saved(page: Any, url: str) -> str:
    """Assert the form saved (we left ``…/new``), else show what the page complained about."""
    if not re.search(rf"{url}/\d+$", page.url):
        _shot(page, "unexpected")
        complaints = page.locator("[data-sp-message], [data-field-error]").all_inner_texts()
        pytest.fail(f"not saved: {complaints}")
    return str(page.url)


@pytest.mark.both_databases
def test_order_from_sign_in_to_approval_in_two_languages(shop: tuple[Instance, str]) -> None:
    from playwright.sync_api import expect, sync_playwright

    instance, base = shop
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            clerk_ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
            page = _sign_in(clerk_ctx, base, "clerk", problems)

            # a customer, through the partner form
            page.goto(f"{base}/app/partners/new")
            page.fill("#f-name", "Hangzhou Tea House")
            page.fill("#f-city", "Hangzhou")
            _save(page)
            _saved(page, "/app/partners")

            # a product: first with a bad price, which names the field and keeps the input
            page.goto(f"{base}/app/products/new")
            page.fill("#f-default_code", "TEA-LJ")
            page.fill("#f-name", "Longjing Tea 250 g")
            page.fill("#f-list_price", "twelve")
            _save(page)
            error = page.locator("[data-field-error=list_price]")
            expect(error).to_be_visible()
            assert "Sales price" in error.inner_text() or "price" in error.inner_text().lower()
            assert page.input_value("#f-name") == "Longjing Tea 250 g"
            _shot(page, "product-invalid")
            page.fill("#f-list_price", "128.50")
            _pick(page, "f-uom_id", "Unit")
            _save(page)
            _saved(page, "/app/products")

            # the order: customer picker, three lines with product pickers and quantities
            page.goto(f"{base}/app/sales/orders/new")
            _pick(page, "f-partner_id", "Hangzhou")
            for index, quantity in enumerate(("2", "5", "10.5")):
                page.click("[data-sp-lines=lines] [data-sp-add-line]")
                page.wait_for_selector(f"input[name=lines-lines-{index}-quantity]")
                _pick(page, f"f-lines-lines-{index}-product_id", "Longjing", f"line-picker-{index}")
                page.fill(f"input[name=lines-lines-{index}-quantity]", quantity)
            _shot(page, "new-order")
            _save(page)
            order_url = _saved(page, "/app/sales/orders")
            expect(page.locator(".sp-current")).to_have_text("Draft")
            _shot(page, "draft")

            page.click("[data-sp-action=submit]")
            page.wait_for_load_state()
            expect(page.locator(".sp-current")).to_have_text("Submitted")
            _shot(page, "submitted")

            # the manager, in a browser of their own
            manager_ctx = browser.new_context(
                viewport={"width": 1366, "height": 900}, locale="en-US"
            )
            boss = _sign_in(manager_ctx, base, "manager", problems)
            boss.goto(order_url)
            with boss.expect_navigation():
                boss.click("[data-sp-action=approve]")
            expect(boss.locator(".sp-current")).to_have_text("In progress")
            steps = boss.locator(".sp-statusbar .sp-step").all_inner_texts()
            assert steps[:4] == ["Draft", "Submitted", "Approved", "In progress"]
            history = boss.locator(".sp-history").inner_text()
            for action in ("Submit", "Approve"):
                assert action in history
            assert "Clerk" in history and "Manager" in history
            _shot(boss, "approved")
            # the API reference is a page of this server too (nothing from a CDN)
            boss.goto(f"{base}/api/docs")
            boss.fill("[data-sp-api-filter]", "sale.order/{record_id}/history")
            visible = boss.locator("[data-sp-api-op]:visible")
            expect(visible).to_have_count(1)
            visible.locator("summary").click()
            _shot(boss, "api-docs")

            # the clerk switches to Chinese: the same order reads in Chinese
            page.goto(order_url)
            page.click("a.dropdown-toggle:has(.bi-translate)")
            with page.expect_navigation():
                page.click("button[name=lang][value=zh_CN]")
            page.goto(order_url)
            expect(page.locator(".sp-current")).to_have_text("执行中")
            body = page.inner_text("body")
            for label in ("客户", "订单明细", "历史记录", "已提交", "已批准"):
                assert label in body, label
            assert page.locator("#f-approved_by_id").inner_text() == "Manager"
            date_text = page.locator("#f-date_order").inner_text()
            assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", date_text), date_text
            total_text = page.locator("#f-amount_total").inner_text()
            _shot(page, "approved-zh")
            with instance.unit(None, su=True) as env:
                Order = env["sale.order"]
                order = env.session.scalars(select(Order)).one()
                assert order.state == "in_progress"
                assert [line.quantity for line in order.lines] == [
                    Decimal("2"),
                    Decimal("5"),
                    Decimal("10.5"),
                ]
                assert order.partner.name == "Hangzhou Tea House"
                total = order.amount_total
            assert total_text.replace(",", "").endswith(f"{total:.2f}") or f"{total:,.2f}" in (
                total_text
            ), total_text
        finally:
            browser.close()
    # the invalid product form answers 422 on purpose; anything else is a problem
    assert [p for p in problems if "status of 422" not in p] == []

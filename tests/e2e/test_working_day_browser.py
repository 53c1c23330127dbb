"""A clerk's working day in the browser (issue 17), in English and Chinese.

States that say what happened: a manager rejects a submitted order with a reason;
the clerk then reads "Rejected" and the reason at the top of the form, sees the
order tagged in the list, and finds it under the list's "Rejected" filter —
instead of a draft that looks fresh. Screenshots go to ``$SUANPAN_TEST_ARTIFACTS``
(default ``test-artifacts/``); look at them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from live_server import ARGS, CHROMIUM, artifact, require_chromium, serve

from kernel.instance import Instance
from kernel.testing import MakeInstance, make_user

pytestmark = pytest.mark.browser
DEFAULT_ARTIFACTS = "test-artifacts"
REASON = "Ask the customer for a deposit first"


def _shot(page: Any, name: str) -> None:
    path = artifact(f"day-{name}.png", default=DEFAULT_ARTIFACTS)
    if path:
        page.screenshot(path=path, full_page=True)


def _watch(page: Any, problems: list[str]) -> None:
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))


def _sign_in(browser: Any, base: str, login: str, problems: list[str], locale: str) -> Any:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale=locale)
    page = context.new_page()
    _watch(page, problems)
    page.goto(f"{base}/login")
    page.fill("#login", login)
    page.fill("#password", "pw")
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def _to_chinese(page: Any) -> None:
    page.click("a.dropdown-toggle:has(.bi-translate)")
    with page.expect_navigation():
        page.click("button[name=lang][value=zh_CN]")


def _submitted_orders(instance: Instance, clerk: int, count: int) -> list[int]:
    from addons.sales_order.services import orders

    ids = []
    with instance.unit(clerk) as env:
        customer = env["res.partner"](name="Hangzhou Tea House", is_customer=True)
        product = env["product.product"](
            name="Longjing tea 250 g",
            uom_id=env.ref("base.uom_unit").id,
            list_price=Decimal("128.50"),
        )
        env.session.add_all([customer, product])
        env.session.flush()
        for _n in range(count):
            order = orders.create_order(
                env, customer.id, [{"product_id": product.id, "quantity": Decimal("2")}]
            )
            orders.submit(env, order)
            ids.append(order.id)
    return ids


@pytest.fixture
def office(make_instance: MakeInstance) -> Iterator[tuple[Instance, str, list[int]]]:
    require_chromium()
    instance = make_instance(["base", "sales_order"], demo=False)
    clerk = make_user(instance, "clerk", ["sales_order.group_user", "base.group_manager"])
    make_user(instance, "manager", ["sales_order.group_manager"])
    ids = _submitted_orders(instance, clerk, 2)
    with serve(instance) as base:
        yield instance, base, ids


def test_rejected_order_says_so_at_the_top_in_the_list_and_in_a_filter(
    office: tuple[Instance, str, list[int]],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    instance, base, (rejected_id, other_id) = office
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            boss = _sign_in(browser, base, "manager", problems, "en-US")
            boss.goto(f"{base}/app/sales/orders/{rejected_id}")
            boss.click("[data-bs-target='#reason-reject']")
            boss.fill("#reason-reject-text", REASON)
            with boss.expect_navigation():
                boss.click("#reason-reject button[type=submit]")

            clerk = _sign_in(browser, base, "clerk", problems, "en-US")
            clerk.goto(f"{base}/app/sales/orders/{rejected_id}")
            banner = clerk.locator("[data-sp-outcome=rejected]")
            expect(banner).to_be_visible()
            assert "Rejected" in banner.inner_text() and REASON in banner.inner_text()
            # at the top: above the status bar and the first section, within the first screen
            box = banner.bounding_box()
            assert box is not None and box["y"] < 300, box
            first_section = clerk.locator("#record-form section").first.bounding_box()
            assert first_section is not None and box["y"] < first_section["y"]
            expect(clerk.locator(".sp-statusbar .sp-current")).to_have_text("Draft")
            expect(clerk.locator(".sp-statusbar .sp-outcome")).to_have_text("Rejected")
            _shot(clerk, "rejected-form")

            # in the list, tagged; the "Rejected" filter finds it and only it
            clerk.goto(f"{base}/app/sales/orders")
            row = clerk.locator(f"tr:has(a[href$='/{rejected_id}'])")
            expect(row.locator("[data-sp-outcome=rejected]")).to_have_text("Rejected")
            other = clerk.locator(f"tr:has(a[href$='/{other_id}'])")
            assert other.locator("[data-sp-outcome]").count() == 0
            _shot(clerk, "rejected-list")
            clerk.goto(f"{base}/app/sales/orders?f=rejected")
            rows = clerk.locator("tbody tr:has(a.sp-row-link)")
            expect(rows).to_have_count(1)
            assert f"/{rejected_id}" in str(
                rows.first.locator("a.sp-row-link").get_attribute("href")
            )

            # the same in Chinese
            _to_chinese(clerk)
            clerk.goto(f"{base}/app/sales/orders/{rejected_id}")
            banner = clerk.locator("[data-sp-outcome=rejected]")
            assert "已驳回" in banner.inner_text() and "原因" in banner.inner_text()
            expect(clerk.locator(".sp-statusbar .sp-outcome")).to_have_text("已驳回")
            _shot(clerk, "rejected-form-zh")
            clerk.goto(f"{base}/app/sales/orders?f=rejected")
            assert "已驳回" in clerk.locator(".sp-list").inner_text()
            _shot(clerk, "rejected-list-zh")
        finally:
            browser.close()
    assert problems == []
    with instance.unit(None, su=True) as env:
        order = env.get("sale.order", rejected_id)
        assert (order.state, order.reject_reason) == ("draft", REASON)


# --- print and pay from the form --------------------------------------------------------


@pytest.fixture
def books(make_instance: MakeInstance) -> Iterator[tuple[Instance, str, dict[str, int]]]:
    """An approved order whose invoice is posted (the company invoices on confirmation)."""
    from sqlalchemy import select

    from addons.sales_order.services import orders

    require_chromium()
    instance = make_instance(["base", "sales_order", "accounting"], demo=False)
    # the seller follows the order's documents, so may read the books too
    seller = make_user(instance, "seller", ["sales_order.group_manager", "accounting.group_user"])
    make_user(instance, "accountant", ["accounting.group_user"])
    with instance.unit(None, su=True) as env:
        for company in env.session.scalars(select(env["res.company"])):
            company.invoice_policy = "confirmation"
    ids = _submitted_orders(instance, seller, 1)
    with instance.unit(seller) as env:
        order = env.get("sale.order", ids[0])
        if order.state == "submitted":
            orders.approve(env, order)
    with instance.unit(None, su=True) as env:
        Move = env["account.move"]
        invoice = env.session.scalars(
            select(Move).where(Move.origin_model == "sale.order", Move.origin_id == ids[0])
        ).one()
        found = {"order": ids[0], "invoice": invoice.id}
    with serve(instance) as base:
        yield instance, base, found


@pytest.mark.parametrize("lang", ["en", pytest.param("zh_CN", marks=pytest.mark.both_databases)])
def test_accountant_prints_and_pays_an_invoice_from_its_form(
    books: tuple[Instance, str, dict[str, int]], lang: str
) -> None:
    from playwright.sync_api import expect, sync_playwright

    instance, base, found = books
    invoice_url = f"{base}/app/accounting/entries/{found['invoice']}"
    problems: list[str] = []
    zh = lang == "zh_CN"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = _sign_in(browser, base, "accountant", problems, "en-US")
            if zh:
                _to_chinese(page)
            page.goto(invoice_url)
            printing = page.locator("[data-sp-link]", has_text="打印" if zh else "Print")
            expect(printing).to_be_visible()
            pdf = page.request.get(f"{base}{printing.get_attribute('href')}")
            assert pdf.status == 200 and pdf.body().startswith(b"%PDF")

            page.click("[data-sp-do=register_payment]")
            dialog = page.locator("#do-register_payment")
            expect(dialog).to_be_visible()
            name = page.locator("h1").inner_text().strip()
            assert name.startswith("INV/"), name
            # the dialog names the invoice and offers what is still open
            assert name in dialog.locator(".modal-title").inner_text()
            assert page.input_value("#do-register_payment-amount") == "257.00"
            _shot(page, f"pay-dialog-{lang}")
            with page.expect_navigation():
                dialog.locator("button[type=submit]").click()
            assert "/app/accounting/payments/" in page.url
            expect(page.locator(".sp-current")).to_have_text("已过账" if zh else "Posted")
            _shot(page, f"payment-{lang}")

            # the invoice is paid: no more "Register payment"
            page.goto(invoice_url)
            assert page.locator("[data-sp-do=register_payment]").count() == 0
            paid = "已付款" if zh else "Paid"
            assert paid in page.locator("#f-payment_state").inner_text()

            seller = _sign_in(browser, base, "seller", problems, "en-US")
            if zh:
                _to_chinese(seller)
            seller.goto(f"{base}/app/sales/orders/{found['order']}")
            # "Closed" reads 已关闭 (sales) or 已结账 (accounting's catalog): which one wins
            # the shared msgid is not fixed yet — either says the order is closed
            closed = re.compile("已关闭|已结账") if zh else "Closed"
            expect(seller.locator(".sp-current")).to_have_text(closed)
            milestone = seller.locator(".sp-milestone.sp-done", has_text="已付款" if zh else "Paid")
            expect(milestone).to_be_visible()
            # related documents: the invoice and the payment, each one click away
            strip = seller.locator(".sp-related")
            expect(strip).to_contain_text("相关单据" if zh else "Related documents")
            invoices = strip.locator("[data-sp-related=invoices]")
            payments = strip.locator("[data-sp-related=payments]")
            expect(invoices).to_contain_text("发票" if zh else "Invoices")
            expect(invoices.locator(".badge")).to_have_text("1")
            assert invoices.get_attribute("href") == f"/app/accounting/entries/{found['invoice']}"
            expect(payments.locator(".badge")).to_have_text("1")
            # the milestone chips open the documents behind them
            invoiced = seller.locator("[data-sp-milestone=invoiced] a")
            assert invoiced.get_attribute("href") == invoices.get_attribute("href")
            paid_chip = seller.locator("[data-sp-milestone=settled] a")
            assert paid_chip.get_attribute("href") == payments.get_attribute("href")
            _shot(seller, f"order-closed-{lang}")
            # and back: the invoice names its source order, and its payment
            with seller.expect_navigation():
                invoiced.click()
            source = seller.locator("[data-sp-related=origin]")
            expect(source).to_contain_text("SO")
            expect(seller.locator("[data-sp-related=payments]")).to_be_visible()
            with seller.expect_navigation():
                source.click()
            assert seller.url.endswith(f"/app/sales/orders/{found['order']}")
            order_print = seller.locator("[data-sp-link]", has_text="打印" if zh else "Print")
            assert seller.request.get(f"{base}{order_print.get_attribute('href')}").ok
        finally:
            browser.close()
    assert problems == []
    with instance.unit(None, su=True) as env:
        assert env.get("sale.order", found["order"]).state == "closed"
        assert env.get("account.move", found["invoice"]).payment_state == "paid"


# --- feedback on every action -------------------------------------------------------------


@pytest.fixture
def warehouse(make_instance: MakeInstance) -> Iterator[tuple[Instance, str, dict[str, int]]]:
    """A waiting delivery of a product with no stock, and a count only a manager may validate."""
    from addons.stock.services.inventory import create_inventory
    from addons.stock.tests.conftest import delivery, make_product, stock_loc

    require_chromium()
    instance = make_instance(["base", "stock"], demo=False)
    make_user(instance, "storekeeper", ["stock.group_user"])
    with instance.unit(None, su=True) as env:
        product = make_product(env, "Longjing tea 250 g")
        picking = delivery(env, [(product, 4)])
        count = create_inventory(env, stock_loc(env).id, [(product, 3)])
        found = {"picking": picking.id, "count": count.id}
        assert picking.state == "waiting"
    with serve(instance) as base:
        yield instance, base, found


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_warehouse_user_is_told_why_nothing_changed_and_who_may_validate(
    warehouse: tuple[Instance, str, dict[str, int]], lang: str
) -> None:
    from playwright.sync_api import expect, sync_playwright

    instance, base, found = warehouse
    zh = lang == "zh_CN"
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = _sign_in(browser, base, "storekeeper", problems, "en-US")
            if zh:
                _to_chinese(page)
            page.goto(f"{base}/app/transfers/{found['picking']}")
            # the delivery slip is one click away
            printing = page.locator("[data-sp-link]", has_text="打印" if zh else "Print")
            slip = page.request.get(f"{base}{printing.get_attribute('href')}")
            assert slip.status == 200 and slip.body().startswith(b"%PDF")
            with page.expect_navigation():
                page.click("[data-sp-action=reserve]")
            told = page.locator("#sp-messages .alert-warning")
            expect(told).to_be_visible()
            text = told.inner_text()
            assert ("没有" in text) if zh else ("nothing more could be reserved" in text), text
            expect(page.locator(".sp-current")).to_have_text("等待中" if zh else "Waiting")
            history = page.locator(".sp-history").inner_text()
            assert "Waiting → Waiting" not in history and "等待中 → 等待中" not in history
            _shot(page, f"reserve-nothing-{lang}")

            # the count: "Validate count" is there, disabled, saying who may press it
            page.goto(f"{base}/app/inventory-counts/{found['count']}")
            refused = page.locator("[data-sp-refused=validate]")
            expect(refused).to_be_visible()
            assert refused.locator("button").is_disabled()
            hint = str(refused.get_attribute("title"))
            assert ("库存" in hint) if zh else ("Only" in hint and "Inventory" in hint), hint
            refused.hover()
            _shot(page, f"validate-refused-{lang}")

            # a button that works says so: start counting
            with page.expect_navigation():
                page.click("[data-sp-action=start]")
            ok = page.locator("#sp-messages .alert-success")
            expect(ok).to_contain_text("盘点中" if zh else "Counting")
            _shot(page, f"start-told-{lang}")
        finally:
            browser.close()
    assert problems == []
    from sqlalchemy import select

    with instance.unit(None, su=True) as env:
        History = env["workflow.history"]
        row = env.session.scalars(
            select(History).where(History.model == "stock.picking", History.transition == "reserve")
        ).one()
        assert (row.from_state, row.to_state) == ("waiting", "waiting")
        assert "nothing more could be reserved" in row.reason or "没有" in row.reason


# --- no silent loss -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_pasting_beyond_a_columns_length_tells_the_user_and_keeps_the_text(
    office: tuple[Instance, str, list[int]], lang: str
) -> None:
    from playwright.sync_api import expect, sync_playwright

    _instance, base, _ids = office
    zh = lang == "zh_CN"
    long_name = "茶" * 5000
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = _sign_in(browser, base, "clerk", problems, "en-US")
            if zh:
                _to_chinese(page)
            page.goto(f"{base}/app/partners/new")
            page.locator("#f-name").focus()
            page.keyboard.insert_text(long_name)  # what a paste does
            note = page.locator("#f-name-length")
            expect(note).to_be_visible()
            assert "5000" in note.inner_text() and "256" in note.inner_text()
            assert ("太长" in note.inner_text()) if zh else ("Too long" in note.inner_text())
            assert len(page.input_value("#f-name")) == 5000  # nothing was cut
            _shot(page, f"too-long-{lang}")
            with page.expect_navigation():
                page.click("button[form=record-form]")
            error = page.locator("[data-field-error=name]")
            expect(error).to_be_visible()
            assert "256" in error.inner_text()
            assert len(page.input_value("#f-name")) == 5000
            _shot(page, f"too-long-refused-{lang}")

            # the customer is required on a draft order too
            page.goto(f"{base}/app/sales/orders/new")
            with page.expect_navigation():
                page.click("button[form=record-form]")
            assert page.url.endswith("/app/sales/orders/new") or "/app/sales/orders" in page.url
            error = page.locator("[data-field-error=partner_id]")
            expect(error).to_be_visible()
            assert ("客户" in error.inner_text()) if zh else ("Customer" in error.inner_text())
            label = page.locator("label[for=f-partner_id]")
            assert "*" in label.inner_text()
            _shot(page, f"order-needs-customer-{lang}")
        finally:
            browser.close()
    # the refused saves answer 422 on purpose; anything else is a problem
    assert [p for p in problems if "status of 422" not in p] == []


@pytest.mark.both_databases  # an API test: no browser
def test_api_refuses_an_order_without_customer_and_a_name_too_long(
    office: tuple[Instance, str, list[int]],
) -> None:
    from litestar.testing import TestClient

    from kernel.apikeys import create_api_key
    from kernel.web.app import create_app

    instance, _base, _ids = office
    with instance.unit(None, su=True) as env:
        User = env["res.user"]
        from sqlalchemy import select

        clerk = env.session.scalars(select(User).where(User.login == "clerk")).one()
        key = create_api_key(env, clerk.id, "tests")
    with TestClient(create_app(instance), base_url="http://suanpan.localhost") as client:
        client.headers["Authorization"] = f"Bearer {key}"
        refused = client.post("/api/v1/sale.order", json={"lines": []})
        assert refused.status_code == 422, refused.text
        problem = refused.json()
        assert problem["fields"]["partner_id"] == "Customer is required"
        refused = client.post("/api/v1/res.partner", json={"name": "茶" * 5000})
        assert refused.status_code == 422 and "name" in refused.text


def test_order_links_to_its_delivery_and_the_delivery_back(make_instance: MakeInstance) -> None:
    """The order's strip and its Reserved chip open the delivery; its source is a link back."""
    from playwright.sync_api import expect, sync_playwright

    from addons.sales_order.services import orders

    require_chromium()
    instance = make_instance(["base", "sales_order", "stock"], demo=False)
    seller = make_user(instance, "seller", ["sales_order.group_manager", "stock.group_user"])
    (order_id,) = _submitted_orders(instance, seller, 1)
    with instance.unit(seller) as env:
        order = env.get("sale.order", order_id)
        if order.state == "submitted":
            orders.approve(env, order)
    problems: list[str] = []
    with serve(instance) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = _sign_in(browser, base, "seller", problems, "en-US")
            _to_chinese(page)
            page.goto(f"{base}/app/sales/orders/{order_id}")
            deliveries = page.locator("[data-sp-related=deliveries]")
            expect(deliveries).to_contain_text("发货单")
            expect(deliveries.locator(".badge")).to_have_text("1")
            chip = page.locator("[data-sp-milestone=reserved] a")
            assert chip.get_attribute("href") == deliveries.get_attribute("href")
            _shot(page, "order-deliveries-zh")
            with page.expect_navigation():
                deliveries.click()
            assert "/app/transfers/" in page.url
            source = page.locator("[data-sp-ref=origin]")  # read-only, a link
            expect(source).to_contain_text("SO")
            assert page.locator("input[name=origin]").count() == 0
            _shot(page, "delivery-source-zh")
            with page.expect_navigation():
                source.click()
            assert page.url.endswith(f"/app/sales/orders/{order_id}")
        finally:
            browser.close()
    assert problems == []

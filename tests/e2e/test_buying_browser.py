"""Buying on a shortage and getting paid, in a real browser, in English and in Chinese.

Issue 16's browser must-show, after an order for 8 with 5 on hand was approved
(5 reserved, 3 short): the order shows *Procured* open and links to its
purchases; the buyer clicks *Create RFQs* on the requisition list and confirms
the RFQ; the storekeeper validates the receipt, then the delivery now ready for 8;
the accountant registers the invoice's payment from its form; the order is
closed. Each user reads the screens in the language of the run. Screenshots go to
``$SUANPAN_TEST_ARTIFACTS`` (default ``test-artifacts/``) as ``buying-<lang>-*.png``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from live_server import ARGS, CHROMIUM, artifact, require_chromium, serve
from sqlalchemy import select

from kernel.testing import MakeInstance, make_user

pytestmark = pytest.mark.browser
ADDONS = ["sales_order", "stock", "purchase", "accounting", "purchase_accounting"]
TEXT = {
    "en": {"create_rfqs": "Create RFQs", "pay": "Register payment", "procured": "Procured"},
    "zh_CN": {"create_rfqs": "生成询价单", "pay": "登记付款", "procured": "已采购到货"},
}


def _setup(instance: Any, lang: str) -> dict[str, Any]:
    from addons.sales_order.services import orders as so
    from addons.stock.services.receive import receive

    seller = make_user(
        instance, "seller", ["sales_order.group_manager", "stock.group_user"], lang=lang
    )
    make_user(instance, "buyer", ["purchase.group_user", "stock.group_user"], lang=lang)
    make_user(instance, "storekeeper", ["stock.group_user"], lang=lang)
    make_user(instance, "accountant", ["accounting.group_user"], lang=lang)
    with instance.unit(None, su=True) as env:
        Partner = env["res.partner"]
        customer = Partner(name="杭州茶业有限公司", is_company=True, is_customer=True)
        supplier = Partner(name="华东纺织有限公司", is_company=True, is_supplier=True)
        env.session.add_all([customer, supplier])
        product = env["product.product"](
            default_code="TEA-8",
            name="Longjing tea 250 g",
            type="stockable",
            uom_id=env.ref("base.uom_unit").id,
            list_price=Decimal("120.00"),
            standard_price=Decimal("60.00"),
        )
        env.session.add(product)
        env.session.flush()
        env.session.add(
            env["purchase.supplier.price"](
                partner_id=supplier.id, product_id=product.id, price=Decimal("58.00")
            )
        )
        receive(env, product.id, Decimal("5"))
        customer_id, product_id = customer.id, product.id
    with instance.unit(seller) as env:
        order = so.create_order(
            env, customer_id, [{"product_id": product_id, "quantity": Decimal("8")}]
        )
        so.submit(env, order)
        if order.state == "submitted":
            so.approve(env, order)
        assert order.lines[0].shortage_qty == Decimal("3")
        return {"order": order.id, "product": product_id}


def _find(instance: Any, model: str, **where: Any) -> int:
    with instance.unit(None, su=True) as env:
        Model = env[model]
        query = select(Model.id)
        for key, value in where.items():
            query = query.where(getattr(Model, key) == value)
        (found,) = env.session.scalars(query).all()
        return int(found)


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
    path = artifact(f"buying-{lang}-{name}.png", default="test-artifacts")
    if path:
        page.screenshot(path=path, full_page=True)


def _click(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


@pytest.mark.parametrize("lang", [pytest.param("en", marks=pytest.mark.both_databases), "zh_CN"])
def test_shortage_bought_received_delivered_and_paid_in_the_browser(
    make_instance: MakeInstance, lang: str
) -> None:
    from playwright.sync_api import sync_playwright

    require_chromium()
    instance = make_instance(ADDONS)
    data = _setup(instance, lang)
    oid = data["order"]
    words = TEXT[lang]
    problems: list[str] = []
    with serve(instance) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            seller = _sign_in(browser, base, "seller", problems)
            seller.goto(f"{base}/app/sales/orders/{oid}")
            assert words["procured"] in seller.inner_text(".sp-statusbar")
            assert seller.locator("a[href^='/app/purchase/requisitions?q=']").count() == 1
            _shot(seller, lang, "1-order-waiting")

            buyer = _sign_in(browser, base, "buyer", problems)
            buyer.goto(f"{base}/app/purchase/requisitions")
            button = buyer.locator("[data-sp-do=create_rfqs]")
            assert button.inner_text().strip() == words["create_rfqs"]
            _shot(buyer, lang, "2-requisitions")
            _click(buyer, "[data-sp-do=create_rfqs]")
            assert "/app/purchase/orders/" in buyer.url
            _shot(buyer, lang, "3-rfq")
            _click(buyer, "[data-sp-action=confirm]")
            po = int(buyer.url.rstrip("/").rsplit("/", 1)[-1])

            store = _sign_in(browser, base, "storekeeper", problems)
            receipt = _find(instance, "stock.picking", origin_model="purchase.order", origin_id=po)
            store.goto(f"{base}/app/transfers/{receipt}")
            _click(store, "[data-sp-action=validate]")
            delivery = _find(instance, "stock.picking", origin_model="sale.order", origin_id=oid)
            store.goto(f"{base}/app/transfers/{delivery}")
            _shot(store, lang, "4-delivery-ready")
            _click(store, "[data-sp-action=validate]")

            accountant = _sign_in(browser, base, "accountant", problems)
            invoice = _find(instance, "account.move", origin_model="sale.order", origin_id=oid)
            accountant.goto(f"{base}/app/accounting/entries/{invoice}")
            pay = accountant.locator("[data-sp-do=register_payment]")
            assert pay.inner_text().strip().rstrip("…") == words["pay"]
            pay.click()
            dialog = accountant.locator("#do-register_payment")
            dialog.wait_for(state="visible")
            _shot(accountant, lang, "5-register-payment")
            _click(accountant, "#do-register_payment button[type=submit]")
            assert "/app/accounting/payments/" in accountant.url
            _shot(accountant, lang, "6-payment")

            seller.goto(f"{base}/app/sales/orders/{oid}")
            _shot(seller, lang, "7-order-closed")
        finally:
            browser.close()
    with instance.unit(None, su=True) as env:
        order = env.get("sale.order", oid)
        move = env.get("account.move", invoice)
        assert (order.state, move.payment_state) == ("closed", "paid")
    assert problems == []

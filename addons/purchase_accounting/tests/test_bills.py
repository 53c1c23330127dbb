"""Vendor bills from purchase orders: the three-way match from confirmation to done."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from addons.accounting.services import payments, reports
from addons.accounting.services.moves import reverse
from addons.purchase_accounting.services.bills import create_bill, order_bills, post_bill
from addons.purchase_accounting.tests.conftest import Shop, confirmed_order, receive
from kernel import workflow
from kernel.errors import ValidationError


def _payable_balance(env, partner_id: int) -> Decimal:
    rows = {r["partner_id"]: r for r in reports.partner_balances(env, "payable")}
    return rows[partner_id]["balance"] if partner_id in rows else Decimal(0)


def test_partial_receipt_bill_overbill_refused_second_bill_pay_done(shop: Shop) -> None:
    p0, p1 = shop.products
    order_id = confirmed_order(shop, ["10", "4"])
    with shop.unit(shop.buyer) as env:
        order = env.get("purchase.order", order_id)
        expected = workflow.milestones(env, order)
        assert {"received", "billed", "paid"} <= set(expected)
        assert order.bill_status == "no"
        receive(env, order, {p0: "6"})  # 6 of 10 T-shirt 0, none of T-shirt 1
        assert order.bill_status == "to_bill" and order.state == "confirmed"

    # the buyer prepares the bill from the order: only what was received
    with shop.unit(shop.buyer) as env:
        order = env.get("purchase.order", order_id)
        assert "create_bill" in {t.name for t in workflow.available(env, order)}
        workflow.fire(env, order, "create_bill")
    with shop.unit(shop.accountant) as env:
        order = env.get("purchase.order", order_id)
        (bill,) = order_bills(env, order_id)
        assert (bill.move_type, bill.state, bill.partner_id) == (
            "in_invoice",
            "draft",
            shop.supplier,
        )
        assert bill.ref == order.name and bill.invoice_origin == order.name
        (row,) = bill.purchase_lines
        assert (row.product_id, row.quantity, row.price_unit) == (p0, Decimal("6"), Decimal("9.50"))
        assert bill.amount_untaxed == Decimal("57.00")
        assert bill.amount_tax == Decimal("7.41")  # 13% input VAT
        assert bill.amount_total == Decimal("64.41")
        bill_id = bill.id
        # nothing more can be billed: T-shirt 1 was not received, T-shirt 0 is on the draft
        with pytest.raises(ValidationError, match="T-shirt 1") as err:
            create_bill(env, order, {order.lines[1].id: "1"})
        assert "quantity" in err.value.fields
        with pytest.raises(ValidationError, match="T-shirt 0"):
            create_bill(env, order, {order.lines[0].id: "1"})

    # the accountant raises the draft's quantity above what was received: posting refuses it
    with (
        pytest.raises(ValidationError, match="T-shirt 0") as err,
        shop.unit(shop.accountant) as env,
    ):
        bill = env.get("account.move", bill_id)
        bill.purchase_lines[0].quantity = Decimal("8")
        env.session.flush()
        assert bill.amount_untaxed == Decimal("76.00")  # the draft's amounts followed
        post_bill(env, bill)
    assert "cannot bill 8" in str(err.value) and "quantity" in err.value.fields

    with shop.unit(shop.accountant) as env:
        bill = env.get("account.move", bill_id)
        assert bill.state == "draft" and bill.purchase_lines[0].quantity == Decimal("6")
        post_bill(env, bill)
        assert bill.name.startswith("BILL/")
        order = env.get("purchase.order", order_id)
        assert [line.qty_billed for line in order.lines] == [Decimal("6"), Decimal("0")]
        # the posted bill is a payable of the supplier
        assert _payable_balance(env, shop.supplier) == Decimal("-64.41")

    with shop.unit(shop.buyer) as env:
        order = env.get("purchase.order", order_id)
        receive(env, order)  # the rest arrives
        assert order.receipt_status == "full"
        assert order.state == "received"  # not done: bills are still expected
        assert order.bill_status == "to_bill"

    with shop.unit(shop.accountant) as env:
        order = env.get("purchase.order", order_id)
        second = post_bill(env, create_bill(env, order))
        assert [(r.product_id, r.quantity) for r in second.purchase_lines] == [
            (p0, Decimal("4")),
            (p1, Decimal("4")),
        ]
        assert second.amount_total == Decimal("85.88")  # 76.00 + 9.88 VAT
        assert [line.qty_billed for line in order.lines] == [Decimal("10"), Decimal("4")]
        assert order.bill_status == "billed" and order.state == "received"
        assert workflow.milestones(env, order)["billed"].done_at is not None
        assert _payable_balance(env, shop.supplier) == Decimal("-150.29")
        with (
            env.sudo("the test plays a buyer who is an accountant too"),
            pytest.raises(ValidationError, match="nothing to bill"),
        ):
            workflow.fire(env, order, "create_bill_received")

        payments.register_payment(env, shop.supplier, "150.29", payment_type="outbound")
        assert {b.payment_state for b in order_bills(env, order_id)} == {"paid"}
        assert _payable_balance(env, shop.supplier) == 0
        assert order.bill_status == "paid"
        assert order.state == "done"


def test_order_is_done_only_when_every_bill_is_paid(shop: Shop) -> None:
    order_id = confirmed_order(shop, ["2"])
    with shop.unit(shop.buyer) as env:
        receive(env, env.get("purchase.order", order_id))
    with shop.unit(shop.accountant) as env:
        order = env.get("purchase.order", order_id)
        bill = post_bill(env, create_bill(env, order))  # 19.00 + 2.47
        assert order.state == "received"
        payments.register_payment(env, shop.supplier, "10.00", payment_type="outbound")
        assert bill.payment_state == "partial" and order.state == "received"
        payments.register_payment(env, shop.supplier, "11.47", payment_type="outbound")
        assert bill.payment_state == "paid" and order.state == "done"


def test_reversed_bill_gives_its_quantities_back(shop: Shop) -> None:
    order_id = confirmed_order(shop, ["3"])
    with shop.unit(shop.buyer) as env:
        receive(env, env.get("purchase.order", order_id))
    with shop.unit(shop.accountant) as env:
        bill_id = post_bill(env, create_bill(env, env.get("purchase.order", order_id))).id
    with shop.unit(shop.controller) as env:
        order = env.get("purchase.order", order_id)
        assert order.bill_status == "billed"
        reverse(env, env.get("account.move", bill_id), reason="wrong supplier invoice")
        assert order.lines[0].qty_billed == 0 and order.bill_status == "to_bill"
        assert workflow.milestones(env, order)["billed"].done_at is None
        again = post_bill(env, create_bill(env, order))
        assert again.purchase_lines[0].quantity == Decimal("3")
        assert order.bill_status == "billed" and order.state == "received"


def test_draft_bill_on_receipt_when_the_company_says_so(shop: Shop) -> None:
    with shop.unit(shop.controller, su=True) as env:
        env.ref("base.main_company").purchase_bill_on_receipt = True
    order_id = confirmed_order(shop, ["5", "5"])
    p0 = shop.products[0]
    with shop.unit(shop.buyer) as env:  # a stock user without rights on the books
        receive(env, env.get("purchase.order", order_id), {p0: "5"})
    with shop.unit(shop.accountant) as env:
        (bill,) = order_bills(env, order_id)
        assert bill.state == "draft"
        assert [(r.product_id, r.quantity) for r in bill.purchase_lines] == [(p0, Decimal("5"))]


def test_perpetual_valuation_bill_clears_goods_received_not_invoiced(shop: Shop) -> None:
    with shop.unit(shop.controller, su=True) as env:
        env.ref("base.main_company").stock_valuation = "perpetual"
    order_id = confirmed_order(shop, ["4"])
    with shop.unit(shop.buyer) as env:
        receive(env, env.get("purchase.order", order_id))
    with shop.unit(shop.accountant) as env:
        company = env.ref("base.main_company")
        bill = post_bill(env, create_bill(env, env.get("purchase.order", order_id)))
        interim = company.account_stock_interim_id
        assert any(
            line.account_id == interim and line.debit == Decimal("38.00") for line in bill.lines
        )
        Line = env["account.move.line"]
        balance = env.session.scalar(
            select(func.sum(Line.debit) - func.sum(Line.credit)).where(
                Line.account_id == interim, Line.parent_state == "posted"
            )
        )
        assert Decimal(balance or 0) == 0


def test_statements_of_billing_do_not_grow_with_the_order_lines(make_instance) -> None:
    from addons.purchase.services import orders as po
    from addons.purchase_accounting.tests.conftest import build_shop
    from kernel.testing import StatementCounter

    shop = build_shop(make_instance(["purchase", "accounting"]), n=100)
    counts = {}
    for n in (10, 100):
        with shop.unit(shop.buyer) as env:
            order = po.create_order(
                env, shop.supplier, [{"product_id": p, "quantity": "2"} for p in shop.products[:n]]
            )
            with env.sudo("a large order in a test"):
                po.confirm(env, order)
            receive(env, order)
            order_id = order.id
        with StatementCounter(shop.instance.engine) as counter, shop.unit(shop.accountant) as env:
            order = env.get("purchase.order", order_id)
            bill = post_bill(env, create_bill(env, order))
            assert len(bill.purchase_lines) == n
            assert all(line.qty_billed == Decimal("2") for line in order.lines)
        counts[n] = counter.count
    assert counts[100] <= counts[10], counts  # the same work, whatever the number of lines
    assert counts[10] <= 60, counts


def test_order_form_shows_the_three_way_match_and_the_create_bill_button(shop: Shop) -> None:
    from litestar.testing import TestClient

    from kernel.web.app import create_app
    from kernel.web.context import ensure_fresh
    from kernel.web.sessions import COOKIE_NAME, create_session

    order_id = confirmed_order(shop, ["10"])
    with shop.unit(shop.buyer) as env:
        receive(env, env.get("purchase.order", order_id), {shop.products[0]: "6"})
    ensure_fresh(shop.instance, force=True)
    with TestClient(create_app(shop.instance), base_url="http://suanpan.localhost") as client:
        client.cookies.set(COOKIE_NAME, create_session(shop.instance, shop.buyer))
        form = client.get(f"/app/purchase/orders/{order_id}")
        assert form.status_code == 200
        for text in ("Create bill", "Received", "Billed", "To bill"):
            assert text in form.text, text
        token = re.search(r'name="_csrf_token" value="([^"]+)"', form.text)
        assert token, "the form carries the CSRF token"
        done = client.post(
            f"/app/purchase/orders/{order_id}/action/create_bill",
            data={"_csrf_token": token.group(1)},
            follow_redirects=False,
        )
        assert done.status_code in (200, 302, 303), re.findall(r"<p[^>]*>(.*?)</p>", done.text)
        again = client.get(f"/app/purchase/orders/{order_id}")  # the bill line shows
        assert again.status_code == 200 and "Bill lines" in again.text
    with shop.unit(shop.accountant) as env:
        (bill,) = order_bills(env, order_id)
        assert bill.purchase_lines[0].quantity == Decimal("6")
        bill_id, order_name = bill.id, bill.invoice_origin
    with TestClient(create_app(shop.instance), base_url="http://suanpan.localhost") as client:
        client.cookies.set(COOKIE_NAME, create_session(shop.instance, shop.accountant))
        bills = client.get("/app/accounting/entries?f=purchase_bills")
        assert bills.status_code == 200 and order_name in bills.text
        page = client.get(f"/app/accounting/entries/{bill_id}")
        assert page.status_code == 200 and "Purchase order lines" in page.text


def test_editing_a_draft_bill_recomputes_it_and_a_new_line_takes_its_order_line(shop: Shop) -> None:
    order_id = confirmed_order(shop, ["5", "5"])
    with shop.unit(shop.buyer) as env:
        receive(env, env.get("purchase.order", order_id))
    with shop.unit(shop.accountant) as env:
        order = env.get("purchase.order", order_id)
        bill = create_bill(env, order, {order.lines[0].id: "5"})
        bill.purchase_lines[0].quantity = Decimal("3")
        bill.purchase_lines[0].price_unit = Decimal("9.00")
        bill.purchase_lines.append(
            env["purchase.bill.line"](order_line_id=order.lines[1].id, quantity=Decimal("2"))
        )
        env.session.flush()
        assert [(r.description, r.price_unit, r.price_subtotal) for r in bill.purchase_lines] == [
            ("T-shirt 0", Decimal("9.00"), Decimal("27.00")),
            ("T-shirt 1", Decimal("9.50"), Decimal("19.00")),
        ]
        assert (bill.amount_untaxed, bill.amount_tax) == (Decimal("46.00"), Decimal("5.98"))
        post_bill(env, bill)
        # two expense lines, input VAT, payable: nothing left of the first computation
        assert len(bill.lines) == 4 and bill.total_debit == Decimal("51.98")
        assert _payable_balance(env, shop.supplier) == Decimal("-51.98")
        assert [line.qty_billed for line in order.lines] == [Decimal("3"), Decimal("2")]
        assert order.bill_status == "to_bill"


def test_orders_confirmed_before_billing_was_installed_wait_for_their_bills(
    make_instance,
) -> None:
    from addons.purchase.services import orders as po
    from addons.purchase.tests.conftest import make_goods
    from kernel import lifecycle

    instance = make_instance(["purchase"])
    ids = make_goods(instance, 1)
    with instance.unit(ids["buyer"]) as env:
        order = po.create_order(
            env, ids["supplier"], [{"product_id": ids["products"][0], "quantity": "1"}]
        )
        po.confirm(env, order)
        order_id = order.id
    lifecycle.install(instance, ["accounting"])
    with instance.unit(ids["buyer"]) as env:
        order = env.get("purchase.order", order_id)
        assert {"billed", "paid"} <= set(workflow.milestones(env, order))
        receive(env, order)
        assert order.state == "received" and order.bill_status == "to_bill"

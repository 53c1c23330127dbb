"""sales_order + stock + accounting: ship, invoice on completion (or on delivery), pay, close."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from addons.accounting.services import payments
from addons.accounting.services.sale import order_invoice
from addons.sales_order.services.orders import approve, create_order, submit
from addons.stock.services import receive, validate_picking
from addons.stock.tests.conftest import make_product
from kernel.testing import MakeInstance


@pytest.fixture
def instance(make_instance: MakeInstance):
    return make_instance(["sales_order", "stock", "accounting"])


def _order(env, qty: int = 5):
    product = make_product(
        env,
        "Widget",
        list_price=Decimal("100"),
        standard_price=Decimal("60"),
        sale_tax_id=env.ref("base.vat_13_sale").id,
    )
    receive(env, product, Decimal(20), price_unit=Decimal("60"))
    partner = env["res.partner"](name="Buyer", is_customer=True)
    env.session.add(partner)
    env.session.flush()
    order = create_order(env, partner.id, [{"product_id": product, "quantity": Decimal(qty)}])
    submit(env, order)
    if order.state == "submitted":
        approve(env, order)
    assert order.state == "in_progress"
    Picking = env["stock.picking"]
    picking = env.session.scalar(
        select(Picking).where(Picking.origin_model == "sale.order", Picking.origin_id == order.id)
    )
    return order, picking


def test_ship_invoice_pay_close(instance) -> None:
    with instance.unit(None, su=True) as env:
        env.ref("base.main_company").stock_valuation = "perpetual"
        order, picking = _order(env)
        assert order_invoice(env, order.id) is None  # nothing shipped, nothing invoiced
        validate_picking(env, picking)
        assert order.state == "completed"
        invoice = order_invoice(env, order.id)
        assert invoice.amount_total == order.amount_total == Decimal("565.00")
        Move = env["account.move"]
        valuation = env.session.scalar(
            select(Move).where(Move.origin_model == "stock.move", Move.ref != "RECEIPT")
        )
        assert valuation is not None and valuation.total_debit == Decimal("300.00")
        payments.register_payment(env, order.partner_id, Decimal("565.00"))
        assert order.state == "closed"


def test_invoice_on_delivery_policy_invoices_at_first_shipment(instance) -> None:
    with instance.unit(None, su=True) as env:
        env.ref("base.main_company").invoice_policy = "delivery"
        order, picking = _order(env)
        move = picking.moves[0]
        backorder = validate_picking(env, picking, {move.id: Decimal(2)})
        assert backorder is not None and order.state == "in_progress"
        invoice = order_invoice(env, order.id)
        assert invoice is not None and invoice.amount_total == order.amount_total
        validate_picking(env, backorder)
        assert order.state == "completed"
        assert order_invoice(env, order.id).id == invoice.id

"""Issue 10's end to end with inspection: a sales order for a "make" product with no stock
is made, its short component bought, the goods inspected — one unit fails and is scrapped,
and made again — then shipped, invoiced, paid and closed.

order for 4 tables, none in stock → production order (confirmed) → board short → purchase
requisition → RFQ → purchase order → receipt → the production order's waiting board is
reserved → started → quality check: 3 pass, 1 fails (scrap) → a quality exception on the
sales order → done: 3 tables in stock, the failed one in the scrap location at the order's
cost, a replacement order for 1 → made and inspected → the delivery is reserved and
validated → invoice → paid → closed. At every step stock quants equal the done moves and
the trial balance nets to zero (perpetual valuation).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from addons.accounting.services import payments
from addons.accounting.services.sale import order_invoice
from addons.mrp.services.quality import record_check
from addons.mrp.tests.conftest import D, bom, on_hand, product, stock_in
from addons.mrp.tests.test_make_to_order_e2e import ADDONS, _check, _milestones
from addons.purchase.services import orders as po
from addons.purchase.services.receipts import receipts_of
from addons.purchase.services.requisitions import create_rfqs
from addons.sales_order.services import orders as so
from addons.stock.services.pickings import validate_picking
from kernel import workflow
from kernel.testing import make_user


def test_made_to_order_inspected_one_unit_scrapped_then_shipped_invoiced_paid(
    make_instance: Any,
) -> None:
    instance = make_instance(ADDONS)
    seller = make_user(instance, "seller", ["sales_order.group_manager", "stock.group_user"])
    buyer = make_user(instance, "buyer", ["purchase.group_user", "stock.group_user"])
    worker = make_user(instance, "worker", ["mrp.group_user"])
    with instance.unit(None, su=True) as env:
        env.ref("base.main_company").stock_valuation = "perpetual"
        supplier = env["res.partner"](name="华东木业", is_company=True, is_supplier=True)
        customer = env["res.partner"](name="杭州家具城", is_company=True, is_customer=True)
        env.session.add_all([supplier, customer])
        env.session.flush()
        board = product(env, "Board", uom="uom_m", cost="40")
        screw = product(env, "Screw", cost="0.5")
        table = product(
            env,
            "Oak table",
            route="make",
            cost_method="average",
            list_price=D("999"),
            sale_tax_id=env.ref("base.vat_13_sale").id,
        )
        env.session.add(
            env["purchase.supplier.price"](partner_id=supplier.id, product_id=board, price=D(40))
        )
        bill = bom(env, table, [(board, "3"), (screw, "8")])
        bill.quality_points = [
            env["mrp.quality.point"](name="Top surface", instructions="no cracks, even oil")
        ]
        stock_in(env, {board: 5, screw: 100})
        _check(env)

    with instance.unit(seller) as env:
        order = so.create_order(env, customer.id, [{"product_id": table, "quantity": D(4)}])
        so.submit(env, order)
        if order.state == "submitted":
            so.approve(env, order)
        order_id = order.id
        assert _milestones(env, order) == {"reserved": False, "produced": False, "shipped": False}

    with instance.unit(worker) as env:
        (mo,) = env.session.scalars(select(env["mrp.production"])).all()
        # 4 tables need 12 m of board: 5 on hand are reserved, 7 m are short
        assert (mo.quantity, mo.component_status) == (D(4), "partial")
        mo_id = mo.id

    with instance.unit(buyer) as env:
        (req,) = env.session.scalars(select(env["purchase.requisition"])).all()
        assert (req.product_id, req.quantity) == (board, D(7))
        (rfq,) = create_rfqs(env, [req.id])
        po.confirm(env, rfq)
        (receipt,) = receipts_of(env, rfq)
        validate_picking(env, receipt)
        _check(env)

    with instance.unit(None, su=True) as env:
        stock_in(env, {board: 3})  # spare board on the shelf
    with instance.unit(worker) as env:
        mo = env.get("mrp.production", mo_id)
        assert mo.component_status == "available"
        workflow.fire(env, mo, "start")
        workflow.fire(env, mo, "inspect")
        assert mo.state == "quality"
        _check(env)
        record_check(env, mo, D(4), D(3), D(1), "scrap", "cracked top")
        _check(env)

    with instance.unit(seller) as env:
        (exception,) = env.session.scalars(select(env["sale.order.exception"])).all()
        assert (exception.order_id, exception.kind) == (order_id, "quality")

    with instance.unit(worker) as env:
        mo = env.get("mrp.production", mo_id)
        workflow.fire(env, mo, "produce")
        # a table costs 3 m × 40.00 + 8 × 0.50 = 124.00; the failed one is scrapped at that
        assert (mo.state, mo.unit_cost, mo.scrap_cost) == ("done", D(124), D(124))
        assert on_hand(env, table) == D(3)
        _check(env)
        Production = env["mrp.production"]
        (again,) = env.session.scalars(select(Production).where(Production.id != mo_id)).all()
        # the scrapped unit is made again for the same order, from the spare board
        assert (again.quantity, again.origin_id, again.state) == (D(1), order_id, "confirmed")
        assert again.component_status == "available"
        again_id = again.id

    with instance.unit(seller) as env:
        order = env.get("sale.order", order_id)
        assert _milestones(env, order)["produced"] is False  # the replacement is still open

    with instance.unit(worker) as env:
        again = env.get("mrp.production", again_id)
        for step in ("start", "inspect"):
            workflow.fire(env, again, step)
        record_check(env, again, D(1), D(1))
        workflow.fire(env, again, "produce")
        assert on_hand(env, table) == D(4)
        _check(env)

    with instance.unit(seller) as env:
        order = env.get("sale.order", order_id)
        assert _milestones(env, order) == {"reserved": True, "produced": True, "shipped": False}
        Picking = env["stock.picking"]
        (delivery,) = env.session.scalars(
            select(Picking).where(
                Picking.origin_model == "sale.order", Picking.origin_id == order_id
            )
        ).all()
        validate_picking(env, delivery)
        assert order.state == "completed"
        _check(env)

    with instance.unit(None, su=True) as env:
        order = env.get("sale.order", order_id)
        invoice = order_invoice(env, order_id)
        assert invoice.amount_total == order.amount_total
        payments.register_payment(env, order.partner_id, invoice.amount_total)
        assert order.state == "closed"
        assert on_hand(env, table) == 0 and on_hand(env, board) == 0
        _check(env)

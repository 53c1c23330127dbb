"""Issue 10's end to end: a sales order for a "make" product with no stock is made,
its short component bought, then shipped, invoiced, paid and closed.

order for 3 tables, none in stock → production order (confirmed) → board short →
purchase requisition → RFQ → purchase order → receipt → the production order's
waiting board is reserved → started → a board splits at the bench and is
scrapped on the order → done → the order's delivery is reserved and validated → invoice → paid →
closed. At every step stock quants equal the done moves and the books balance
(perpetual valuation).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from addons.accounting.services import payments
from addons.accounting.services.reports import trial_balance
from addons.accounting.services.sale import order_invoice
from addons.mrp.services.scrap import scrap
from addons.mrp.tests.conftest import D, bom, on_hand, product, quants_match_moves, stock_in
from addons.purchase.services import orders as po
from addons.purchase.services.receipts import receipts_of
from addons.purchase.services.requisitions import create_rfqs
from addons.sales_order.services import orders as so
from addons.stock.services.pickings import validate_picking
from kernel import workflow
from kernel.testing import make_user

ADDONS = ["sales_order", "purchase", "accounting", "purchase_accounting", "mrp"]


def _check(env: Any) -> None:
    """Quants equal done moves and the trial balance nets to zero (read as the system)."""
    with env.sudo("the test checks the invariants whoever acted"):
        quants_match_moves(env)
        today = dt.date.today()
        rows = trial_balance(env, today.replace(month=1, day=1), today)
        assert sum((r["closing"] for r in rows), Decimal(0)) == 0


def _milestones(env: Any, order: Any) -> dict[str, bool]:
    """The execution milestones (accounting adds invoiced/settled for the settlement phase)."""
    rows = workflow.milestones(env, order)
    return {
        n: rows[n].done_at is not None for n in ("reserved", "produced", "shipped") if n in rows
    }


def test_sales_order_made_bought_shipped_invoiced_paid(make_instance: Any) -> None:
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
            list_price=Decimal("999"),
            sale_tax_id=env.ref("base.vat_13_sale").id,
        )
        env.session.add(
            env["purchase.supplier.price"](partner_id=supplier.id, product_id=board, price=D(40))
        )
        bom(env, table, [(board, "3"), (screw, "8")])
        stock_in(env, {board: 5, screw: 100})
        _check(env)
        ids = {"board": board, "table": table, "customer": customer.id}

    with instance.unit(seller) as env:
        order = so.create_order(env, ids["customer"], [{"product_id": table, "quantity": D(4)}])
        so.submit(env, order)
        if order.state == "submitted":
            so.approve(env, order)
        order_id = order.id
        assert _milestones(env, order) == {"reserved": False, "produced": False, "shipped": False}

    with instance.unit(worker) as env:
        Production = env["mrp.production"]
        (mo,) = env.session.scalars(select(Production)).all()
        # 4 tables need 12 m of board: 5 on hand are reserved, 7 m are short
        assert (mo.quantity, mo.component_status) == (D(4), "partial")
        mo_id = mo.id

    with instance.unit(buyer) as env:
        Requisition = env["purchase.requisition"]
        (req,) = env.session.scalars(select(Requisition)).all()
        assert (req.product_id, req.quantity) == (board, D(7))
        (rfq,) = create_rfqs(env, [req.id])
        po.confirm(env, rfq)
        (receipt,) = receipts_of(env, rfq)
        validate_picking(env, receipt)
        _check(env)

    with instance.unit(None, su=True) as env:
        stock_in(env, {board: 1})  # a spare metre, free for the bench
    with instance.unit(worker) as env:
        mo = env.get("mrp.production", mo_id)
        assert mo.component_status == "available"
        workflow.fire(env, mo, "start")
        # a board splits at the bench: the spare metre is scrapped on the order
        scrap(env, mo, board, D(1), "split at the bench")
        assert mo.scrap_cost == D(40)
        _check(env)
        workflow.fire(env, mo, "produce")
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

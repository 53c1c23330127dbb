"""Order to receipt to delivery: a sales order for more than is on hand gets bought and shipped.

order for 30 with 12 on hand → 12 reserved, 18 short → a purchase requisition
linked to the order → RFQ → purchase order → receipt → the waiting reservation
completes → delivery → the order's stock nodes (reserved, procured, shipped) are
done and the order completes.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from addons.purchase.services import orders as po
from addons.purchase.services.receipts import receipts_of
from addons.purchase.services.requisitions import create_rfqs
from addons.purchase.tests.conftest import make_goods
from addons.sales_order.services import orders as so
from addons.stock.services.availability import availability
from addons.stock.services.pickings import validate_picking
from addons.stock.services.receive import receive
from kernel import workflow
from kernel.testing import make_user


def _milestones(env, order):
    return {name: row.done_at is not None for name, row in workflow.milestones(env, order).items()}


def test_shortage_is_bought_received_reserved_and_shipped(make_instance):
    instance = make_instance(["sales_order", "purchase"])
    ids = make_goods(instance, 1)
    pid = ids["products"][0]
    seller = make_user(instance, "seller", ["sales_order.group_manager", "stock.group_user"])
    with instance.unit(None, su=True) as env:
        receive(env, pid, Decimal("12"))
        customer = env["res.partner"](name="杭州茶业有限公司", is_company=True, is_customer=True)
        env.session.add(customer)
        env.session.flush()
        customer_id = customer.id

    with instance.unit(seller) as env:
        order = so.create_order(env, customer_id, [{"product_id": pid, "quantity": Decimal("30")}])
        so.submit(env, order)
        if order.state == "submitted":
            so.approve(env, order)
        assert order.state == "in_progress"
        order_id = order.id
        line = order.lines[0]
        assert line.reserved_qty == Decimal("12")
        assert line.shortage_qty == Decimal("18")
        assert _milestones(env, order) == {"reserved": False, "procured": False, "shipped": False}

    with instance.unit(ids["buyer"]) as env:
        Requisition = env["purchase.requisition"]
        (req,) = env.session.scalars(select(Requisition).where(Requisition.product_id == pid)).all()
        assert req.quantity == Decimal("18")
        assert (req.origin_model, req.origin_id) == ("sale.order", order_id)
        (rfq,) = create_rfqs(env, [req.id])
        po.confirm(env, rfq)
        (receipt,) = receipts_of(env, rfq)
        validate_picking(env, receipt)
        assert rfq.state == "done"

    with instance.unit(seller) as env:
        order = env.get("sale.order", order_id)
        assert order.lines[0].reserved_qty == Decimal("30")
        assert _milestones(env, order) == {"reserved": True, "procured": True, "shipped": False}
        Picking = env["stock.picking"]
        (delivery,) = env.session.scalars(
            select(Picking).where(
                Picking.origin_model == "sale.order", Picking.origin_id == order_id
            )
        ).all()
        validate_picking(env, delivery)
        assert _milestones(env, order) == {"reserved": True, "procured": True, "shipped": True}
        assert order.state in ("completed", "closed")
        assert availability(env, [pid])[pid]["on_hand"] == Decimal("0")

"""Make to order: a sales order for a manufactured product with no stock is produced,
then shipped; the order tracks the ``produced`` milestone and shows its production."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from litestar.testing import TestClient
from sqlalchemy import select

from addons.mrp.tests.conftest import D, bom, product, quants_match_moves, stock_in
from addons.sales_order.services import orders as so
from addons.stock.services.pickings import validate_picking
from kernel import workflow
from kernel.testing import make_user
from kernel.web.app import create_app


def _milestones(env: Any, order: Any) -> dict[str, bool]:
    return {name: row.done_at is not None for name, row in workflow.milestones(env, order).items()}


def test_a_sales_shortage_of_a_make_product_is_produced_then_shipped(make_instance: Any) -> None:
    instance = make_instance(["sales_order", "mrp"])
    seller = make_user(
        instance, "seller", ["sales_order.group_manager", "stock.group_user"], lang="zh_CN"
    )
    worker = make_user(instance, "worker", ["mrp.group_user"])
    with instance.unit(None, su=True) as env:
        board = product(env, "Board", uom="uom_m", cost="40")
        table = product(env, "Oak table", route="make", list_price=Decimal("999"))
        bom(env, table, [(board, "2.5")])
        stock_in(env, {board: 20, table: 1})
        customer = env["res.partner"](name="杭州家具城", is_company=True, is_customer=True)
        env.session.add(customer)
        env.session.flush()
        customer_id = customer.id

    with instance.unit(seller) as env:
        order = so.create_order(env, customer_id, [{"product_id": table, "quantity": D(4)}])
        so.submit(env, order)
        if order.state == "submitted":
            so.approve(env, order)
        assert order.state == "in_progress"
        order_id, order_name = order.id, order.name
        assert _milestones(env, order) == {"reserved": False, "produced": False, "shipped": False}

    with instance.unit(worker) as env:
        Production = env["mrp.production"]
        (mo,) = env.session.scalars(select(Production)).all()
        # 1 table on hand is reserved; the 3 missing are made for the order
        assert (mo.quantity, mo.state, mo.origin) == (D(3), "confirmed", order_name)
        assert (mo.origin_model, mo.origin_id) == ("sale.order", order_id)
        workflow.fire(env, mo, "start")
        workflow.fire(env, mo, "produce")

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
        assert order.state in ("completed", "closed")
        quants_match_moves(env)

    # the order's form shows its production order, in the seller's language
    client = TestClient(create_app(instance), base_url="http://suanpan.localhost")
    with client:
        client.get("/login")
        client.post(
            "/login",
            data={
                "login": "seller",
                "password": "pw",
                "_csrf_token": client.cookies.get("csrftoken"),
            },
        )
        page = client.get(f"/app/sales/orders/{order_id}")
        assert page.status_code == 200
        assert "生产订单" in page.text and "MO" in page.text and "已完成" in page.text


def test_cancelling_the_production_settles_the_milestone(make_instance: Any) -> None:
    instance = make_instance(["sales_order", "mrp"])
    with instance.unit(None, su=True) as env:
        board = product(env, "Board", uom="uom_m")
        table = product(env, "Table", route="make", list_price=Decimal("10"))
        bom(env, table, [(board, "1")])
        customer = env["res.partner"](name="Acme", is_company=True, is_customer=True)
        env.session.add(customer)
        env.session.flush()
        order = so.create_order(env, customer.id, [{"product_id": table, "quantity": D(2)}])
        so.submit(env, order)
        if order.state == "submitted":
            so.approve(env, order)
        (mo,) = env.session.scalars(select(env["mrp.production"])).all()
        assert _milestones(env, order)["produced"] is False
        workflow.fire(env, mo, "cancel", reason="design changed")
        assert _milestones(env, order)["produced"] is True

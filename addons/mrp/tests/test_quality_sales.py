"""Quality toward sales: a failed inspection of an order made for a sales order raises a
``quality`` exception on it; cancelling the sales order cancels its open production."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from addons.mrp.services.quality import record_check
from addons.mrp.tests.conftest import D, bom, on_hand, product, stock_in
from addons.sales_order.services import orders as so
from kernel import workflow
from kernel.testing import make_user


def _order_for_tables(instance: Any, qty: str = "3") -> tuple[int, int, dict[str, int]]:
    with instance.unit(None, su=True) as env:
        board = product(env, "Board", uom="uom_m", cost="40")
        table = product(env, "Oak table", route="make", list_price=Decimal("999"))
        bill = bom(env, table, [(board, "2.5")])
        bill.quality_points = [env["mrp.quality.point"](name="Finish")]
        stock_in(env, {board: 20})
        customer = env["res.partner"](name="杭州家具城", is_company=True, is_customer=True)
        env.session.add(customer)
        env.session.flush()
        order = so.create_order(env, customer.id, [{"product_id": table, "quantity": D(qty)}])
        so.submit(env, order)
        if order.state == "submitted":
            so.approve(env, order)
        (mo,) = env.session.scalars(select(env["mrp.production"])).all()
        return order.id, mo.id, {"board": board, "table": table}


def test_a_failed_inspection_is_a_quality_exception_on_the_sales_order(
    make_instance: Any,
) -> None:
    instance = make_instance(["sales_order", "mrp"])
    worker = make_user(instance, "worker", ["mrp.group_user"])
    order_id, mo_id, _ids = _order_for_tables(instance)
    with instance.unit(worker) as env:
        mo = env.get("mrp.production", mo_id)
        workflow.fire(env, mo, "start")
        workflow.fire(env, mo, "inspect")
        record_check(env, mo, D(2), D(2))
    with instance.unit(None, su=True) as env:
        Exception_ = env["sale.order.exception"]
        assert env.session.scalars(select(Exception_)).all() == []
    with instance.unit(worker) as env:
        mo = env.get("mrp.production", mo_id)
        record_check(env, mo, D(1), D(0), D(1), "rework", "cracked top")
    with instance.unit(None, su=True) as env:
        (exception,) = env.session.scalars(select(env["sale.order.exception"])).all()
        assert (exception.order_id, exception.kind, exception.status) == (
            order_id,
            "quality",
            "open",
        )
        assert mo_id and "1 of 1" in exception.description
        assert "Oak table" in exception.description and "cracked top" in exception.description
        assert exception.group.xmlid == "sales_order.group_manager"


def test_without_sales_a_failed_inspection_raises_nothing(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    with instance.unit(None, su=True) as env:
        assert "sale.order.exception" not in env
        board = product(env, "Board", uom="uom_m", cost="40")
        table = product(env, "Table", route="make")
        bill = bom(env, table, [(board, "2.5")])
        bill.quality_points = [env["mrp.quality.point"](name="Finish")]
        stock_in(env, {board: 20})
        from addons.mrp.services.production import create_production

        mo = create_production(env, table, D(2))
        for step in ("confirm", "start", "inspect"):
            workflow.fire(env, mo, step)
        check = record_check(env, mo, D(2), D(1), D(1), "scrap")
        assert check.result == "partial"
        workflow.fire(env, mo, "produce")
        assert on_hand(env, table) == D(1) and mo.scrap_cost == D(100)


def test_cancelling_the_sales_order_cancels_its_open_production(make_instance: Any) -> None:
    instance = make_instance(["sales_order", "mrp"])
    seller = make_user(instance, "seller", ["sales_order.group_manager"])
    order_id, mo_id, ids = _order_for_tables(instance)
    with instance.unit(None, su=True) as env:
        mo = env.get("mrp.production", mo_id)
        assert (mo.state, mo.component_status) == ("confirmed", "available")
        # 3 tables reserve 7.5 m of the 20 m of board
        Move = env["stock.move"]
        reserved = env.session.scalar(
            select(Move.reserved_qty).where(
                Move.origin_model == "mrp.production",
                Move.origin_id == mo_id,
                Move.product_id == ids["board"],
            )
        )
        assert reserved == D("7.5")
    with instance.unit(seller) as env:  # a seller, not a production user
        order = env.get("sale.order", order_id)
        so.cancel(env, order, "customer withdrew")
        assert order.state == "cancelled"
    with instance.unit(None, su=True) as env:
        mo = env.get("mrp.production", mo_id)
        assert (mo.state, mo.cancel_reason) == ("cancelled", "customer withdrew")
        Quant = env["stock.quant"]
        assert (
            sum(
                q.reserved_quantity
                for q in env.session.scalars(select(Quant).where(Quant.product_id == ids["board"]))
            )
            == 0
        )
        assert on_hand(env, ids["board"]) == D(20)


def test_a_done_production_stays_done_when_the_order_is_cancelled(make_instance: Any) -> None:
    instance = make_instance(["sales_order", "mrp"])
    order_id, mo_id, ids = _order_for_tables(instance, "2")
    with instance.unit(None, su=True) as env:
        mo = env.get("mrp.production", mo_id)
        for step in ("start", "inspect"):
            workflow.fire(env, mo, step)
        record_check(env, mo, D(2), D(2))
        workflow.fire(env, mo, "produce")
        so.cancel(env, env.get("sale.order", order_id), "customer withdrew")
        assert mo.state == "done" and on_hand(env, ids["table"]) == D(2)

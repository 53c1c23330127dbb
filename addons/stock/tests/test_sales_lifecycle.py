"""stock next to sales_order: clean install/uninstall, and parallel approvals for the last units."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect, select

from addons.stock.services import availability, receive
from addons.stock.tests.conftest import make_product
from kernel import lifecycle, schema
from kernel.instance import Instance
from kernel.testing import MakeInstance, table_counts


def test_installs_and_uninstalls_cleanly_next_to_sales_order(make_instance: MakeInstance) -> None:
    instance = make_instance(["sales_order"])
    with instance.engine.connect() as conn:
        before = schema.snapshot(conn)
    rows = table_counts(instance)
    lifecycle.install(instance, ["stock"])
    with instance.engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("sale_order_line")}
    assert {"reserved_qty", "shortage_qty", "delivered_qty"} <= columns
    lifecycle.uninstall(instance, ["stock"])
    with instance.engine.connect() as conn:
        assert schema.snapshot(conn) == before
    assert table_counts(instance) == rows


def test_uninstalling_stock_keeps_approved_orders(make_instance: MakeInstance) -> None:
    from addons.sales_order.services.orders import approve, create_order, submit

    instance = make_instance(["sales_order", "stock"])
    with instance.unit(None, su=True) as env:
        pid = make_product(env, "Widget")
        receive(env, pid, 5)
        partner = env["res.partner"](name="Buyer", is_customer=True)
        env.session.add(partner)
        env.session.flush()
        order = create_order(env, partner.id, [{"product_id": pid, "quantity": Decimal(2)}])
        submit(env, order)
        if order.state == "submitted":
            approve(env, order)
        order_id = order.id
    lifecycle.uninstall(instance, ["stock"])
    with instance.unit(None, su=True) as env:
        order = env.get("sale.order", order_id)
        assert order.state == "in_progress"
        assert "stock_status" not in order.__table__.columns


def _parallel_approvals(instance: Instance, seeded: int, orders: int) -> list[Any]:
    from addons.sales_order.services.orders import approve, create_order, submit

    with instance.unit(None, su=True) as env:
        pid = make_product(env, "Last ones")
        receive(env, pid, seeded)
        partner = env["res.partner"](name="Buyer", is_customer=True)
        env.session.add(partner)
        env.session.flush()
        ids = []
        for _ in range(orders):
            order = create_order(
                env, partner.id, [{"product_id": pid, "quantity": Decimal(1), "price_unit": 5}]
            )
            submit(env, order)
            ids.append(order.id)
    gate = threading.Barrier(8)

    def go(order_id: int) -> Any:
        if order_id in ids[:8]:
            gate.wait(timeout=30)

        def work(env: Any) -> Any:
            order = env.get("sale.order", order_id)
            if order.state == "submitted":
                approve(env, order)
            return order.lines[0].reserved_qty

        return instance.run(work, None, su=True)

    with ThreadPoolExecutor(max_workers=8) as pool:
        reserved = list(pool.map(go, ids))
    with instance.unit(None, su=True) as env:
        figures = availability(env, [pid])[pid]
    return [reserved, figures]


def test_parallel_approvals_never_promise_the_same_unit_twice(make_instance: MakeInstance) -> None:
    instance = make_instance(["sales_order", "stock"])
    reserved, figures = _parallel_approvals(instance, seeded=5, orders=20)
    assert reserved.count(Decimal(1)) == 5
    assert reserved.count(Decimal(0)) == 15
    assert figures["reserved"] == figures["on_hand"] == Decimal(5)


def test_approvals_and_partial_deliveries_at_once_never_deadlock(
    make_instance: MakeInstance,
) -> None:
    """An approval locks its goods, then draws its delivery's number; a partial delivery
    draws its backorder's number from the same series. Both must take the two locks in
    the same order (the goods first): run at once without retries (``retries=0``), a
    deadlock — PostgreSQL aborts one of two units waiting for each other — fails here.
    The numbers stay gapless and distinct.
    """
    from addons.sales_order.services.orders import approve, create_order, submit
    from addons.stock.services import validate_picking
    from addons.stock.services.pickings import picking_moves

    instance = make_instance(["sales_order", "stock"])
    waves = 12
    with instance.unit(None, su=True) as env:
        pid = make_product(env, "Much ordered")
        receive(env, pid, 10_000)
        partner = env["res.partner"](name="Buyer", is_customer=True)
        env.session.add(partner)
        env.session.flush()
        orders, deliveries = [], []
        for i in range(2 * waves):
            order = create_order(
                env, partner.id, [{"product_id": pid, "quantity": Decimal(2), "price_unit": 5}]
            )
            submit(env, order)
            if i % 2:
                orders.append(order.id)
                continue
            approve(env, order)
            Picking = env["stock.picking"]
            deliveries.append(
                env.session.scalar(
                    select(Picking.id).where(
                        Picking.origin_model == "sale.order", Picking.origin_id == order.id
                    )
                )
            )
    gate = threading.Barrier(8)

    def go(task: tuple[str, int], index: int) -> str:
        kind, record_id = task
        if index < 8:
            gate.wait(timeout=30)

        def work(env: Any) -> str:
            if kind == "approve":
                order = env.get("sale.order", record_id)
                approve(env, order)
                return str(order.state)
            picking = env.get("stock.picking", record_id)
            [move] = picking_moves(env, picking, open_only=True)
            backorder = validate_picking(env, picking, {move.id: Decimal(1)})
            return str(backorder.name)

        return instance.run(work, None, su=True, retries=0)

    tasks = [
        task
        for pair in zip(
            [("approve", oid) for oid in orders],
            [("deliver", pid_) for pid_ in deliveries],
            strict=True,
        )
        for task in pair
    ]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(go, tasks, range(len(tasks))))
    assert results.count("in_progress") == waves
    with instance.unit(None, su=True) as env:
        Picking = env["stock.picking"]
        names = list(
            env.session.scalars(select(Picking.name).where(Picking.picking_type == "outgoing"))
        )
    numbers = sorted(int(name.rsplit("/", 1)[-1]) for name in names)  # WH/OUT/2026/00004
    # deliveries approved before, deliveries approved now, backorders
    assert len(set(names)) == len(names) == 3 * waves
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))  # gapless

"""Production orders and deliveries competing for the last units never over-reserve.

Threads confirm production orders (each needs 2 boards) and deliveries of the same
board (1 each) at once, then finish what they can. Each runs its own unit of work
(``instance.run``): the quants are locked ``FOR UPDATE`` on PostgreSQL (the same
locks as deliveries take), write units are serialised on SQLite.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import func, select

from addons.mrp.services.production import create_production
from addons.mrp.tests.conftest import D, bom, on_hand, product, stock_in
from addons.stock.services import confirm_picking, create_picking, validate_picking
from kernel import workflow
from kernel.errors import UserError

THREADS = 6
SEEDED = 10


def test_orders_and_deliveries_never_promise_the_same_board_twice(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    with instance.unit(None, su=True) as env:
        board = product(env, "Board")
        shelf = product(env, "Shelf", route="make")
        bom(env, shelf, [(board, "2")])
        stock_in(env, {board: SEEDED})
        productions = [create_production(env, shelf, D(1)).id for _ in range(6)]
        deliveries = [
            create_picking(
                env,
                "outgoing",
                env.ref("stock.location_stock").id,
                env.ref("stock.location_customers").id,
                [{"product_id": board, "quantity": D(1)}],
                warehouse_id=env.ref("stock.warehouse_main").id,
            ).id
            for _ in range(6)
        ]
    jobs = [("mrp.production", i) for i in productions] + [("stock.picking", i) for i in deliveries]
    start = threading.Barrier(THREADS)

    def confirm(job: tuple[str, int]) -> Any:
        if jobs.index(job) < THREADS:
            start.wait(timeout=30)

        def work(env: Any) -> None:
            record = env.get(job[0], job[1])
            if job[0] == "mrp.production":
                workflow.fire(env, record, "confirm")
            else:
                confirm_picking(env, record)

        return instance.run(work)

    def finish(job: tuple[str, int]) -> Any:
        def work(env: Any) -> None:
            record = env.get(job[0], job[1])
            if job[0] == "mrp.production":
                workflow.fire(env, record, "produce")
            else:
                validate_picking(env, record)

        try:
            return instance.run(work)
        except UserError as exc:
            return exc

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(confirm, jobs))
    with instance.unit(None, su=True) as env:
        Quant = env["stock.quant"]
        Move = env["stock.move"]
        reserved = env.session.scalar(
            select(func.sum(Quant.reserved_quantity)).where(Quant.product_id == board)
        )
        promised = env.session.scalar(
            select(func.sum(Move.reserved_qty)).where(Move.product_id == board)
        )
        # every unit promised once: quants and moves agree, never more than the stock
        assert reserved == promised == D(SEEDED)
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(finish, jobs))
    refused = [r for r in results if isinstance(r, UserError)]
    with instance.unit(None, su=True) as env:
        left = on_hand(env, board)
        assert left >= 0  # never negative
        made = on_hand(env, shelf)
        Move = env["stock.move"]
        shipped = env.session.scalar(
            select(func.sum(Move.product_qty)).where(
                Move.product_id == board,
                Move.state == "done",
                Move.location_dest_id == env.ref("stock.location_customers").id,
            )
        ) or D(0)
        # nothing consumed or shipped twice; what is left is a part-reserved order's
        assert made * 2 + shipped + left == SEEDED and left < 2
        assert len(refused) == len(jobs) - made - shipped


def test_two_inspectors_cannot_inspect_more_than_the_order(make_instance: Any) -> None:
    from addons.mrp.services.quality import record_check

    instance = make_instance(["mrp"])
    with instance.unit(None, su=True) as env:
        board = product(env, "Board")
        shelf = product(env, "Shelf", route="make")
        bom(env, shelf, [(board, "2")]).quality_points = [env["mrp.quality.point"](name="Flat")]
        stock_in(env, {board: SEEDED})
        mo = create_production(env, shelf, D(4))
        for step in ("confirm", "start", "inspect"):
            workflow.fire(env, mo, step)
        mo_id = mo.id
    start = threading.Barrier(2)

    def inspect(_i: int) -> str:
        start.wait(timeout=30)

        def work(env: Any) -> None:
            record_check(env, env.get("mrp.production", mo_id), D(3), D(3))

        try:
            instance.run(work)
            return "ok"
        except UserError:
            return "refused"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(inspect, range(2)))
    assert outcomes == ["ok", "refused"]
    with instance.unit(None, su=True) as env:
        Check = env["mrp.quality.check"]
        assert env.session.scalar(select(func.sum(Check.quantity))) == D(3)

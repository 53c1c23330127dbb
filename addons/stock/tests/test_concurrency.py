"""The last units are never promised or shipped twice, whatever the number of parallel users.

Each thread runs its own unit of work (``instance.run``): quant rows are locked
``FOR UPDATE`` on PostgreSQL, write units are serialised on SQLite.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from addons.stock.services import (
    availability,
    confirm_picking,
    create_picking,
    receive,
    validate_picking,
)
from addons.stock.tests.conftest import make_product
from kernel.errors import ValidationError
from kernel.instance import Instance

THREADS = 8
ORDERS = 50
SEEDED = 10


def _seed(stock: Instance, name: str) -> tuple[int, list[int]]:
    with stock.unit(None, su=True) as env:
        pid = make_product(env, name)
        receive(env, pid, SEEDED)
        wh = env.ref("stock.warehouse_main")
        ids = [
            create_picking(
                env,
                "outgoing",
                env.ref("stock.location_stock").id,
                env.ref("stock.location_customers").id,
                [{"product_id": pid, "quantity": Decimal(1)}],
                warehouse_id=wh.id,
            ).id
            for _ in range(ORDERS)
        ]
        return pid, ids


def _fire(stock: Instance, ids: list[int], work: Any) -> list[Any]:
    start = threading.Barrier(THREADS)

    def task(picking_id: int) -> Any:
        if picking_id in ids[:THREADS]:
            start.wait(timeout=30)  # the first wave starts together
        try:
            return stock.run(lambda env: work(env, env.get("stock.picking", picking_id)))
        except ValidationError as exc:
            return exc

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(task, ids))


def _check_quants(stock: Instance, pid: int) -> dict[str, Decimal]:
    with stock.unit(None, su=True) as env:
        Quant = env["stock.quant"]
        Location = env["stock.location"]
        lowest = env.session.scalar(
            select(func.min(Quant.quantity - Quant.reserved_quantity))
            .join(Location, Location.id == Quant.location_id)
            .where(Quant.product_id == pid, Location.usage == "internal")
        )
        assert lowest is not None and lowest >= 0
        return availability(env, [pid])[pid]


def test_fifty_parallel_reservations_share_ten_units(stock: Instance) -> None:
    for round_ in range(3):
        pid, ids = _seed(stock, f"Last units {round_}")

        def confirm(env: Any, picking: Any) -> str:
            confirm_picking(env, picking)
            return str(picking.state)

        states = _fire(stock, ids, confirm)
        assert states.count("ready") == SEEDED, states
        assert states.count("waiting") == ORDERS - SEEDED
        figures = _check_quants(stock, pid)
        assert figures["on_hand"] == Decimal(SEEDED)
        assert figures["reserved"] == Decimal(SEEDED)
        assert figures["outgoing"] == Decimal(ORDERS - SEEDED)  # the clear shortage


def test_fifty_parallel_shipments_never_drive_stock_negative(stock: Instance) -> None:
    for round_ in range(2):
        pid, ids = _seed(stock, f"Ship race {round_}")

        def ship(env: Any, picking: Any) -> str:
            validate_picking(env, picking)
            return str(picking.state)

        results = _fire(stock, ids, ship)
        shipped = [r for r in results if r == "done"]
        refused = [r for r in results if isinstance(r, ValidationError)]
        assert len(shipped) == SEEDED
        assert len(refused) == ORDERS - SEEDED
        assert all("0 available, 1 requested" in str(r) for r in refused)
        figures = _check_quants(stock, pid)
        assert figures["on_hand"] == Decimal(0)


def test_the_same_transfer_validated_by_eight_users_ships_once(stock: Instance) -> None:
    from kernel.errors import UserError

    with stock.unit(None, su=True) as env:
        pid = make_product(env, "Double click")
        receive(env, pid, SEEDED)
        wh = env.ref("stock.warehouse_main")
        picking = create_picking(
            env,
            "outgoing",
            env.ref("stock.location_stock").id,
            env.ref("stock.location_customers").id,
            [{"product_id": pid, "quantity": Decimal(4)}],
            warehouse_id=wh.id,
        )
        confirm_picking(env, picking)
        picking_id = picking.id
    gate = threading.Barrier(THREADS)

    def task(_n: int) -> Any:
        gate.wait(timeout=30)
        try:
            return stock.run(
                lambda env: validate_picking(env, env.get("stock.picking", picking_id)) or "done"
            )
        except UserError as exc:
            return exc

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(task, range(THREADS)))
    assert results.count("done") == 1, results
    figures = _check_quants(stock, pid)
    assert (figures["on_hand"], figures["reserved"]) == (Decimal(6), Decimal(0))


def test_validate_and_cancel_racing_on_one_transfer_leave_consistent_stock(
    stock: Instance,
) -> None:
    from addons.stock.services import cancel_picking
    from kernel.errors import UserError

    for round_ in range(2):
        with stock.unit(None, su=True) as env:
            pid = make_product(env, f"Race {round_}")
            receive(env, pid, SEEDED)
            picking = create_picking(
                env,
                "outgoing",
                env.ref("stock.location_stock").id,
                env.ref("stock.location_customers").id,
                [{"product_id": pid, "quantity": Decimal(4)}],
            )
            confirm_picking(env, picking)
            picking_id = picking.id
        gate = threading.Barrier(THREADS)

        def task(n: int, gate: Any = gate, picking_id: int = picking_id) -> Any:
            gate.wait(timeout=30)

            def work(env: Any) -> str:
                picking = env.get("stock.picking", picking_id)
                if n % 2:
                    cancel_picking(env, picking)
                    return "cancelled"
                validate_picking(env, picking)
                return "done"

            try:
                return stock.run(work)
            except UserError as exc:
                return exc

        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            results = list(pool.map(task, range(THREADS)))
        winners = [r for r in results if isinstance(r, str)]
        assert len(winners) == 1, results
        figures = _check_quants(stock, pid)
        expected = Decimal(6) if winners == ["done"] else Decimal(SEEDED)
        assert (figures["on_hand"], figures["reserved"]) == (expected, Decimal(0))

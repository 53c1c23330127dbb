"""Kill the process in the middle of a user action; nothing is half-applied, and retrying works.

For each named point of the order-to-cash chain and of purchase receipts
(kernel/faults.py), a child process takes the action with that point armed and
dies there by SIGKILL, with the unit's writes sent to the database but not
committed. Then, on the same database: every invariant holds (entries balance,
trial balance zero, quants equal done moves, reservations equal reserved
quantities, numbers unique), the documents are exactly where they were before
the action, no document number was used up, and the same action succeeds when the
user tries again, taking the next number with no gap.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from benchmarks import o2c, steps
from benchmarks.invariants import broken
from kernel.faults import VARIABLE
from kernel.instance import Instance
from kernel.testing import MakeInstance

DRIVER = str(Path(__file__).with_name("fault_driver.py"))
ROOT = str(Path(__file__).resolve().parents[2])


@pytest.fixture
def shop(make_instance: MakeInstance) -> tuple[Instance, dict[str, Any]]:
    instance = make_instance(["sales_order", "stock", "purchase", "accounting"])
    return instance, o2c.seed(instance, random.Random(3))


def die_at(instance: Instance, point: str, uid: int, action: str, *ids: int) -> None:
    instance.engine.dispose()  # the child must find no connection of ours holding a lock
    env = {**os.environ, VARIABLE: point, "PYTHONPATH": ROOT}
    child = subprocess.run(
        [sys.executable, DRIVER, instance.url, str(uid), action, *map(str, ids)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == -signal.SIGKILL, (
        f"{action} did not die at {point}: exit {child.returncode}\n{child.stderr[-2000:]}"
    )


def books_and_stock(instance: Instance, order_id: int | None = None) -> dict[str, Any]:
    """What a user would compare before and after: states, stock, numbers drawn."""
    with instance.unit(None, su=True) as env:
        Move, Quant, Counter = env["account.move"], env["stock.quant"], env["ir.sequence.counter"]
        Location = env["stock.location"]
        picture = {
            "posted": env.session.scalar(
                select(func.count()).select_from(Move).where(Move.state == "posted")
            ),
            "on_hand": env.session.scalar(
                select(func.sum(Quant.quantity))
                .join(Location, Location.id == Quant.location_id)
                .where(Location.usage == "internal")
            ),
            "reserved": env.session.scalar(select(func.sum(Quant.reserved_quantity))),
            "counters": sorted((c.id, c.next_number) for c in env.session.scalars(select(Counter))),
        }
        if order_id is not None:
            picture["order"] = env.get("sale.order", order_id).state
        problems = broken(env.session)
    assert problems == [], problems
    return picture


def gapless_journals(instance: Instance) -> None:
    """Posted entry numbers of each journal and year run 1, 2, 3, … with no hole."""
    with instance.unit(None, su=True) as env:
        Move = env["account.move"]
        names = env.session.scalars(select(Move.name).where(Move.state == "posted")).all()
    series: dict[str, list[int]] = {}
    for name in names:
        prefix, _sep, number = name.rpartition("/")
        series.setdefault(prefix, []).append(int(number))
    for prefix, numbers in series.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), (prefix, sorted(numbers))


def new_order(instance: Instance, ids: dict[str, Any], qty: int = 3) -> int:
    lines = [{"product_id": ids["products"][0], "quantity": Decimal(qty)}]
    return int(instance.run(lambda env: steps.create(env, ids["customers"][0], lines), ids["user"]))


def test_killed_while_reserving_on_approval(shop: tuple[Instance, dict[str, Any]]) -> None:
    instance, ids = shop
    order_id = new_order(instance, ids)
    before = books_and_stock(instance, order_id)
    die_at(instance, "stock.reserved", ids["user"], "approve", order_id)
    after = books_and_stock(instance, order_id)
    assert after["reserved"] == before["reserved"]  # no reservation survived the crash
    assert after["order"] in ("draft", "submitted")  # and the order did not move on without it
    from tests.e2e.fault_driver import act

    act(instance, ids["user"], "approve", [order_id])  # the user clicks again
    done = books_and_stock(instance, order_id)
    assert done["order"] == "in_progress"
    assert done["reserved"] == before["reserved"] + 3


@pytest.mark.parametrize("point", ["stock.moves_done", "accounting.posted"])
def test_killed_while_delivering(shop: tuple[Instance, dict[str, Any]], point: str) -> None:
    instance, ids = shop
    order_id = new_order(instance, ids)
    instance.run(lambda env: steps.submit(env, order_id), ids["user"])
    instance.run(lambda env: steps.approve(env, order_id), ids["user"])
    picking_id = instance.run(lambda env: steps.reserve(env, order_id), ids["user"])
    before = books_and_stock(instance, order_id)
    die_at(instance, point, ids["user"], "deliver", order_id, picking_id)
    assert books_and_stock(instance, order_id) == before  # goods, books and numbers untouched
    with instance.unit(None, su=True) as env:
        assert env.get("stock.picking", picking_id).state == "ready"
    instance.run(lambda env: steps.deliver(env, order_id, picking_id), ids["user"])
    done = books_and_stock(instance, order_id)
    assert done["order"] == "completed"
    assert done["on_hand"] == before["on_hand"] - 3
    assert done["posted"] > before["posted"]
    gapless_journals(instance)


def test_killed_while_receiving_a_purchase(shop: tuple[Instance, dict[str, Any]]) -> None:
    from addons.purchase.services import orders as po

    instance, ids = shop
    with instance.unit(None, su=True) as env:
        supplier = env["res.partner"](name="Supplier Ltd", is_company=True, is_supplier=True)
        env.session.add(supplier)
        env.session.flush()
        supplier_id = supplier.id
    with instance.unit(ids["user"]) as env:
        order = po.create_order(
            env,
            supplier_id,
            [{"product_id": ids["products"][1], "quantity": "12", "price_unit": "5.00"}],
        )
        po.confirm(env, order)
        po_id = order.id
    before = books_and_stock(instance)
    die_at(instance, "purchase.received", ids["user"], "receive", po_id)
    assert books_and_stock(instance) == before
    with instance.unit(None, su=True) as env:
        order = env.get("purchase.order", po_id)
        assert (order.state, order.receipt_status, order.lines[0].qty_received) == (
            "confirmed",
            order.receipt_status,
            Decimal(0),
        )
    from tests.e2e.fault_driver import act

    act(instance, ids["user"], "receive", [po_id])
    done = books_and_stock(instance)
    assert done["on_hand"] == before["on_hand"] + 12
    with instance.unit(None, su=True) as env:
        assert env.get("purchase.order", po_id).lines[0].qty_received == Decimal(12)

"""Work orders through partial production and cancellation."""

from __future__ import annotations

from typing import Any

from addons.mrp.services.production import create_production, produce_part
from addons.mrp.tests.conftest import D, bom, product, stock_in
from addons.mrp.tests.workcenter_setup import operations, workcenter
from kernel import workflow


def _order(env: Any, quantity: str) -> Any:
    board = product(env, "Board", cost="10")
    chair = product(env, "Chair", route="make")
    b = bom(env, chair, [(board, "2")], quantity="2")
    saw = workcenter(env, "SAW", labour="60")
    operations(env, b, [("Cut", saw, "20", "30"), ("Sand", saw, "0", "10")])
    stock_in(env, {board: 20})
    mo = create_production(env, chair, D(quantity))
    workflow.fire(env, mo, "confirm")
    return mo


def test_partial_production_plans_the_rest_on_the_backorder(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    with instance.unit(None, su=True) as env:
        mo = _order(env, "8")
        # the bill makes 2 chairs in 30 min: 8 chairs = 20 + 30 × 4 = 140 min; Sand 40 min
        assert [op.planned_minutes for op in mo.operations] == [D(140), D(40)]
        cut, _sand = mo.operations
        workflow.fire(env, cut, "start")
        cut.actual_minutes = D(150)
        workflow.fire(env, cut, "finish")
        backorder = produce_part(env, mo, D(2))
        assert backorder is not None
        # what stays: Cut as clocked (150 min = 150.00), Sand for 2 chairs = 10 min (10.00)
        assert [(op.state, op.planned_minutes) for op in mo.operations] == [
            ("done", D(140)),
            ("done", D(10)),
        ]
        assert mo.conversion_cost == D("160.00")
        # the rest: 6 chairs = 20 + 30 × 3 = 110 min cutting, 30 min sanding
        assert [(op.name, op.state, op.planned_minutes) for op in backorder.operations] == [
            ("Cut", "pending", D(110)),
            ("Sand", "pending", D(30)),
        ]


def test_cancelling_an_order_cancels_its_open_work_orders(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    with instance.unit(None, su=True) as env:
        mo = _order(env, "2")
        cut, _sand = mo.operations
        workflow.fire(env, cut, "start")
        workflow.fire(env, cut, "finish")
        workflow.fire(env, mo, "cancel", reason="customer withdrew")
        assert [op.state for op in mo.operations] == ["done", "cancelled"]

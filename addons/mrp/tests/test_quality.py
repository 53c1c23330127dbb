"""Quality inspection: orders of a bill with inspection points are inspected before they are
done; failed units are scrapped or reworked with stock, cost and books right.

Figures worked by hand: a table takes 2.5 m of board at 40.00/m = 100.00 a table.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from addons.accounting.services import fiscal
from addons.accounting.services.reports import trial_balance
from addons.mrp.services.production import create_production
from addons.mrp.services.quality import record_check
from addons.mrp.tests.conftest import D, bom, on_hand, product, quants_match_moves
from addons.stock.services import receive
from kernel import workflow
from kernel.errors import ValidationError
from kernel.testing import make_user


def _setup(env: Any) -> dict[str, int]:
    env.ref("base.main_company").stock_valuation = "perpetual"
    board = product(env, "Board", uom="uom_m", cost="40")
    table = product(env, "Table", route="make", cost_method="average")
    bill = bom(env, table, [(board, "2.5")])
    bill.quality_points = [
        env["mrp.quality.point"](name="Surface finish", instructions="no scratches"),
        env["mrp.quality.point"](name="Wobble", sequence=20),
    ]
    receive(env, board, D(20), price_unit=D(40))
    env.session.flush()
    return {"board": board, "table": table, "bom": bill.id}


def _balance(env: Any, code: str) -> Decimal:
    Line = env["account.move.line"]
    account = fiscal.account_by_code(env, code)
    value = env.session.scalar(
        select(func.sum(Line.debit) - func.sum(Line.credit)).where(Line.account_id == account.id)
    )
    return Decimal(value or 0)


def _books(env: Any) -> None:
    quants_match_moves(env)
    today = dt.date.today()
    rows = trial_balance(env, today.replace(month=1, day=1), today)
    assert sum((r["closing"] for r in rows), Decimal(0)) == 0


def _scrap_location_qty(env: Any, product_id: int) -> Decimal:
    Quant = env["stock.quant"]
    scrap = env.ref("stock.location_scrap").id
    value = env.session.scalar(
        select(func.sum(Quant.quantity)).where(
            Quant.product_id == product_id, Quant.location_id == scrap
        )
    )
    return Decimal(value or 0)


def _started(env: Any, table: int, qty: str = "4") -> Any:
    mo = create_production(env, table, D(qty))
    workflow.fire(env, mo, "confirm")
    workflow.fire(env, mo, "start")
    return mo


def test_an_order_with_inspection_points_is_inspected_before_it_is_done(
    make_instance: Any,
) -> None:
    instance = make_instance(["mrp", "accounting"])
    worker = make_user(instance, "worker", ["mrp.group_user"])
    with instance.unit(None, su=True) as env:
        ids = _setup(env)
    with instance.unit(worker) as env:
        mo = _started(env, ids["table"])
        with pytest.raises(ValidationError, match="inspected before"):
            workflow.fire(env, mo, "produce")
        workflow.fire(env, mo, "inspect")
        assert mo.state == "quality"
        record_check(env, mo, D(2), D(2))
        with pytest.raises(ValidationError, match="2 of 4 inspected"):
            workflow.fire(env, mo, "produce")
        record_check(env, mo, D(2), D(2), D(0), note="all fine")
        workflow.fire(env, mo, "produce")
        assert (mo.state, mo.qty_produced, mo.unit_cost) == ("done", D(4), D(100))
        assert on_hand(env, ids["table"]) == D(4)
        assert [c.result for c in mo.quality_checks] == ["pass", "pass"]
        assert mo.quality_checks[0].inspector_id == worker


def test_inspection_figures_must_add_up_each_refusal_naming_its_field(make_instance: Any) -> None:
    instance = make_instance(["mrp", "accounting"])
    with instance.unit(None, su=True) as env:
        ids = _setup(env)
        mo = _started(env, ids["table"])
        with pytest.raises(ValidationError) as early:
            record_check(env, mo, D(4), D(4))
        assert "state" in early.value.fields
        workflow.fire(env, mo, "inspect")
        cases = [
            ((D(4), D(3), D(0)), "qty_failed"),  # 3 + 0 is not 4
            ((D(4), D(3), D(2)), "qty_failed"),
            ((D(5), D(5), D(0)), "quantity"),  # more than the order
            ((D(0), D(0), D(0)), "quantity"),
            ((D(4), D(-1), D(5)), "qty_passed"),
            ((D(4), D(3), D(1)), "failed_action"),  # failed, but neither scrap nor rework
        ]
        for figures, field in cases:
            with pytest.raises(ValidationError) as refused:
                record_check(env, mo, *figures)
            assert list(refused.value.fields) == [field], (figures, refused.value)
        assert mo.quality_checks == []


def test_a_failed_unit_scrapped_costs_the_order_one_unit_and_never_reaches_stock(
    make_instance: Any,
) -> None:
    instance = make_instance(["mrp", "accounting"])
    with instance.unit(None, su=True) as env:
        ids = _setup(env)
        mo = _started(env, ids["table"])
        workflow.fire(env, mo, "inspect")
        record_check(env, mo, D(4), D(3), D(1), "scrap", "split leg")
        assert (mo.quality_checks[0].result, mo.qty_failed) == ("partial", D(1))
        workflow.fire(env, mo, "produce")
        # 4 tables use 10 m of board = 400.00; 100.00 each; the failed one is scrapped
        assert (mo.material_cost, mo.unit_cost, mo.scrap_cost) == (D(400), D(100), D(100))
        # the scrapped table's cost is part of the 400.00, not on top of it
        assert mo.total_cost == D(400)
        assert on_hand(env, ids["table"]) == D(3)
        assert on_hand(env, ids["board"]) == D(10)
        assert _scrap_location_qty(env, ids["table"]) == D(1)
        # inventory: 10 m board (400) + 3 tables (300); the scrapped table is an expense
        assert _balance(env, "1405") == D(700)
        _books(env)


def test_a_failed_unit_reworked_stays_in_production_until_its_rework_order_is_done(
    make_instance: Any,
) -> None:
    instance = make_instance(["mrp", "accounting"])
    with instance.unit(None, su=True) as env:
        ids = _setup(env)
        mo = _started(env, ids["table"])
        workflow.fire(env, mo, "inspect")
        record_check(env, mo, D(4), D(3), D(1), "rework")
        workflow.fire(env, mo, "produce")
        assert (mo.unit_cost, mo.scrap_cost, mo.qty_produced) == (D(100), D(0), D(3))
        Production = env["mrp.production"]
        (rework,) = env.session.scalars(
            select(Production).where(Production.rework_of_id == mo.id)
        ).all()
        assert mo.quality_checks[0].rework_id == rework.id
        assert (rework.quantity, rework.state, rework.rework_cost) == (D(1), "confirmed", D(100))
        # 3 tables in stock (300) + 10 m board (400); the failed table (100) is work in
        # progress: the production account holds it until the rework order is done
        assert on_hand(env, ids["table"]) == D(3)
        assert _balance(env, "1405") == D(700)
        _books(env)
        workflow.fire(env, rework, "start")
        with pytest.raises(ValidationError, match="inspected before"):
            workflow.fire(env, rework, "produce")
        workflow.fire(env, rework, "inspect")
        record_check(env, rework, D(1), D(1))
        workflow.fire(env, rework, "produce")
        assert (rework.state, rework.unit_cost, rework.material_cost) == ("done", D(100), D(0))
        assert (mo.total_cost, rework.total_cost) == (D(400), D(100))
        assert on_hand(env, ids["table"]) == D(4)
        assert on_hand(env, ids["board"]) == D(10)
        assert _balance(env, "1405") == D(800)
        _books(env)


def test_cancelling_in_the_quality_check_releases_the_components(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    with instance.unit(None, su=True) as env:
        env.ref("base.main_company")
        board = product(env, "Board", uom="uom_m", cost="40")
        table = product(env, "Table", route="make")
        bill = bom(env, table, [(board, "2.5")])
        bill.quality_points = [env["mrp.quality.point"](name="Finish")]
        receive(env, board, D(20), price_unit=D(40))
        mo = _started(env, table)
        workflow.fire(env, mo, "inspect")
        workflow.fire(env, mo, "cancel", reason="customer changed the design")
        assert mo.state == "cancelled"
        assert [c.reserved_qty for c in mo.components] == [D(0)]
        assert on_hand(env, board) == D(20)


def test_bills_without_points_cannot_be_sent_to_the_quality_check(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    with instance.unit(None, su=True) as env:
        board = product(env, "Board", uom="uom_m", cost="40")
        table = product(env, "Table", route="make")
        bom(env, table, [(board, "2.5")])
        receive(env, board, D(20), price_unit=D(40))
        mo = _started(env, table, "1")
        with pytest.raises(ValidationError, match="no inspection points"):
            workflow.fire(env, mo, "inspect")
        workflow.fire(env, mo, "produce")
        assert mo.state == "done"


def test_an_inspection_point_follows_an_operation_of_its_own_bill(make_instance: Any) -> None:
    from addons.mrp.tests.workcenter_setup import operations, workcenter

    instance = make_instance(["mrp"])
    with instance.unit(None, su=True) as env:
        board = product(env, "Board", uom="uom_m", cost="40")
        table = product(env, "Table", route="make")
        chair = product(env, "Chair", route="make")
        table_bom, chair_bom = bom(env, table, [(board, "2.5")]), bom(env, chair, [(board, "1")])
        saw = workcenter(env, "SAW")
        operations(env, table_bom, [("Cut", saw, "5", "10")])
        operations(env, chair_bom, [("Cut chair", saw, "5", "10")])
        env.session.flush()
        Point = env["mrp.quality.point"]
        table_bom.quality_points = [
            Point(name="Cut square", operation_id=table_bom.operations[0].id)
        ]
        env.session.flush()
        assert table_bom.quality_points[0].operation.name == "Cut"
        chair_bom.quality_points = [Point(name="Wrong", operation_id=table_bom.operations[0].id)]
        with pytest.raises(ValidationError) as refused:
            env.session.flush()
        assert list(refused.value.fields) == ["operation_id"]


def test_the_inspections_screen_lists_failed_inspections(make_instance: Any) -> None:
    from addons.mrp.tests.test_views import _signed_in

    instance = make_instance(["mrp"])
    make_user(instance, "chef", ["mrp.group_user"], lang="zh_CN")
    with instance.unit(None, su=True) as env:
        board = product(env, "Board", uom="uom_m", cost="40")
        table = product(env, "Table", route="make")
        bill = bom(env, table, [(board, "2.5")])
        bill.quality_points = [env["mrp.quality.point"](name="Finish")]
        receive(env, board, D(20), price_unit=D(40))
        mo = _started(env, table, "2")
        workflow.fire(env, mo, "inspect")
        record_check(env, mo, D(2), D(1), D(1), "rework", "loose joint")
        name, check_id = mo.name, mo.quality_checks[0].id
    chef = _signed_in(instance, "chef")
    try:
        listed = chef.get("/app/mrp/productions?f=failed_inspection")
        assert listed.status_code == 200 and name in listed.text and "检验不合格" in listed.text
        order = chef.get(f"/app/mrp/productions/{mo.id}")
        assert "2 件中 1 件不合格（返工）: loose joint" in order.text
        page = chef.get("/app/mrp/inspections?f=failed")
        assert page.status_code == 200 and name in page.text and "返工" in page.text
        form = chef.get(f"/app/mrp/inspections/{check_id}")
        assert form.status_code == 200 and "loose joint" in form.text and "部分不合格" in form.text
        assert chef.get("/app/mrp/inspections/new").status_code in (403, 404)
    finally:
        chef.__exit__(None, None, None)


def test_figures_that_do_not_add_up_are_a_message_on_the_form(make_instance: Any) -> None:
    from addons.mrp.tests.test_views import _signed_in

    instance = make_instance(["mrp"])
    make_user(instance, "chef", ["mrp.group_user"], lang="zh_CN")
    with instance.unit(None, su=True) as env:
        board = product(env, "Board", uom="uom_m", cost="40")
        table = product(env, "Table", route="make")
        bill = bom(env, table, [(board, "2.5")])
        bill.quality_points = [env["mrp.quality.point"](name="Finish")]
        receive(env, board, D(20), price_unit=D(40))
        mo = _started(env, table, "2")
        workflow.fire(env, mo, "inspect")
        mo_id = mo.id
    chef = _signed_in(instance, "chef")
    try:
        form = chef.get(f"/app/mrp/productions/{mo_id}")
        assert 'data-sp-do="inspect_units"' in form.text
        answer = chef.post(
            f"/app/mrp/productions/{mo_id}/do/inspect_units",
            data={
                "_csrf_token": chef.cookies.get("csrftoken"),
                "quantity": "2",
                "qty_passed": "1",
                "qty_failed": "0",
            },
        )
        assert answer.status_code in (200, 303, 422), answer.text
        assert "之和须等于检验数量" in answer.text
    finally:
        chef.__exit__(None, None, None)


def test_a_cancelled_rework_order_scraps_the_units_it_held(make_instance: Any) -> None:
    instance = make_instance(["mrp", "accounting"])
    with instance.unit(None, su=True) as env:
        ids = _setup(env)
        mo = _started(env, ids["table"])
        workflow.fire(env, mo, "inspect")
        record_check(env, mo, D(4), D(2), D(2), "rework")
        workflow.fire(env, mo, "produce")
        Production = env["mrp.production"]
        (rework,) = env.session.scalars(
            select(Production).where(Production.rework_of_id == mo.id)
        ).all()
        assert rework.rework_cost == D(200)
        workflow.fire(env, rework, "cancel", reason="beyond repair")
        # the 2 tables go to scrap at 100.00 each; stock keeps the 2 good ones
        assert (rework.state, rework.scrap_cost, rework.total_cost) == ("cancelled", D(200), D(200))
        assert on_hand(env, ids["table"]) == D(2)
        assert _scrap_location_qty(env, ids["table"]) == D(2)
        assert _balance(env, "1405") == D(600)  # 10 m board + 2 tables
        _books(env)

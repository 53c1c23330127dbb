"""Labour and overhead on production orders, by hand-worked figures, and balanced books.

Two tables from 3 m of board (10 % offcut) at 40 and 8 screws at 0.5 each:
material = 2 × 3.3 m × 40 + 16 × 0.5 = 264 + 8 = 272.

Saw: labour 60 + overhead 30 per hour; Assembly: labour 45 + overhead 15 per hour.
Cut (saw): setup 15 min, run 30 min per table → planned 15 + 60 = 75 min.
Assemble (assembly): run 45 min per table → planned 90 min.
Cut is clocked at 80 min: 80/60 × 90 = 120.00; Assemble is never started, so its
planned 90 min count: 1.5 × 60 = 90.00. Labour and overhead = 210.00.
Finished goods: 272 + 210 = 482, i.e. 241 per table.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from addons.mrp.services.production import create_production
from addons.mrp.tests.conftest import D, bom, product
from addons.mrp.tests.workcenter_setup import operations, workcenter
from kernel import workflow


def _setup(env: Any) -> tuple[int, int, int]:
    board = product(env, "Board", uom="uom_m", cost="40")
    screw = product(env, "Screw", cost="0.5")
    table = product(env, "Table", route="make", cost_method="average")
    b = bom(env, table, [(board, "3", "uom_m", "10"), (screw, "8")])
    saw = workcenter(env, "SAW", labour="60", overhead="30")
    assembly = workcenter(env, "ASSY", labour="45", overhead="15")
    operations(env, b, [("Cut", saw, "15", "30"), ("Assemble", assembly, "0", "45")])
    return board, screw, table


def _finish_with_clocked_cut(env: Any, mo: Any) -> None:
    workflow.fire(env, mo, "confirm")
    cut, assemble = mo.operations
    assert (cut.planned_minutes, assemble.planned_minutes) == (D(75), D(90))
    # planned until clocked: 75 min × 90 / h + 90 min × 60 / h = 112.50 + 90.00
    assert (cut.cost, assemble.cost, mo.conversion_cost) == (D("112.50"), D(90), D("202.50"))
    assert mo.state == "confirmed"
    workflow.fire(env, cut, "start")
    assert mo.state == "in_progress" and cut.user_id == env.uid
    cut.actual_minutes = D(80)  # entered by the worker before finishing
    workflow.fire(env, cut, "finish")
    assert (cut.state, cut.cost, mo.conversion_cost) == ("done", D("120.00"), D("210.00"))
    workflow.fire(env, mo, "produce")


def test_labour_and_overhead_add_to_the_finished_goods(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    with instance.unit(None, su=True) as env:
        from addons.mrp.tests.conftest import stock_in

        board, screw, table = _setup(env)
        stock_in(env, {board: 10, screw: 100})
        mo = create_production(env, table, D(2))
        _finish_with_clocked_cut(env, mo)
        cut, assemble = mo.operations
        assert cut.actual_minutes == D(80)
        assert assemble.state == "done" and assemble.actual_minutes is None
        assert assemble.cost == D("90.00")
        assert mo.material_cost == D(272)
        assert mo.conversion_cost == D(210)
        assert mo.scrap_cost == D(0)
        assert mo.total_cost == D(482)
        assert mo.unit_cost == D(241)
        assert mo.duration_minutes == D(80)
        Move = env["stock.move"]
        finished = env.session.get(Move, mo.finished_move_id)
        assert finished.price_unit == D(241)


def _balance(env: Any, code: str) -> Decimal:
    from addons.accounting.services import fiscal

    Line = env["account.move.line"]
    account = fiscal.account_by_code(env, code)
    value = env.session.scalar(
        select(func.sum(Line.debit) - func.sum(Line.credit)).where(Line.account_id == account.id)
    )
    return Decimal(value or 0)


def _trial_balance_total(env: Any) -> Decimal:
    from addons.accounting.services.reports import trial_balance

    today = dt.date.today()
    rows = trial_balance(env, today.replace(month=1, day=1), today)
    return sum((r["closing"] for r in rows), Decimal(0))


def test_perpetual_valuation_books_labour_and_overhead_and_balances(make_instance: Any) -> None:
    instance = make_instance(["mrp", "accounting"])
    with instance.unit(None, su=True) as env:
        from addons.stock.services import receive

        env.ref("base.main_company").stock_valuation = "perpetual"
        board, screw, table = _setup(env)
        receive(env, board, D(10), price_unit=D(40))
        receive(env, screw, D(100), price_unit=D("0.5"))
        assert _balance(env, "1405") == D(450)
        mo = create_production(env, table, D(2))
        _finish_with_clocked_cut(env, mo)
        assert _trial_balance_total(env) == 0
        # inventory: 450 − 272 consumed + 482 made
        assert _balance(env, "1405") == D(660)
        # the production counterpart nets to zero: Dr 272 + Dr 210 − Cr 482
        assert _balance(env, "5602") == D(0)
        assert _balance(env, "410101") == D(-210)
        Move = env["account.move"]
        entries = env.session.scalars(
            select(Move).where(Move.origin_model == "mrp.production", Move.origin_id == mo.id)
        ).all()
        assert [(e.state, e.ref) for e in entries] == [("posted", mo.name)]
        assert sum(ln.debit for ln in entries[0].lines) == D(210)
        assert sum(ln.credit for ln in entries[0].lines) == D(210)


def test_periodic_valuation_posts_no_conversion_entry(make_instance: Any) -> None:
    instance = make_instance(["mrp", "accounting"])
    with instance.unit(None, su=True) as env:
        from addons.mrp.tests.conftest import stock_in

        board, screw, table = _setup(env)
        stock_in(env, {board: 10, screw: 100})
        mo = create_production(env, table, D(2))
        _finish_with_clocked_cut(env, mo)
        assert mo.unit_cost == D(241)
        Move = env["account.move"]
        assert not env.session.scalars(
            select(Move).where(Move.origin_model == "mrp.production")
        ).all()

"""With accounting (perpetual valuation): production keeps the books balanced.

Consuming components books Dr production expense / Cr inventory at their cost;
the finished goods come in at the same value (Dr inventory / Cr production
expense), so the inventory account still equals the stock's value and the
production account nets to zero.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from addons.accounting.services import fiscal
from addons.accounting.services.reports import trial_balance
from addons.mrp.services.production import create_production
from addons.mrp.tests.conftest import D, bom, product
from addons.stock.services import receive
from kernel import workflow


def _balance(env: Any, code: str) -> Decimal:
    Line = env["account.move.line"]
    account = fiscal.account_by_code(env, code)
    value = env.session.scalar(
        select(func.sum(Line.debit) - func.sum(Line.credit)).where(Line.account_id == account.id)
    )
    return Decimal(value or 0)


def _books_balance(env: Any) -> None:
    today = dt.date.today()
    rows = trial_balance(env, today.replace(month=1, day=1), today)
    assert sum((r["closing"] for r in rows), Decimal(0)) == 0


def test_production_valuation_is_balanced_and_inventory_equals_stock_value(
    make_instance: Any,
) -> None:
    instance = make_instance(["mrp", "accounting"])
    with instance.unit(None, su=True) as env:
        env.ref("base.main_company").stock_valuation = "perpetual"
        board = product(env, "Board", uom="uom_m", cost="40")
        screw = product(env, "Screw", cost="0.5")
        table = product(env, "Table", route="make", cost_method="average")
        bom(env, table, [(board, "3", "uom_m", "10"), (screw, "8")])
        receive(env, board, D(10), price_unit=D(40))
        receive(env, screw, D(100), price_unit=D("0.5"))
        assert _balance(env, "1405") == D(450)
        _books_balance(env)
        mo = create_production(env, table, D(2))
        workflow.fire(env, mo, "confirm")
        _books_balance(env)
        workflow.fire(env, mo, "produce")
        _books_balance(env)
        # 3.4 m board (136) + 84 screws (42) + 2 tables at 136 (272)
        assert _balance(env, "1405") == D(450)
        Line = env["account.move.line"]
        Move = env["account.move"]
        production_lines = env.session.execute(
            select(func.sum(Line.debit), func.sum(Line.credit))
            .join(Move, Move.id == Line.move_id)
            .where(Move.ref == mo.name, Line.account_id != fiscal.account_by_code(env, "1405").id)
        ).one()
        assert production_lines[0] == production_lines[1] == D(272)

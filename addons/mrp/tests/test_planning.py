"""Planned minutes, load against capacity and forward rescheduling, by hand-worked figures.

Calendar: 8 h Monday to Friday, Wednesday 3 March 2027 a holiday.
CNC: capacity 2, efficiency 80 % → 16 h a working day, none on the holiday.
BENCH: capacity 1, efficiency 100 % → 8 h a working day (standard calendar).
Bill of a bracket: Mill on CNC (setup 30 min, run 12 min per bracket), then Deburr on
BENCH (run 6 min per bracket).

Order A: 100 brackets for a sales order asking for them on Thu 4 March.
  Mill = 30 + 12 × 100 ÷ 0.8 = 1530 min = 25.5 h; Deburr = 600 min = 10 h.
Order B: 50 brackets for a sales order asking for them on Tue 2 March (earlier: first).
  Mill = 30 + 12 × 50 ÷ 0.8 = 780 min = 13 h; Deburr = 300 min = 5 h.

Both confirmed with planned date Mon 1 March: everything is loaded on Monday —
CNC 38.5 h against 16, BENCH 15 h against 8: over capacity.

Reschedule from Mon 1 March (B first, requested earlier):
  B Mill 13 h CNC Mon (3 h left); B Deburr 5 h BENCH Mon → B planned Mon 1 (not late).
  A Mill: 3 h Mon + 16 h Tue + holiday Wed + 6.5 h Thu → Mon..Thu;
  A Deburr from Thu: 8 h Thu + 2 h Fri → A planned Fri 5 March, after Thu 4: late.
Load: CNC Mon 16, Tue 16, Wed 0 (capacity 0), Thu 6.5; BENCH Mon 5, Thu 8, Fri 2.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from addons.mrp.services.planning import plan, reschedule
from addons.mrp.services.production import create_production
from addons.mrp.tests.conftest import D, bom, product
from addons.mrp.tests.workcenter_setup import calendar, operations, workcenter
from kernel import workflow

MON = dt.date(2027, 3, 1)
TUE, WED, THU, FRI = (MON + dt.timedelta(days=n) for n in range(1, 5))


def _cells(data: dict[str, Any]) -> dict[str, dict[dt.date, tuple[Decimal, Decimal, bool]]]:
    return {
        row["code"]: {c["day"]: (c["load"], c["capacity"], c["over"]) for c in row["cells"]}
        for row in data["workcenters"]
    }


def _setup(env: Any) -> tuple[int, int]:
    from addons.sales_order.services import orders as so

    week = calendar(env, "Week with a holiday", holidays=[WED])
    cnc = workcenter(env, "CNC", capacity=2, efficiency="80", calendar_id=week.id)
    bench = workcenter(env, "BENCH")
    steel = product(env, "Steel blank", cost="3")
    bracket = product(env, "Bracket", route="make")
    b = bom(env, bracket, [(steel, "1")])
    operations(env, b, [("Mill", cnc, "30", "12"), ("Deburr", bench, "0", "6")])
    customer = env["res.partner"](name="Customer", is_company=True, is_customer=True)
    env.session.add(customer)
    env.session.flush()
    ids = []
    for quantity, requested in ((100, THU), (50, TUE)):
        order = so.create_order(env, customer.id, [{"product_id": bracket, "quantity": D(1)}])
        order.requested_date = requested
        mo = create_production(
            env,
            bracket,
            D(quantity),
            origin=order.name,
            origin_model="sale.order",
            origin_id=order.id,
            date_planned=MON,
        )
        workflow.fire(env, mo, "confirm")
        ids.append(mo.id)
    return ids[0], ids[1]


def test_load_capacity_and_forward_rescheduling(make_instance: Any) -> None:
    instance = make_instance(["sales_order", "mrp"])
    with instance.unit(None, su=True) as env:
        a_id, b_id = _setup(env)
        a, b = env.get("mrp.production", a_id), env.get("mrp.production", b_id)
        assert [op.planned_minutes for op in a.operations] == [D(1530), D(600)]
        assert [op.planned_minutes for op in b.operations] == [D(780), D(300)]

        before = _cells(plan(env, MON, 5))
        assert before["CNC"][MON] == (D("38.5"), D(16), True)
        assert before["BENCH"][MON] == (D(15), D(8), True)
        assert before["CNC"][WED] == (D(0), D(0), False)

        assert reschedule(env, today=MON) == 4
        assert (a.date_planned, b.date_planned) == (FRI, MON)
        (a_mill, a_deburr), (b_mill, b_deburr) = a.operations, b.operations
        assert (b_mill.planned_start, b_mill.planned_finish) == (MON, MON)
        assert (b_deburr.planned_start, b_deburr.planned_finish) == (MON, MON)
        assert (a_mill.planned_start, a_mill.planned_finish) == (MON, THU)
        assert (a_deburr.planned_start, a_deburr.planned_finish) == (THU, FRI)

        data = plan(env, MON, 5)
        after = _cells(data)
        assert after["CNC"] == {
            MON: (D(16), D(16), False),
            TUE: (D(16), D(16), False),
            WED: (D(0), D(0), False),
            THU: (D("6.5"), D(16), False),
            FRI: (D(0), D(16), False),
        }
        assert after["BENCH"] == {
            MON: (D(5), D(8), False),
            TUE: (D(0), D(8), False),
            WED: (D(0), D(8), False),
            THU: (D(8), D(8), False),
            FRI: (D(2), D(8), False),
        }
        late = {o["name"]: (o["requested_date"], o["late"]) for o in data["orders"]}
        assert late == {a.name: (THU, True), b.name: (TUE, False)}

        # an operation under way is scheduled for what is left of it: B's Deburr started
        # 2 h ago has 3 h left on the bench
        from kernel.fields import utcnow

        workflow.fire(env, b_deburr, "start")
        b_deburr.date_start = utcnow() - dt.timedelta(hours=2)
        reschedule(env, today=MON)
        left, capacity, over = _cells(plan(env, MON, 1))["BENCH"][MON]
        assert D("2.99") <= left <= D(3) and (capacity, over) == (D(8), False)
        # finished operations no longer load their work centre
        workflow.fire(env, b_mill, "start")
        workflow.fire(env, b_mill, "finish")
        assert _cells(plan(env, MON, 1))["CNC"][MON] == (D(3), D(16), False)


def test_rescheduling_statements_do_not_grow_with_the_operations(make_instance: Any) -> None:
    from kernel.testing import StatementCounter

    instance = make_instance(["mrp"])

    def measure(orders: int) -> int:
        with instance.unit(None, su=True) as env:
            centre = workcenter(env, f"W{orders}")
            part = product(env, f"Part {orders}")
            made = product(env, f"Made {orders}", route="make")
            b = bom(env, made, [(part, "1")])
            operations(env, b, [(f"Step {i}", centre, "5", "10") for i in range(5)])
            for _ in range(orders):
                workflow.fire(env, create_production(env, made, D(1), date_planned=MON), "confirm")
        with instance.unit(None, su=True) as env, StatementCounter(instance.engine) as counter:
            reschedule(env, today=MON)
            env.session.flush()
        return counter.count

    measure(1)
    small, large = measure(2), measure(20)
    print(f"\nreschedule statements: 2 orders → {small}, 20 orders → {large}")
    assert abs(large - small) <= 2, (small, large)

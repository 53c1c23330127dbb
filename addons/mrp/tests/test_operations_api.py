"""Work orders and the production plan as an API client drives them (HTTP)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from addons.mrp.tests.conftest import bom, product, stock_in
from addons.mrp.tests.test_api import _api, _ok
from addons.mrp.tests.workcenter_setup import operations, workcenter
from kernel.testing import make_user


def test_operations_started_and_finished_over_the_api(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    worker = make_user(instance, "worker", ["mrp.group_user"])
    with instance.unit(None, su=True) as env:
        board = product(env, "Board", uom="uom_m", cost="40")
        table = product(env, "Table", route="make")
        b = bom(env, table, [(board, "2")])
        saw = workcenter(env, "SAW", labour="60", overhead="30", efficiency="80")
        operations(env, b, [("Cut", saw, "10", "20"), ("Sand", saw, "0", "8")])
        stock_in(env, {board: 10})
    with _api(instance, worker) as api:
        mo = _ok(
            api.post("/api/v1/mrp.production", json={"product_id": table, "quantity": "3"}), 201
        )
        confirmed = _ok(api.post(f"/api/v1/mrp.production/{mo['id']}/actions/confirm", json={}))
        cut, sand = confirmed["operations"]
        # Cut: 10 + 20 × 3 ÷ 0.8 = 85 min; Sand: 8 × 3 ÷ 0.8 = 30 min
        assert (cut["planned_minutes"], sand["planned_minutes"]) == ("85.00", "30.00")
        assert cut["state"] == "pending" and cut["workcenter_id"] == saw_id(instance)

        # finishing an operation never started: a problem naming what is possible
        refused = api.post(f"/api/v1/mrp.production.operation/{cut['id']}/actions/finish", json={})
        assert refused.status_code == 409, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        problem = refused.json()
        assert problem["status"] == refused.status_code and "Start" in problem["detail"]

        started = _ok(api.post(f"/api/v1/mrp.production.operation/{cut['id']}/actions/start"))
        assert started["state"] == "in_progress" and started["user_id"] == worker
        assert started["date_start"]
        order = _ok(api.get(f"/api/v1/mrp.production/{mo['id']}"))
        assert order["state"] == "in_progress"

        # the worker enters the time spent, then finishes: 45 min × 90 / h = 67.50
        _ok(
            api.patch(
                f"/api/v1/mrp.production.operation/{cut['id']}", json={"actual_minutes": "45"}
            )
        )
        done = _ok(api.post(f"/api/v1/mrp.production.operation/{cut['id']}/actions/finish"))
        assert (done["state"], done["actual_minutes"], done["cost"]) == ("done", "45.00", "67.5000")
        again = api.post(f"/api/v1/mrp.production.operation/{cut['id']}/actions/start")
        assert again.status_code == 409, again.text

        order = _ok(api.get(f"/api/v1/mrp.production/{mo['id']}"))
        # Sand not clocked yet: its planned 30 min count, 45.00; Cut 67.50
        assert order["conversion_cost"] == "112.5000"
        assert order["duration_minutes"] == "45.00"

        # the production order's own buttons (declared actions) start the next one
        _ok(
            api.post(
                f"/api/v1/mrp.production/{mo['id']}/actions/start_operation",
                json={"operation_id": sand["id"]},
            )
        )
        _ok(
            api.post(
                f"/api/v1/mrp.production/{mo['id']}/actions/finish_operation",
                json={"operation_id": sand["id"]},
            )
        )
        sand_done = _ok(api.get(f"/api/v1/mrp.production.operation/{sand['id']}"))
        assert sand_done["state"] == "done" and sand_done["actual_minutes"] is not None

        plan = _ok(api.get(f"/api/v1/mrp/plan?start={dt.date.today().isoformat()}&days=3"))
        assert [w["code"] for w in plan["workcenters"]] == ["SAW"]
        assert len(plan["workcenters"][0]["cells"]) == 3
        assert [o["name"] for o in plan["orders"]] == [mo["name"]]
        bad = api.get("/api/v1/mrp/plan?days=500")
        assert bad.status_code in (400, 422), bad.text
        assert bad.headers["content-type"].startswith("application/problem+json")
        rescheduled = _ok(api.post("/api/v1/mrp/plan/reschedule"))
        assert rescheduled["rescheduled"] == 0  # both operations are done


def saw_id(instance: Any) -> int:
    from sqlalchemy import select

    with instance.unit(None, su=True) as env:
        Workcenter = env["mrp.workcenter"]
        return int(env.session.scalar(select(Workcenter.id).where(Workcenter.code == "SAW")))


def test_operations_of_an_order_not_confirmed_cannot_start(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    outsider = make_user(instance, "clerk", ["base.group_user"])
    worker = make_user(instance, "worker", ["mrp.group_user"])
    with instance.unit(None, su=True) as env:
        board = product(env, "Board", cost="40")
        table = product(env, "Table", route="make")
        b = bom(env, table, [(board, "2")])
        operations(env, b, [("Cut", workcenter(env, "SAW"), "10", "20")])
        stock_in(env, {board: 10})
    with _api(instance, worker) as api:
        mo = _ok(
            api.post("/api/v1/mrp.production", json={"product_id": table, "quantity": "1"}), 201
        )
        confirmed = _ok(api.post(f"/api/v1/mrp.production/{mo['id']}/actions/confirm", json={}))
        op_id = confirmed["operations"][0]["id"]
        _ok(api.post(f"/api/v1/mrp.production/{mo['id']}/actions/produce", json={}))
        refused = api.post(f"/api/v1/mrp.production.operation/{op_id}/actions/start")
        assert 400 <= refused.status_code < 500
    with _api(instance, outsider) as api:
        denied = api.post(f"/api/v1/mrp.production.operation/{op_id}/actions/start")
        assert denied.status_code in (403, 404)
        assert api.get("/api/v1/mrp/plan").status_code == 403

"""Inspection as an API client drives it: send to the quality check, record inspections
(bad figures are a 422 naming the field, in the user's language), finish."""

from __future__ import annotations

from typing import Any

from addons.mrp.tests.conftest import D, bom, on_hand, product, stock_in
from addons.mrp.tests.test_api import _api, _ok
from kernel.testing import make_user


def test_inspection_over_the_api(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    worker = make_user(instance, "worker", ["mrp.group_user"], lang="zh_CN")
    with instance.unit(None, su=True) as env:
        board = product(env, "Board", uom="uom_m", cost="40")
        table = product(env, "Table", route="make")
        bom(env, table, [(board, "2.5")])
        stock_in(env, {board: 20})
    with _api(instance, worker) as api:
        (bill,) = _ok(api.get(f"/api/v1/mrp.bom?filter[product_id]={table}"))["items"]
        patched = _ok(
            api.patch(
                f"/api/v1/mrp.bom/{bill['id']}",
                json={"quality_points": [{"name": "Surface", "instructions": "no scratches"}]},
            )
        )
        (point,) = patched["quality_points"]
        mo = _ok(api.post("/api/v1/mrp.production", json={"product_id": table, "quantity": 4}), 201)
        url = f"/api/v1/mrp.production/{mo['id']}/actions"
        _ok(api.post(f"{url}/confirm", json={}))
        _ok(api.post(f"{url}/start", json={}))
        early = api.post(f"{url}/produce", json={})
        assert early.status_code == 422 and "检验" in early.json()["detail"]
        assert _ok(api.post(f"{url}/inspect", json={}))["state"] == "quality"

        bad = api.post(
            f"{url}/inspect_units", json={"quantity": "4", "qty_passed": "3", "qty_failed": "0"}
        )
        assert bad.status_code == 422, bad.text
        assert bad.headers["content-type"].startswith("application/problem+json")
        assert list(bad.json()["fields"]) == ["qty_failed"] and "之和" in bad.json()["detail"]
        over = api.post(f"{url}/inspect_units", json={"quantity": "5", "qty_passed": "5"})
        assert over.status_code == 422 and list(over.json()["fields"]) == ["quantity"]
        no_action = api.post(
            f"{url}/inspect_units", json={"quantity": "4", "qty_passed": "3", "qty_failed": "1"}
        )
        assert no_action.status_code == 422
        assert list(no_action.json()["fields"]) == ["failed_action"]
        missing = api.post(f"{url}/inspect_units", json={"quantity": "4"})
        assert missing.status_code == 422 and "qty_passed" in missing.json()["fields"]

        _ok(
            api.post(
                f"{url}/inspect_units",
                json={
                    "quantity": "4",
                    "qty_passed": "3",
                    "qty_failed": "1",
                    "failed_action": "scrap",
                    "point_id": point["id"],
                    "note": "scratched",
                },
            )
        )
        read = _ok(api.get(f"/api/v1/mrp.production/{mo['id']}"))
        (check,) = read["quality_checks"]
        assert (check["qty_passed"], check["qty_failed"], check["result"]) == (
            "3.0000",
            "1.0000",
            "partial",
        )
        assert (check["failed_action"], check["point_id"]) == ("scrap", point["id"])
        checks = _ok(api.get(f"/api/v1/mrp.quality.check?filter[production_id]={mo['id']}"))
        assert len(checks["items"]) == 1
        forged = api.post(
            "/api/v1/mrp.quality.check",
            json={"production_id": mo["id"], "quantity": "4", "qty_passed": "4"},
        )
        assert forged.status_code == 403  # inspections are recorded through the action only

        done = _ok(api.post(f"{url}/produce", json={}))
        assert (done["state"], done["scrap_cost"], done["qty_failed"]) == (
            "done",
            "100.0000",
            "1.0000",
        )
    with instance.unit(None, su=True) as env:
        assert on_hand(env, table) == D(3)

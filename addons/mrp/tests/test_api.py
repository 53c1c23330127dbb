"""Manufacturing as an API client drives it: bills, production orders, their actions."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from addons.mrp.tests.conftest import D, product, stock_in
from kernel.apikeys import create_api_key
from kernel.testing import make_user
from kernel.web.app import create_app

BASE = "http://suanpan.localhost"


def _api(instance: Any, uid: int, lang: str | None = None) -> TestClient[Any]:
    with instance.unit(None, su=True) as env:
        key = create_api_key(env, uid, "tests")
    client = TestClient(create_app(instance), base_url=BASE)
    client.headers["Authorization"] = f"Bearer {key}"
    if lang:
        client.headers["Accept-Language"] = lang
    return client


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_bill_and_production_order_over_the_api(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    worker = make_user(instance, "worker", ["mrp.group_user"])
    with instance.unit(None, su=True) as env:
        board = product(env, "Board", uom="uom_m", cost="40")
        screw = product(env, "Screw", cost="0.5")
        table = product(env, "Table", route="make")
        cm = env.ref("base.uom_cm").id
        stock_in(env, {board: 10, screw: 100})
    with _api(instance, worker) as api:
        bill = _ok(
            api.post(
                "/api/v1/mrp.bom",
                json={
                    "product_id": table,
                    "code": "TBL",
                    "lines": [
                        {"product_id": board, "quantity": "250", "uom_id": cm},
                        {"product_id": screw, "quantity": 8, "scrap_percent": "12.5"},
                    ],
                },
            ),
            201,
        )
        assert bill["uom_id"] and bill["quantity"] == "1.0000"
        assert [ln["uom_id"] is not None for ln in bill["lines"]] == [True, True]

        mo = _ok(
            api.post("/api/v1/mrp.production", json={"product_id": table, "quantity": "2"}), 201
        )
        assert mo["name"].startswith("MO") and mo["bom_id"] == bill["id"]
        assert mo["state"] == "draft" and mo["product_qty"] == "2.0000"

        confirmed = _ok(api.post(f"/api/v1/mrp.production/{mo['id']}/actions/confirm", json={}))
        assert confirmed["state"] == "confirmed"
        assert confirmed["component_status"] == "available"
        # 2 × 250 cm = 5 m of board; 2 × 8 × 1.125 = 18 screws
        assert sorted((c["product_id"], c["quantity"]) for c in confirmed["components"]) == sorted(
            [(board, "5.0000"), (screw, "18.0000")]
        )
        _ok(api.post(f"/api/v1/mrp.production/{mo['id']}/actions/start", json={}))
        done = _ok(api.post(f"/api/v1/mrp.production/{mo['id']}/actions/produce", json={}))
        assert done["state"] == "done"
        assert (done["material_cost"], done["unit_cost"]) == ("209.0000", "104.5000")

        listed = _ok(api.get("/api/v1/mrp.production?filter[state]=done&fields=name,state"))
        assert [row["name"] for row in listed["items"]] == [mo["name"]]
        history = _ok(api.get(f"/api/v1/mrp.production/{mo['id']}/history"))
        assert len(history) >= 3 if isinstance(history, list) else history
    with instance.unit(None, su=True) as env:
        from addons.mrp.tests.conftest import on_hand

        assert on_hand(env, table) == D(2) and on_hand(env, board) == D(5)


def test_bad_input_is_a_422_naming_the_field_in_the_users_language(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    worker = make_user(instance, "worker", ["mrp.group_user"], lang="zh_CN")
    with instance.unit(None, su=True) as env:
        cloth = product(env, "Cloth", uom="uom_m")
        shirt = product(env, "Shirt", route="make")
        kg = env.ref("base.uom_kg").id
    with _api(instance, worker) as api:
        zero = api.post(
            "/api/v1/mrp.bom",
            json={"product_id": shirt, "lines": [{"product_id": cloth, "quantity": "0"}]},
        )
        assert zero.status_code == 422, zero.text
        assert "lines.0.quantity" in zero.json()["fields"]
        assert "必须大于零" in zero.json()["detail"]
        kind = api.post(
            "/api/v1/mrp.bom",
            json={
                "product_id": shirt,
                "lines": [{"product_id": cloth, "quantity": "1", "uom_id": kg}],
            },
        )
        assert kind.status_code == 422 and "lines.0.uom_id" in kind.json()["fields"]
        mo = _ok(api.post("/api/v1/mrp.production", json={"product_id": shirt, "quantity": 1}), 201)
        no_bill = api.post(f"/api/v1/mrp.production/{mo['id']}/actions/confirm", json={})
        assert no_bill.status_code == 422 and "物料清单" in no_bill.json()["detail"]
        negative = api.post("/api/v1/mrp.production", json={"product_id": shirt, "quantity": "-1"})
        assert negative.status_code == 422 and "quantity" in negative.json()["fields"]


def test_users_outside_manufacturing_cannot_create_orders(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    clerk = make_user(instance, "clerk", ["stock.group_user"])
    with instance.unit(None, su=True) as env:
        shirt = product(env, "Shirt", route="make")
    with _api(instance, clerk) as api:
        refused = api.post("/api/v1/mrp.production", json={"product_id": shirt, "quantity": 1})
        assert refused.status_code == 403, refused.text
        assert api.get("/api/v1/mrp.bom").status_code == 200


def test_scrap_action_over_the_api(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    worker = make_user(instance, "worker", ["mrp.group_user"])
    with instance.unit(None, su=True) as env:
        cloth = product(env, "Cloth", uom="uom_m", cost="12")
        shirt = product(env, "Shirt", route="make")
        from addons.mrp.tests.conftest import bom

        bom(env, shirt, [(cloth, "1.2")])
        stock_in(env, {cloth: 10})
    with _api(instance, worker) as api:
        mo = _ok(api.post("/api/v1/mrp.production", json={"product_id": shirt, "quantity": 5}), 201)
        _ok(api.post(f"/api/v1/mrp.production/{mo['id']}/actions/confirm", json={}))
        scrapped = api.post(
            f"/api/v1/mrp.production/{mo['id']}/actions/scrap",
            json={"product_id": cloth, "quantity": "0.5", "reason": "torn"},
        )
        assert scrapped.status_code == 200, scrapped.text
        after = _ok(api.get(f"/api/v1/mrp.production/{mo['id']}"))
        assert after["scrap_cost"] == "6.0000"
        too_much = api.post(
            f"/api/v1/mrp.production/{mo['id']}/actions/scrap",
            json={"product_id": cloth, "quantity": "50"},
        )
        assert too_much.status_code == 422 and "quantity" in too_much.json()["fields"]


def test_produce_part_over_the_api_answers_the_backorder(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    worker = make_user(instance, "worker", ["mrp.group_user"])
    with instance.unit(None, su=True) as env:
        from addons.mrp.tests.conftest import bom

        cloth = product(env, "Cloth", uom="uom_m", cost="12")
        shirt = product(env, "Shirt", route="make")
        bom(env, shirt, [(cloth, "1.2")])
        stock_in(env, {cloth: 10})
    with _api(instance, worker) as api:
        mo = _ok(api.post("/api/v1/mrp.production", json={"product_id": shirt, "quantity": 5}), 201)
        _ok(api.post(f"/api/v1/mrp.production/{mo['id']}/actions/confirm", json={}))
        answer = _ok(
            api.post(
                f"/api/v1/mrp.production/{mo['id']}/actions/produce_part", json={"quantity": "2"}
            )
        )
        assert answer["_result"]["model"] == "mrp.production"
        (backorder_id,) = answer["_result"]["ids"]
        backorder = _ok(api.get(f"/api/v1/mrp.production/{backorder_id}"))
        assert (backorder["quantity"], backorder["state"]) == ("3.0000", "confirmed")
        assert backorder["backorder_of_id"] == mo["id"]
        done = _ok(api.get(f"/api/v1/mrp.production/{mo['id']}"))
        assert (done["state"], done["qty_produced"]) == ("done", "2.0000")

"""The generic JSON API on the demo addon: every endpoint family, filters, errors."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from fixtures.webclient import ADDONS, api_client
from sqlalchemy import func, select

from kernel.testing import make_user


@pytest.fixture
def demo(make_instance: Any) -> Any:
    instance = make_instance(["webdemo"], addons_path=ADDONS)
    clerk = make_user(instance, "clerk", ["webdemo.group_user"])
    boss = make_user(instance, "boss", ["webdemo.group_manager"])
    with instance.unit(None, su=True) as env:
        Customer, Order = env["webdemo.customer"], env["webdemo.order"]
        acme = Customer(name="ACME Trading")
        env.session.add(acme)
        env.session.flush()
        for index in range(1, 13):
            env.session.add(
                Order(
                    name=f"SO{index:03d}",
                    customer_id=acme.id if index % 2 else None,
                    amount_total=Decimal(index) * Decimal("10.25"),
                    priority="high" if index > 10 else "normal",
                    notes="rush" if index == 3 else "",
                )
            )
    with api_client(instance, clerk) as clerk_api, api_client(instance, boss) as boss_api:
        yield instance, clerk_api, boss_api


def count(instance: Any, model: str) -> int:
    with instance.unit(None, su=True) as env:
        cls = env[model]
        return int(env.session.scalar(select(func.count()).select_from(cls)) or 0)


def test_list_paginates_orders_and_selects_fields(demo: Any) -> None:
    _instance, clerk, _boss = demo
    response = clerk.get(
        "/api/v1/webdemo.order?order=-name&limit=5&offset=5&fields=name,amount_total"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 12
    assert [item["name"] for item in body["items"]] == ["SO007", "SO006", "SO005", "SO004", "SO003"]
    assert body["items"][0] == {"id": 7, "name": "SO007", "amount_total": "71.7500"}


@pytest.mark.parametrize(
    ("query", "names", "total"),
    [
        ("filter[name]=SO003", ["SO003"], 1),  # a short first page: counted from the page
        ("order=name&limit=5&offset=10", ["SO011", "SO012"], 12),  # the short last page
        ("order=name&limit=5&offset=20", [], 12),  # past the end: counted
        ("order=name&limit=6&offset=6", ["SO007", "SO008", "SO009", "SO010", "SO011", "SO012"], 12),
        ("limit=0", [], 12),  # the total alone
        ("filter[name]=SO999", [], 0),
    ],
)
def test_the_total_is_right_whether_or_not_it_needs_counting(
    demo: Any, query: str, names: list[str], total: int
) -> None:
    _instance, clerk, _boss = demo
    body = clerk.get(f"/api/v1/webdemo.order?{query}&fields=name").json()
    assert [item["name"] for item in body["items"]] == names
    assert body["total"] == total


def test_filters_with_operators(demo: Any) -> None:
    _instance, clerk, _boss = demo
    names = lambda r: sorted(i["name"] for i in r.json()["items"])  # noqa: E731
    r = clerk.get(
        "/api/v1/webdemo.order?filter[amount_total][gte]=100&filter[amount_total][lt]=123"
    )
    assert names(r) == ["SO010", "SO011"]
    r = clerk.get("/api/v1/webdemo.order?filter[priority]=high")
    assert names(r) == ["SO011", "SO012"]
    r = clerk.get("/api/v1/webdemo.order?filter[name][in]=SO001,SO002,SO999")
    assert names(r) == ["SO001", "SO002"]
    r = clerk.get("/api/v1/webdemo.order?filter[notes][like]=RUS")
    assert names(r) == ["SO003"]
    r = clerk.get("/api/v1/webdemo.order?filter[customer_id]=null&filter[name][ne]=SO002")
    assert names(r) == ["SO004", "SO006", "SO008", "SO010", "SO012"]
    r = clerk.get("/api/v1/webdemo.order?filter[urgent]=false&filter[priority][ne]=normal")
    assert names(r) == ["SO011", "SO012"]
    r = clerk.get("/api/v1/webdemo.order?filter[urgent][gt]=false")
    assert r.status_code == 422 and "urgent" in r.json()["fields"]
    r = clerk.get("/api/v1/webdemo.order?filter[amount_total]=10.25")
    assert names(r) == ["SO001"]


def test_read_returns_exact_decimals_and_lines(demo: Any) -> None:
    _instance, clerk, _boss = demo
    created = clerk.post(
        "/api/v1/webdemo.order",
        content=b'{"name": "SO100", "amount_total": 1234567890.1234, "date_order": "2026-03-01",'
        b' "lines": [{"description": "Abacus", "quantity": "3", "price_unit": 0.1}]}',
        headers={"content-type": "application/json"},
    )
    assert created.status_code == 201, created.text
    record = clerk.get(f"/api/v1/webdemo.order/{created.json()['id']}").json()
    assert record["amount_total"] == "1234567890.1234"
    assert record["date_order"] == "2026-03-01"
    assert record["state"] == "draft"
    assert [
        (line["description"], line["quantity"], line["price_unit"]) for line in record["lines"]
    ] == [("Abacus", "3.0000", "0.1000")]


def test_patch_replaces_lines_and_delete_removes(demo: Any) -> None:
    instance, clerk, boss = demo
    order = clerk.post(
        "/api/v1/webdemo.order",
        json={"name": "SO200", "lines": [{"description": "A"}, {"description": "B"}]},
    ).json()
    keep = order["lines"][1]["id"]
    changed = clerk.patch(
        f"/api/v1/webdemo.order/{order['id']}",
        json={
            "notes": "call first",
            "lines": [{"id": keep, "quantity": "5"}, {"description": "C"}],
        },
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["notes"] == "call first"
    assert [(line["description"], line["quantity"]) for line in body["lines"]] == [
        ("B", "5.0000"),
        ("C", "1.0000"),
    ]
    assert count(instance, "webdemo.order.line") == 2
    assert boss.delete(f"/api/v1/webdemo.order/{order['id']}").status_code == 204
    assert clerk.get(f"/api/v1/webdemo.order/{order['id']}").status_code == 404
    assert count(instance, "webdemo.order.line") == 0


def test_workflow_action_history_and_conflict(demo: Any) -> None:
    _instance, clerk, boss = demo
    moved = clerk.post("/api/v1/webdemo.order/1/actions/confirm")
    assert moved.status_code == 200, moved.text
    assert moved.json()["state"] == "confirmed"
    assert moved.json()["confirmed_at"].endswith("Z")
    again = clerk.post("/api/v1/webdemo.order/1/actions/confirm")
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    no_reason = clerk.post("/api/v1/webdemo.order/1/actions/cancel", json={})
    assert no_reason.status_code == 422
    assert "reason" in no_reason.json()["fields"]
    cancelled = clerk.post(
        "/api/v1/webdemo.order/1/actions/cancel", json={"reason": "customer withdrew"}
    )
    assert cancelled.status_code == 200
    history = boss.get("/api/v1/webdemo.order/1/history").json()["items"]
    assert [(h["action"], h["from"], h["to"], h["user"]) for h in history] == [
        ("confirm", "draft", "confirmed", "Clerk"),
        ("cancel", "confirmed", "cancelled", "Clerk"),
    ]
    assert history[1]["reason"] == "customer withdrew"
    assert clerk.post("/api/v1/webdemo.order/1/actions/fly").status_code == 404


def test_models_lists_readable_models_with_fields(demo: Any) -> None:
    _instance, clerk, boss = demo
    models = {m["model"]: m for m in clerk.get("/api/v1/_models").json()["models"]}
    assert "webdemo.order" in models and "webdemo.secret" not in models
    order = models["webdemo.order"]
    fields = {f["name"]: f for f in order["fields"]}
    assert fields["amount_total"]["type"] == "money"
    assert fields["customer_id"] == {
        **fields["customer_id"],
        "type": "many2one",
        "relation": "webdemo.customer",
    }
    assert fields["priority"]["selection"][0] == ["low", "Low"]
    assert order["operations"] == ["read", "create", "write"]
    assert "password_hash" not in {
        f["name"] for f in boss.get("/api/v1/_models").json()["models"][0]["fields"]
    }
    users = {m["model"]: m for m in clerk.get("/api/v1/_models").json()["models"]}["res.user"]
    assert "password_hash" not in {f["name"] for f in users["fields"]}


def test_status_codes_are_problem_documents(demo: Any) -> None:
    instance, clerk, _boss = demo
    cases = [
        (clerk.get("/api/v1/nope.model"), 404),
        (clerk.get("/api/v1/webdemo.order/9999"), 404),
        (clerk.get("/api/v1/webdemo.secret"), 403),
        (clerk.delete("/api/v1/webdemo.order/1"), 403),
        (
            clerk.post(
                "/api/v1/webdemo.order",
                content=b"{not json",
                headers={"content-type": "application/json"},
            ),
            422,
        ),
        (clerk.post("/api/v1/webdemo.order", json={"notes": "no name"}), 422),
        (clerk.get("/api/v1/webdemo.order?limit=501"), 422),
        (clerk.get("/api/v1/webdemo.order?limit=ten"), 422),
    ]
    for response, status in cases:
        assert response.status_code == status, (response.request.url, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    assert cases[5][0].json()["fields"] == {"name": "Number is required"}
    anonymous = clerk.get("/api/v1/webdemo.order", headers={"Authorization": ""})
    assert anonymous.status_code == 401
    assert count(instance, "webdemo.order") == 12


def test_bad_values_name_their_fields(demo: Any) -> None:
    _instance, clerk, _boss = demo
    response = clerk.patch(
        "/api/v1/webdemo.order/1",
        content=json.dumps(
            {
                "amount_total": "12.345678",
                "priority": "urgent!",
                "date_order": "yesterday",
                "bogus": 1,
                "state": "done",
            }
        ),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422
    fields = response.json()["fields"]
    assert set(fields) == {"amount_total", "priority", "date_order", "bogus", "state"}
    assert "4 decimal places" in fields["amount_total"]
    missing_ref = clerk.patch("/api/v1/webdemo.order/1", json={"customer_id": 999})
    assert missing_ref.status_code == 422
    assert "customer_id" in missing_ref.json()["fields"]
    float_money = clerk.patch(
        "/api/v1/webdemo.order/1",
        content=b'{"amount_total": 0.1}',
        headers={"content-type": "application/json"},
    )
    assert float_money.status_code == 200
    assert float_money.json()["amount_total"] == "0.1000"


@pytest.mark.parametrize(
    "query",
    [
        "fields=name,(select 1)",
        "fields=name;drop table webdemo_order",
        "order=name desc;drop table webdemo_order",
        "order=-1",
        "order=(select 1)",
        "filter[name' or '1'='1]=x",
        "filter[name][or]=x",
        "filter[amount_total]=1 or 1=1",
        "filter[id]=1; delete from webdemo_order",
        "filter[date_order][gt]=2020-01-01' or '1'='1",
        "filter[customer_id][in]=1,2) or (1=1",
        "filter[urgent]=maybe",
        "filter=1",
        "filter[[name]]=1",
    ],
)
def test_injection_attempts_are_rejected_without_db_errors(demo: Any, query: str) -> None:
    instance, clerk, _boss = demo
    response = clerk.get(f"/api/v1/webdemo.order?{query}")
    assert response.status_code == 422, response.text
    text = response.text.lower()
    for leak in ("syntax", "sqlalchemy", "sqlite", "psycopg", "traceback", "operationalerror"):
        assert leak not in text
    assert count(instance, "webdemo.order") == 12


def test_like_and_text_filters_bind_their_values(demo: Any) -> None:
    instance, clerk, _boss = demo
    for value in ["' or '1'='1", "%'; drop table webdemo_order; --", "\\", "_", "a\x00b"]:
        response = clerk.get("/api/v1/webdemo.order", params={"filter[name][like]": value})
        assert response.status_code == 200
        assert response.json()["total"] == 0
        response = clerk.get("/api/v1/webdemo.order", params={"filter[name]": value})
        assert response.status_code in (200, 422)
        assert response.status_code == 422 or response.json()["total"] == 0
    assert count(instance, "webdemo.order") == 12


def test_openapi_documents_every_model_with_its_schemas(demo: Any) -> None:
    _instance, clerk, _boss = demo
    schema = clerk.get("/api/schema").json()
    paths = schema["paths"]
    assert "/api/v1/{model}" not in paths  # the contract names each model
    listing = paths["/api/v1/webdemo.order"]
    params = {p["name"] for p in listing["get"]["parameters"]}
    assert {"filter", "order", "fields", "limit", "offset"} <= params
    body = listing["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/WebdemoOrderCreate"}
    create = schema["components"]["schemas"]["WebdemoOrderCreate"]
    assert "name" in create["required"] and create["additionalProperties"] is False
    errors = listing["post"]["responses"]["422"]["content"]["application/problem+json"]
    assert errors["schema"] == {"$ref": "#/components/schemas/Problem"}
    assert "fields" in schema["components"]["schemas"]["Problem"]["required"]
    cancel = paths["/api/v1/webdemo.order/{record_id}/actions/cancel"]["post"]
    reason = cancel["requestBody"]["content"]["application/json"]["schema"]
    assert reason["required"] == ["reason"]
    assert schema["components"]["securitySchemes"]["apiKey"]["scheme"] == "bearer"
    assert "/login" not in paths  # screens and form posts are not part of the API


def test_every_field_operator_and_odd_value_answers_without_500(demo: Any) -> None:
    from kernel.web.api.query import OPERATORS

    instance, clerk, _boss = demo
    with instance.unit(None, su=True) as env:
        from kernel.web.introspect import model_meta

        fields = list(model_meta(env.registry, "webdemo.order").fields)
    values = [
        "x",
        "1",
        "-1.5",
        "null",
        "",
        "2026-01-01",
        "2026-01-01T10:00:00Z",
        "true",
        "a,b",
        "9" * 30,
    ]
    for field in fields:
        for op in OPERATORS:
            for value in values:
                response = clerk.get(
                    "/api/v1/webdemo.order", params={f"filter[{field}][{op}]": value}
                )
                assert response.status_code in (200, 422), (field, op, value, response.text)
        for order in (field, f"-{field}"):
            assert clerk.get("/api/v1/webdemo.order", params={"order": order}).status_code == 200

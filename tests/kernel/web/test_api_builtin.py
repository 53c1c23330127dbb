"""The generic API on the built-in sales addon: nested order lines, workflow, exact amounts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fixtures.webclient import api_client

from kernel.testing import make_user


@pytest.fixture
def sales(make_instance: Any) -> Any:
    from kernel.addons.discovery import discover

    if "sales_order" not in discover():
        pytest.skip("the sales_order addon is not available")
    instance = make_instance(["sales_order"], demo=True)
    seller = make_user(instance, "seller", ["sales_order.group_user"])
    clerk = make_user(instance, "clerk", ["base.group_user"])
    with api_client(instance, seller) as seller_api, api_client(instance, clerk) as clerk_api:
        yield instance, seller_api, clerk_api


def test_order_with_nested_lines_cancel_and_history(sales: Any) -> None:
    _instance, api, _clerk = sales
    partner = api.get("/api/v1/res.partner?filter[is_customer]=true&limit=1&fields=name").json()
    product = api.get(
        "/api/v1/product.product?filter[sale_ok]=true&order=-list_price&limit=1"
    ).json()
    created = api.post(
        "/api/v1/sale.order",
        json={
            "partner_id": partner["items"][0]["id"],
            "lines": [
                {"product_id": product["items"][0]["id"], "quantity": "3", "price_unit": "19.99"}
            ],
        },
    )
    assert created.status_code == 201, created.text
    order = created.json()
    assert order["state"] == "draft"
    line = order["lines"][0]
    assert (line["quantity"], line["price_unit"], line["price_subtotal"]) == (
        "3.0000",
        "19.9900",
        "59.9700",
    )
    assert Decimal(order["amount_total"]) == Decimal(order["amount_untaxed"]) + Decimal(
        order["amount_tax"]
    )
    no_reason = api.post(f"/api/v1/sale.order/{order['id']}/actions/cancel", json={})
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["fields"]
    cancelled = api.post(
        f"/api/v1/sale.order/{order['id']}/actions/cancel",
        json={"reason": "customer changed plans"},
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["state"] == "cancelled"
    again = api.post(f"/api/v1/sale.order/{order['id']}/actions/submit")
    assert again.status_code == 409
    history = api.get(f"/api/v1/sale.order/{order['id']}/history").json()["items"]
    assert [(h["action"], h["to"], h["reason"], h["user"]) for h in history] == [
        ("cancel", "cancelled", "customer changed plans", "Seller")
    ]
    listed = api.get(
        "/api/v1/sale.order",
        params={"filter[id]": order["id"], "fields": "name,amount_total,state"},
    ).json()
    assert listed["total"] == 1 and listed["items"][0]["amount_total"] == order["amount_total"]


def test_users_without_sales_rights_are_refused(sales: Any) -> None:
    _instance, _api, clerk = sales
    assert clerk.get("/api/v1/sale.order").status_code == 403
    refused = clerk.post("/api/v1/sale.order", json={"partner_id": 1})
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    models = {m["model"] for m in clerk.get("/api/v1/_models").json()["models"]}
    assert "sale.order" not in models and "res.partner" in models

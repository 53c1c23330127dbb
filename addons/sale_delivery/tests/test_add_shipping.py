"""Add shipping on a sales order: the carrier's price for the goods' weight and destination,
added as a taxed line through the form button and the JSON API action."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from litestar.testing import TestClient

from addons.delivery.tests.conftest import add_rule, make_carrier
from kernel.apikeys import create_api_key
from kernel.instance import Instance
from kernel.testing import MakeInstance, make_user
from kernel.web.app import create_app

BASE_URL = "http://suanpan.localhost"
D = Decimal


def _api(instance: Instance, uid: int) -> TestClient[Any]:
    with instance.unit(None, su=True) as env:
        key = create_api_key(env, uid, "tests")
    client = TestClient(create_app(instance), base_url=BASE_URL)
    client.headers["Authorization"] = f"Bearer {key}"
    return client


def _world(instance: Instance) -> dict[str, int]:
    """A Guangdong customer, a 1.5 kg product at 100 and an SF-like carrier."""
    with instance.unit(None, su=True) as env:
        cn = env.ref("base.country_cn").id
        gd = env.ref("base.state_cn_gd").id
        partner = env["res.partner"](
            name="广州客户", is_customer=True, country_id=cn, state_id=gd, city="广州"
        )
        product = env["product.product"](
            name="Kettle",
            type="consumable",
            uom_id=env.ref("base.uom_unit").id,
            list_price=D(100),
            weight=D("1.5"),
            sale_tax_id=env.ref("base.vat_13_sale").id,
        )
        env.session.add_all([partner, product])
        env.session.flush()
        carrier = make_carrier(env, "SF", fixed_price=D(40), free_over=D(1000))
        add_rule(env, carrier, state_id=gd, price=D(12), price_per_kg=D(2))
        return {"partner": partner.id, "product": product.id, "carrier": carrier.id}


@pytest.fixture
def shop(make_instance: MakeInstance) -> dict[str, Any]:
    instance = make_instance(["sales_order", "delivery"], demo=False)
    clerk = make_user(instance, "clerk", ["sales_order.group_user"])
    return {"instance": instance, "clerk": clerk, **_world(instance)}


def _order_payload(shop: dict[str, Any], quantity: int, **extra: Any) -> dict[str, Any]:
    return {
        "partner_id": shop["partner"],
        "lines": [{"product_id": shop["product"], "quantity": quantity}],
        **extra,
    }


def test_api_add_shipping_adds_one_taxed_line_and_replaces_it(shop: dict[str, Any]) -> None:
    with _api(shop["instance"], shop["clerk"]) as api:
        created = api.post(
            "/api/v1/sale.order", json=_order_payload(shop, 2, carrier_id=shop["carrier"])
        )
        assert created.status_code == 201, created.text
        order_id = created.json()["id"]
        moved = api.post(f"/api/v1/sale.order/{order_id}/actions/add_shipping")
        assert moved.status_code == 200, moved.text
        order = moved.json()
        assert D(str(order["shipping_weight"])) == D(3)
        ship = [ln for ln in order["lines"] if ln["is_delivery"]]
        assert len(ship) == 1
        # Guangdong rule: 12 + 2 × 3 started kg = 18.00, VAT 9% → 1.62
        assert D(str(ship[0]["price_unit"])) == D("18.00")
        assert D(str(ship[0]["price_tax"])) == D("1.62")
        # goods 200 + 26 VAT, shipping 18 + 1.62
        assert D(str(order["amount_total"])) == D("245.62")
        again = api.post(f"/api/v1/sale.order/{order_id}/actions/add_shipping").json()
        assert [ln["is_delivery"] for ln in again["lines"]].count(True) == 1
        assert D(str(again["amount_total"])) == D("245.62")


def test_free_above_the_carrier_threshold(shop: dict[str, Any]) -> None:
    with _api(shop["instance"], shop["clerk"]) as api:
        order_id = api.post(
            "/api/v1/sale.order", json=_order_payload(shop, 10, carrier_id=shop["carrier"])
        ).json()["id"]
        order = api.post(f"/api/v1/sale.order/{order_id}/actions/add_shipping").json()
        ship = [ln for ln in order["lines"] if ln["is_delivery"]]
        assert D(str(ship[0]["price_total"])) == D(0)


def test_shipping_method_picks_the_carrier_or_says_why_not(shop: dict[str, Any]) -> None:
    with _api(shop["instance"], shop["clerk"]) as api:
        order_id = api.post(
            "/api/v1/sale.order", json=_order_payload(shop, 1, shipping_method="express")
        ).json()["id"]
        order = api.post(f"/api/v1/sale.order/{order_id}/actions/add_shipping").json()
        assert order["carrier_id"] == shop["carrier"]
        other = api.post(
            "/api/v1/sale.order", json=_order_payload(shop, 1, shipping_method="freight")
        ).json()["id"]
    zh = make_user(shop["instance"], "zhang", ["sales_order.group_user"], lang="zh_CN")
    with _api(shop["instance"], zh) as api:
        refused = api.post(f"/api/v1/sale.order/{other}/actions/add_shipping")
        assert refused.status_code == 422, refused.text
        problem = refused.json()
        assert "carrier_id" in problem["fields"]
        assert "承运商" in problem["detail"]


def test_form_button_adds_shipping(shop: dict[str, Any]) -> None:
    instance = shop["instance"]
    with instance.unit(shop["clerk"]) as env:
        from addons.sales_order.services.orders import create_order

        order = create_order(
            env,
            shop["partner"],
            [{"product_id": shop["product"], "quantity": 2}],
            carrier_id=shop["carrier"],
        )
        order_id = order.id
    with TestClient(create_app(instance), base_url=BASE_URL) as client:
        client.get("/login")
        client.post(
            "/login",
            data={
                "login": "clerk",
                "password": "pw",
                "_csrf_token": client.cookies.get("csrftoken"),
            },
        )
        page = client.get(f"/app/sales/orders/{order_id}")
        assert page.status_code == 200
        assert "/action/add_shipping" in page.text
        token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
        assert token
        done = client.post(
            f"/app/sales/orders/{order_id}/action/add_shipping",
            data={"_csrf_token": token.group(1)},
            follow_redirects=False,
        )
        assert done.status_code == 303, done.text[:300]
    with instance.unit(None, su=True) as env:
        order = env.get("sale.order", order_id)
        assert [ln.price_unit for ln in order.lines if ln.is_delivery] == [D("18.00")]

"""Buying as a user does it: through the JSON API and the requisition screens.

Orders and requisitions created over the API get their numbers and totals like
those of the services; "Create RFQs" groups open requisitions per supplier; a
purchase order made by hand can serve a requisition; receiving it closes the
requisition.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from litestar.testing import TestClient

from addons.purchase.tests.conftest import make_goods
from kernel.apikeys import create_api_key
from kernel.web.app import create_app

BASE = "http://suanpan.localhost"


def _api(instance: Any, uid: int) -> TestClient[Any]:
    with instance.unit(None, su=True) as env:
        key = create_api_key(env, uid, "tests")
    client = TestClient(create_app(instance), base_url=BASE)
    client.headers["Authorization"] = f"Bearer {key}"
    return client


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_orders_and_requisitions_created_over_the_api_are_numbered_and_priced(
    make_instance: Any,
) -> None:
    instance = make_instance(["purchase"])
    ids = make_goods(instance, 2)
    p0, p1 = ids["products"]
    with _api(instance, ids["buyer"]) as api:
        order = _ok(
            api.post(
                "/api/v1/purchase.order",
                json={"partner_id": ids["supplier"], "lines": [{"product_id": p0, "quantity": 4}]},
            ),
            201,
        )
        assert order["name"].startswith("PO")
        (line,) = order["lines"]
        # the supplier's price (9.50), the product's 13 % purchase tax, the order's totals
        assert (line["price_unit"], line["price_subtotal"]) == ("9.5000", "38.0000")
        assert (order["amount_untaxed"], order["amount_tax"]) == ("38.0000", "4.9400")
        assert order["currency_id"] is not None and order["buyer_id"] == ids["buyer"]

        changed = _ok(
            api.patch(
                f"/api/v1/purchase.order/{order['id']}",
                json={"lines": [{"id": line["id"], "quantity": 10}]},
            )
        )
        assert changed["amount_untaxed"] == "95.0000"

        first = _ok(
            api.post(
                "/api/v1/purchase.requisition",
                json={"product_id": p0, "quantity": "3", "supplier_id": ids["supplier"]},
            ),
            201,
        )
        second = _ok(
            api.post(
                "/api/v1/purchase.requisition",
                json={"product_id": p1, "quantity": "5", "supplier_id": ids["supplier"]},
            ),
            201,
        )
        assert first["name"] != second["name"] and first["uom_id"]
        assert first["state"] == "draft"

        models = _ok(api.get("/api/v1/_models"))["models"]
        described = next(m for m in models if m["model"] == "purchase.requisition")
        assert {a["name"] for a in described["actions"]} == {"create_rfqs", "link_order"}

        made = _ok(
            api.post(
                "/api/v1/purchase.requisition/actions/create_rfqs",
                json={"ids": [first["id"], second["id"]]},
            )
        )["result"]
        assert made["model"] == "purchase.order" and len(made["ids"]) == 1  # one per supplier
        rfq = _ok(api.get(f"/api/v1/purchase.order/{made['ids'][0]}"))
        assert sorted((ln["product_id"], ln["quantity"]) for ln in rfq["lines"]) == [
            (p0, "3.0000"),
            (p1, "5.0000"),
        ]
        again = api.post(
            "/api/v1/purchase.requisition/actions/create_rfqs", json={"ids": [first["id"]]}
        )
        assert again.status_code == 422


def test_a_hand_made_order_serves_a_requisition_until_received(make_instance: Any) -> None:
    instance = make_instance(["purchase"])
    ids = make_goods(instance, 1)
    (pid,) = ids["products"]
    with _api(instance, ids["buyer"]) as api:
        req = _ok(
            api.post("/api/v1/purchase.requisition", json={"product_id": pid, "quantity": "6"}), 201
        )
        order = _ok(
            api.post("/api/v1/purchase.order", json={"partner_id": ids["other"], "lines": []}), 201
        )
        missing = api.post(f"/api/v1/purchase.requisition/{req['id']}/actions/link_order", json={})
        assert missing.status_code == 422 and "order_id" in missing.json()["fields"]
        linked = _ok(
            api.post(
                f"/api/v1/purchase.requisition/{req['id']}/actions/link_order",
                json={"order_id": order["id"]},
            )
        )
        assert linked["state"] == "rfq" and linked["supplier_id"] == ids["other"]
        assert linked["_result"] == {"model": "purchase.order", "ids": [order["id"]]}
        order = _ok(api.get(f"/api/v1/purchase.order/{order['id']}"))
        assert [(ln["product_id"], ln["quantity"]) for ln in order["lines"]] == [(pid, "6.0000")]
        assert Decimal(order["amount_total"]) > 0

        confirmed = _ok(api.post(f"/api/v1/purchase.order/{order['id']}/actions/confirm"))
        assert confirmed["state"] == "confirmed"
        assert _ok(api.get(f"/api/v1/purchase.requisition/{req['id']}"))["state"] == "ordered"
        receipts = _ok(
            api.get(
                "/api/v1/stock.picking",
                params={"filter[origin_model]": "purchase.order", "filter[origin_id]": order["id"]},
            )
        )["items"]
        (receipt,) = receipts
        done = _ok(api.post(f"/api/v1/stock.picking/{receipt['id']}/actions/validate"))
        assert done["state"] == "done"
        assert _ok(api.get(f"/api/v1/purchase.requisition/{req['id']}"))["state"] == "received"
        assert _ok(api.get(f"/api/v1/purchase.order/{order['id']}"))["state"] in (
            "received",
            "done",
        )


def test_requisition_screens_offer_create_rfqs_and_link(make_instance: Any) -> None:
    from kernel.web.sessions import COOKIE_NAME, create_session

    instance = make_instance(["purchase"])
    ids = make_goods(instance, 1)
    (pid,) = ids["products"]
    with _api(instance, ids["buyer"]) as api:
        req = _ok(
            api.post("/api/v1/purchase.requisition", json={"product_id": pid, "quantity": "2"}), 201
        )
    sid = create_session(instance, ids["buyer"])
    with TestClient(create_app(instance), base_url=BASE) as browser:
        browser.cookies.set(COOKIE_NAME, sid)
        listing = browser.get("/app/purchase/requisitions")
        assert 'data-sp-do="create_rfqs"' in listing.text
        form = browser.get(f"/app/purchase/requisitions/{req['id']}")
        assert 'data-sp-do="link_order"' in form.text
        token = browser.cookies.get("csrftoken")
        made = browser.post(
            "/app/purchase/requisitions/do/create_rfqs",
            data={"_csrf_token": token},
            follow_redirects=False,
        )
        assert made.status_code == 303
        assert made.headers["location"].startswith("/app/purchase/orders/")
        rfq = browser.get(made.headers["location"])
        assert "T-shirt 0" in rfq.text
        nothing_left = browser.post(
            "/app/purchase/requisitions/do/create_rfqs",
            data={"_csrf_token": token},
            follow_redirects=True,
        )
        assert "no open requisitions" in nothing_left.text

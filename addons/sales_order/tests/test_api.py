"""End to end through the JSON API (/api/v1) and the addon's routes, as a client would."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from litestar.testing import TestClient

from kernel.apikeys import create_api_key
from kernel.instance import Instance
from kernel.testing import MakeInstance, make_user
from kernel.web.app import create_app

BASE_URL = "http://suanpan.localhost"


def _client(instance: Instance, uid: int) -> TestClient[Any]:
    with instance.unit(None, su=True) as env:
        key = create_api_key(env, uid, "tests")
    client = TestClient(create_app(instance), base_url=BASE_URL)
    client.headers["Authorization"] = f"Bearer {key}"
    return client


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


@pytest.fixture
def shop(make_instance: MakeInstance) -> dict[str, Any]:
    instance = make_instance(["sales_order"])
    boss = make_user(instance, "boss", ["sales_order.group_manager", "base.group_manager"])
    clerk = make_user(instance, "clerk", ["sales_order.group_user"])
    return {
        "instance": instance,
        "boss": _client(instance, boss),
        "clerk": _client(instance, clerk),
    }


def test_order_from_entry_to_approval_and_rejection(shop: dict[str, Any]) -> None:
    boss, clerk = shop["boss"], shop["clerk"]
    with boss, clerk:
        assert "sale.order" in str(_ok(clerk.get("/api/v1/_models")))
        unit = _ok(boss.get("/api/v1/uom.uom", params={"filter[name]": "Unit"}))
        unit_id = (unit["items"] if isinstance(unit, dict) else unit)[0]["id"]
        customer = _ok(
            boss.post(
                "/api/v1/res.partner",
                json={
                    "name": "Dongfang Tools Ltd.",
                    "is_company": True,
                    "is_customer": True,
                    "city": "Suzhou",
                },
            ),
            201,
        )
        drill = _ok(
            boss.post(
                "/api/v1/product.product",
                json={
                    "default_code": "DR-1",
                    "name": "Drill",
                    "uom_id": unit_id,
                    "list_price": 199.00,
                    "standard_price": 120.00,
                },
            ),
            201,
        )
        _ok(
            boss.post(
                "/api/v1/sale.autoapprove.rule", json={"name": "Small orders", "max_total": 500}
            ),
            201,
        )

        # a small order: entered by the clerk, auto-approved at submission
        small = _ok(
            clerk.post(
                "/api/v1/sale.order",
                json={
                    "partner_id": customer["id"],
                    "lines": [{"product_id": drill["id"], "quantity": 2}],
                },
            ),
            201,
        )
        assert small["name"].startswith(f"SO{dt.date.today().year}-")
        assert small["state"] == "draft"
        assert str(small["amount_untaxed"]) in ("398.00", "398.0000", "398")
        line = small["lines"][0]
        assert str(line["price_unit"]).startswith("199") and line["price_source"] == "list"
        moved = _ok(clerk.post(f"/api/v1/sale.order/{small['id']}/actions/submit"))
        assert moved["state"] == "closed" and moved["auto_approved"] is True

        # a big order: waits for the manager, who approves it
        big = _ok(
            clerk.post(
                "/api/v1/sale.order",
                json={
                    "partner_id": customer["id"],
                    "lines": [{"product_id": drill["id"], "quantity": 10}],
                },
            ),
            201,
        )
        assert (
            _ok(clerk.post(f"/api/v1/sale.order/{big['id']}/actions/submit"))["state"]
            == "submitted"
        )
        denied = clerk.post(f"/api/v1/sale.order/{big['id']}/actions/approve")
        assert denied.status_code == 403
        assert (
            _ok(boss.post(f"/api/v1/sale.order/{big['id']}/actions/approve"))["state"] == "closed"
        )

        # a third one is rejected with a reason and comes back to draft showing it
        third = _ok(
            clerk.post(
                "/api/v1/sale.order",
                json={
                    "partner_id": customer["id"],
                    "lines": [{"product_id": drill["id"], "quantity": 30}],
                },
            ),
            201,
        )
        _ok(clerk.post(f"/api/v1/sale.order/{third['id']}/actions/submit"))
        refused = boss.post(f"/api/v1/sale.order/{third['id']}/actions/reject", json={})
        assert refused.status_code == 422
        _ok(
            boss.post(
                f"/api/v1/sale.order/{third['id']}/actions/reject",
                json={"reason": "Ask for a deposit first"},
            )
        )
        back = _ok(clerk.get(f"/api/v1/sale.order/{third['id']}"))
        assert back["state"] == "draft" and back["reject_reason"] == "Ask for a deposit first"
        history = _ok(clerk.get(f"/api/v1/sale.order/{third['id']}/history"))
        assert "Ask for a deposit first" in str(history)

        # the printable confirmation and the search by product
        pdf = clerk.get(f"/sales/order/{big['id']}/pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        found = _ok(clerk.get("/sales/orders/search", params={"product": "DR-1", "group": "state"}))
        assert {o["id"] for o in found["orders"]} == {small["id"], big["id"], third["id"]}
        assert {g["key"]: g["count"] for g in found["groups"]} == {"closed": 2, "draft": 1}

        # order entry helpers: product search and the customer's last prices
        products = _ok(clerk.get("/sales/products/search", params={"q": "dr-1"}))
        assert [p["id"] for p in products] == [drill["id"]]
        last = _ok(clerk.get(f"/sales/last-prices/{customer['id']}/{drill['id']}"))
        assert {p["order"] for p in last} == {small["name"], big["name"]}


def test_screens_render(shop: dict[str, Any]) -> None:
    from kernel.web.sessions import COOKIE_NAME, create_session

    instance = shop["instance"]
    with instance.unit(None, su=True) as env:
        from sqlalchemy import select

        User = env["res.user"]
        clerk_id = env.session.scalar(select(User.id).where(User.login == "clerk"))
    with instance.unit(clerk_id) as env:
        from addons.sales_order.services import orders

        partner = env["res.partner"](name="Screen Test Co.", is_company=True, is_customer=True)
        env.session.add(partner)
        env.session.flush()
        order_id = orders.create_order(env, partner.id, []).id
    browser = TestClient(create_app(instance), base_url=BASE_URL)
    with browser:
        browser.cookies.set(COOKIE_NAME, create_session(instance, clerk_id))
        listing = browser.get("/app/sales/orders?group=date_order:month")
        assert listing.status_code == 200, listing.text[:500]
        form = browser.get(f"/app/sales/orders/{order_id}")
        assert form.status_code == 200, form.text[:500]
        assert "Screen Test Co." in form.text
        home = browser.get("/")
        assert home.status_code == 200


def test_submitting_through_the_api_costs_the_same_for_3_and_30_lines(world: Any) -> None:
    """The generic action endpoint loads the order and its lines, not their products:
    the completeness guard must read those in bulk, not one statement per line."""
    from decimal import Decimal

    from kernel.testing import StatementCounter

    instance = world.instance
    with instance.unit(None, su=True) as env:
        Product = env["product.product"]
        made = [
            Product(
                name=f"Part {i:02d}", list_price=Decimal(10 + i), uom_id=env.ref("base.uom_unit").id
            )
            for i in range(30)
        ]
        env.session.add_all(made)
        env.session.flush()
        products = [p.id for p in made]
    client = _client(instance, world.clerk)
    counts = []
    with client:
        for n_lines in (3, 30, 3, 30):
            order = _ok(
                client.post(
                    "/api/v1/sale.order",
                    json={
                        "partner_id": world.customer,
                        "lines": [
                            {"product_id": products[i], "quantity": str(i + 1)}
                            for i in range(n_lines)
                        ],
                    },
                ),
                201,
            )
            with StatementCounter(instance.engine) as counter:
                moved = _ok(
                    client.post(f"/api/v1/sale.order/{order['id']}/actions/submit", json={})
                )
            assert moved["state"] in {"submitted", "in_progress"}
            counts.append(counter.count)
    assert counts[2:] == [counts[2], counts[2]], f"statements per submission: {counts}"

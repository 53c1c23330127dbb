"""Issue 11's end-to-end path, each step through the JSON API by the user who does it.

Order with a shipping cost → approve → pack 2 packages → validate → the shipment is
booked through the reference JSON connector with the fake carrier on loopback →
the carrier's signed webhook events: in transit, out for delivery, delivered →
signed with a photo (uploaded on the shipment form: the API carries no files) →
order completed → the invoice has the shipping line → paid → closed. Then the
refused delivery: the customer refuses one of two kettles → a return receipt, validated
back into stock, and a complaint exception on the order.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from litestar.testing import TestClient

from addons.delivery.services.webhook import SIGNATURE_HEADER, sign
from addons.delivery.tests.conftest import add_rule, api_carrier
from addons.delivery.tests.fake_carrier import LABEL, FakeCarrier, fake_carrier
from addons.sale_delivery.tests.test_add_shipping import _api
from addons.sale_delivery.tests.test_order_delivery import PNG, _attach_photo
from addons.stock.services import receive
from kernel.instance import Instance
from kernel.testing import MakeInstance, make_user
from kernel.web.app import create_app

D = Decimal
SECRET = "whsec-e2e"
ADDONS = ["sales_order", "stock", "delivery", "accounting"]


@pytest.fixture
def carrier_server() -> Iterator[FakeCarrier]:
    with fake_carrier() as server:
        yield server


def _world(instance: Instance, url: str) -> dict[str, Any]:
    users = {
        "seller": make_user(instance, "seller", ["sales_order.group_manager"]),
        "storekeeper": make_user(instance, "storekeeper", ["stock.group_user"]),
        "logistics": make_user(instance, "logistics", ["delivery.group_user"]),
        "accountant": make_user(instance, "accountant", ["accounting.group_user"]),
    }
    with instance.unit(None, su=True) as env:
        cn, gd = env.ref("base.country_cn").id, env.ref("base.state_cn_gd").id
        partner = env["res.partner"](
            name="广州客户", is_customer=True, country_id=cn, state_id=gd, city="广州"
        )
        product = env["product.product"](
            name="Kettle",
            type="stockable",
            uom_id=env.ref("base.uom_unit").id,
            list_price=D(100),
            standard_price=D(60),
            weight=D("1.5"),
            sale_tax_id=env.ref("base.vat_13_sale").id,
        )
        env.session.add_all([partner, product])
        env.session.flush()
        receive(env, product.id, 10)
        carrier = api_carrier(env, url, "SF API", webhook_secret=SECRET)
        add_rule(env, carrier, state_id=gd, price=D(12), price_per_kg=D(2))
        return {"partner": partner.id, "product": product.id, "carrier": carrier.id, **users}


class Flow:
    """The users' API clients and the carrier's webhook client."""

    def __init__(self, instance: Instance, world: dict[str, Any]) -> None:
        self.world = world
        self.clients = {
            name: _api(instance, world[name])
            for name in ("seller", "storekeeper", "logistics", "accountant")
        }
        for client in self.clients.values():
            client.__enter__()
        self.carrier = TestClient(create_app(instance), base_url="http://suanpan.localhost")
        self.carrier.__enter__()

    def close(self) -> None:
        for client in [*self.clients.values(), self.carrier]:
            client.__exit__(None, None, None)

    def call(self, who: str, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        answer = self.clients[who].request(method, path, json=body)
        assert answer.status_code == status, f"{method} {path}: {answer.text}"
        return answer.json() if answer.content else None

    def one(self, who: str, path: str) -> Any:
        (item,) = self.call(who, "GET", path)["items"]
        return item

    def ordered_and_shipped(self, carrier_server: FakeCarrier) -> dict[str, Any]:
        """Order 2 kettles with shipping, approve, pack 2 parcels, validate: the shipment."""
        w = self.world
        order = self.call(
            "seller",
            "POST",
            "/api/v1/sale.order",
            {
                "partner_id": w["partner"],
                "carrier_id": w["carrier"],
                "lines": [{"product_id": w["product"], "quantity": "2"}],
            },
            status=201,
        )
        oid = order["id"]
        self.call("seller", "POST", f"/api/v1/sale.order/{oid}/actions/add_shipping")
        order = self.call("seller", "POST", f"/api/v1/sale.order/{oid}/actions/submit")
        if order["state"] == "submitted":
            order = self.call("seller", "POST", f"/api/v1/sale.order/{oid}/actions/approve")
        assert order["state"] == "in_progress"
        shipping = [ln for ln in order["lines"] if ln["is_delivery"]]
        assert [ln["price_unit"] for ln in shipping] == ["18.0000"]  # 12 + 2 × 3 kg
        picking = self.one(
            "storekeeper",
            f"/api/v1/stock.picking?filter[origin_model]=sale.order&filter[origin_id]={oid}",
        )
        for name in ("1/2", "2/2"):
            self.call(
                "storekeeper",
                "POST",
                "/api/v1/delivery.package",
                {"picking_id": picking["id"], "name": name, "weight": "1.6", "length": "30"},
                status=201,
            )
        before = len(carrier_server.booked)
        done = self.call(
            "storekeeper", "POST", f"/api/v1/stock.picking/{picking['id']}/actions/validate"
        )
        assert done["state"] == "done"
        assert len(carrier_server.booked) == before + 1
        shipment = self.one(
            "logistics", f"/api/v1/delivery.shipment?filter[picking_id]={picking['id']}"
        )
        assert shipment["tracking_number"].startswith("FC") and shipment["package_count"] == 2
        booked = carrier_server.booked[shipment["tracking_number"]]
        assert len(booked["packages"]) == 2 and booked["recipient"]["city"] == "广州"
        assert self.call("seller", "GET", f"/api/v1/sale.order/{oid}")["state"] == "in_progress"
        return {"order": oid, "shipment": shipment}

    def carrier_reports(self, shipment: dict[str, Any], kinds: list[str]) -> None:
        """The carrier pushes signed events (ids unique per shipment), an hour apart."""
        now = dt.datetime.now(dt.UTC)
        for hour, kind in enumerate(kinds, 1):
            body = json.dumps(
                {
                    "id": f"{shipment['tracking_number']}-{hour}",
                    "tracking_number": shipment["tracking_number"],
                    "kind": kind,
                    "time": (now + dt.timedelta(hours=hour)).isoformat(),
                    "location": "广州",
                }
            ).encode()
            answer = self.carrier.post(
                f"/api/delivery/webhook/{self.world['carrier']}",
                content=body,
                headers={SIGNATURE_HEADER: sign(SECRET, body)},
            )
            assert answer.status_code == 201, answer.text


@pytest.fixture
def flow(
    make_instance: MakeInstance, carrier_server: FakeCarrier
) -> Iterator[tuple[Instance, Flow]]:
    instance = make_instance(ADDONS, demo=False)
    running = Flow(instance, _world(instance, carrier_server.url))
    try:
        yield instance, running
    finally:
        running.close()


def test_order_to_cash_with_a_booked_shipment(
    flow: tuple[Instance, Flow], carrier_server: FakeCarrier
) -> None:
    instance, f = flow
    made = f.ordered_and_shipped(carrier_server)
    oid, shipment = made["order"], made["shipment"]
    sid = shipment["id"]
    f.carrier_reports(shipment, ["in_transit", "out_for_delivery", "delivered"])
    follow = f.call("logistics", "GET", f"/api/v1/delivery.shipment/{sid}")
    assert follow["status"] == "delivered" and follow["state"] == "shipped"
    kinds = [e["kind"] for e in follow["events"]]
    assert kinds == ["picked_up", "in_transit", "out_for_delivery", "delivered"]

    f.call("logistics", "PATCH", f"/api/v1/delivery.shipment/{sid}", {"signer_name": "李雷"})
    _attach_photo(instance, "logistics", sid)
    signed = f.call("logistics", "POST", f"/api/v1/delivery.shipment/{sid}/actions/sign")
    assert signed["state"] == "signed" and signed["signed_at"]
    with instance.unit(None, su=True, readonly=True) as env:
        Attachment = env["ir.attachment"]
        files = {
            a.filename: a.content
            for a in env.session.query(Attachment).filter_by(model="delivery.shipment", res_id=sid)
        }
        assert files[f"label-{shipment['tracking_number']}.pdf"] == LABEL
        assert files["receipt.png"] == PNG

    order = f.call("seller", "GET", f"/api/v1/sale.order/{oid}")
    assert order["state"] == "completed"
    invoice = f.one(
        "accountant",
        f"/api/v1/account.move?filter[origin_model]=sale.order&filter[origin_id]={oid}",
    )
    invoice = f.call("accountant", "GET", f"/api/v1/account.move/{invoice['id']}")
    assert invoice["state"] == "posted" and invoice["move_type"] == "out_invoice"
    assert "SF API" in [line["name"] for line in invoice["lines"]]
    # goods 200 + 13 % and shipping 18 + 9 %
    assert D(invoice["amount_total"]) == D("245.62") == D(order["amount_total"])
    payment = f.call(
        "accountant",
        "POST",
        "/api/v1/account.payment",
        {
            "partner_id": f.world["partner"],
            "amount": invoice["amount_total"],
            "allocations": [{"move_id": invoice["id"]}],
        },
        status=201,
    )
    f.call("accountant", "POST", f"/api/v1/account.payment/{payment['id']}/actions/post")
    invoice = f.call("accountant", "GET", f"/api/v1/account.move/{invoice['id']}")
    assert invoice["payment_state"] == "paid"
    assert f.call("seller", "GET", f"/api/v1/sale.order/{oid}")["state"] == "closed"


def test_a_refused_delivery_comes_back_and_raises_an_exception(
    flow: tuple[Instance, Flow], carrier_server: FakeCarrier
) -> None:
    instance, f = flow
    made = f.ordered_and_shipped(carrier_server)
    oid, sid = made["order"], made["shipment"]["id"]
    f.carrier_reports(made["shipment"], ["in_transit", "delivered"])
    f.call(
        "logistics",
        "PATCH",
        f"/api/v1/delivery.shipment/{sid}",
        {
            "signer_name": "王女士",
            "refusal_reason": "外包装破损",
            "refusals": [{"product_id": f.world["product"], "quantity": "1"}],
        },
    )
    signed = f.call("logistics", "POST", f"/api/v1/delivery.shipment/{sid}/actions/sign")
    assert signed["state"] == "signed"
    back = f.call("storekeeper", "GET", f"/api/v1/stock.picking/{signed['return_picking_id']}")
    assert back["picking_type"] == "incoming" and back["state"] == "ready"
    assert [(m["product_id"], m["quantity"]) for m in back["moves"]] == [
        (f.world["product"], "1.0000")
    ]
    exceptions = f.call("seller", "GET", f"/api/v1/sale.order.exception?filter[order_id]={oid}")[
        "items"
    ]
    assert [(e["kind"], e["status"]) for e in exceptions] == [("complaint", "open")]
    assert (
        "外包装破损" in exceptions[0]["description"]
        and back["name"] in exceptions[0]["description"]
    )
    done = f.call("storekeeper", "POST", f"/api/v1/stock.picking/{back['id']}/actions/validate")
    assert done["state"] == "done"
    with instance.unit(None, su=True, readonly=True) as env:
        from addons.stock.services import availability

        figures = availability(env, [f.world["product"]])[f.world["product"]]
        assert figures["on_hand"] == D(9)  # 10 received, 2 shipped, 1 came back

"""Packages, shipments, the waybill and the public tracking page, on base + stock alone."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from typing import Any

import pytest
from litestar.testing import TestClient

from addons.delivery.tests.conftest import make_carrier
from addons.stock.services import receive, validate_picking
from addons.stock.tests.conftest import delivery, make_product
from kernel.apikeys import create_api_key
from kernel.errors import ConflictError
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


def _ship(instance: Instance, customer: str, price: Decimal = D("88.80")) -> dict[str, Any]:
    """A validated delivery of 3 kettles in 2 packages with a carrier, as a stock user."""
    clerk = make_user(instance, f"stock_{customer}", ["stock.group_user"])
    with instance.unit(None, su=True) as env:
        pid = make_product(env, "Kettle 电水壶", list_price=price, standard_price=D(50))
        receive(env, pid, 10)
        partner = env["res.partner"](name=customer, city="深圳", street="Secret street 1")
        env.session.add(partner)
        env.session.flush()
        carrier = make_carrier(env, "SF", code="SF", transit_days=2)
        picking = delivery(env, [(pid, 3)], partner_id=partner.id, origin=f"SO-{customer}")
        picking.carrier_id = carrier.id
        picking_id = picking.id
    with instance.unit(clerk) as env:
        Package = env["delivery.package"]
        env.session.add_all(
            [
                Package(
                    picking_id=picking_id,
                    name="1/2",
                    weight=D("2.5"),
                    length=D(30),
                    width=D(20),
                    height=D(15),
                ),
                Package(picking_id=picking_id, name="2/2", weight=D("1.25")),
            ]
        )
        env.session.flush()
        validate_picking(env, env.get("stock.picking", picking_id))
    with instance.unit(None, su=True) as env:
        Shipment = env["delivery.shipment"]
        shipment = env.session.query(Shipment).filter_by(picking_id=picking_id).one()
        return {
            "id": shipment.id,
            "token": shipment.tracking_token,
            "name": shipment.name,
            "tracking": shipment.tracking_number,
        }


@pytest.fixture
def stock_only(make_instance: MakeInstance) -> Instance:
    return make_instance(["stock", "delivery"], demo=False)


def test_validating_a_packed_delivery_creates_the_shipment(stock_only: Instance) -> None:
    found = _ship(stock_only, "Alpha")
    with stock_only.unit(None, su=True) as env:
        shipment = env.get("delivery.shipment", found["id"])
        assert shipment.tracking_number.startswith("SF") and len(shipment.tracking_number) > 4
        assert len(shipment.tracking_token) >= 32
        assert shipment.package_count == 2 and shipment.weight == D("3.75")
        assert {p.name for p in shipment.packages} == {"1/2", "2/2"}
        assert shipment.eta > shipment.ship_date
        assert [e.kind for e in shipment.events] == ["picked_up"]
        assert shipment.status == "picked_up" and shipment.state == "shipped"
        package_id = shipment.packages[0].id
    # shipped packages no longer change
    with pytest.raises(ConflictError), stock_only.unit(None, su=True) as env:
        env.get("delivery.package", package_id).weight = D(9)


def test_delivery_without_carrier_ships_no_shipment(stock_only: Instance) -> None:
    with stock_only.unit(None, su=True) as env:
        pid = make_product(env, "Bolt")
        receive(env, pid, 5)
        picking = delivery(env, [(pid, 1)])
        validate_picking(env, picking)
        assert env.session.query(env["delivery.shipment"]).count() == 0


def test_package_needs_a_weight(stock_only: Instance) -> None:
    with stock_only.unit(None, su=True) as env:
        pid = make_product(env, "Bolt")
        receive(env, pid, 5)
        picking = delivery(env, [(pid, 1)])
        picking_id = picking.id
    clerk = make_user(stock_only, "packer", ["stock.group_user"], lang="zh_CN")
    with _api(stock_only, clerk) as api:
        refused = api.post("/api/v1/delivery.package", json={"picking_id": picking_id, "weight": 0})
        assert refused.status_code == 422, refused.text
        assert "weight" in refused.json()["fields"]
        assert "重量" in refused.json()["detail"]


def test_timeline_and_signature_through_the_api(stock_only: Instance) -> None:
    found = _ship(stock_only, "Beta")
    clerk = make_user(stock_only, "logistics", ["delivery.group_user"])
    with _api(stock_only, clerk) as api:
        for kind, place in (("in_transit", "Shenzhen hub"), ("out_for_delivery", "Futian")):
            made = api.post(
                "/api/v1/delivery.tracking.event",
                json={"shipment_id": found["id"], "kind": kind, "location": place},
            )
            assert made.status_code == 201, made.text
        shipment = api.get(f"/api/v1/delivery.shipment/{found['id']}").json()
        assert shipment["status"] == "out_for_delivery"
        refused = api.post(f"/api/v1/delivery.shipment/{found['id']}/actions/sign")
        assert refused.status_code in (409, 422), refused.text
        assert "Signed by" in refused.text
        assert (
            api.patch(
                f"/api/v1/delivery.shipment/{found['id']}", json={"signer_name": "王芳"}
            ).status_code
            == 200
        )
        signed = api.post(f"/api/v1/delivery.shipment/{found['id']}/actions/sign")
        assert signed.status_code == 200, signed.text
        body = signed.json()
        assert body["state"] == "signed" and body["status"] == "delivered" and body["signed_at"]
        late = api.patch(f"/api/v1/delivery.shipment/{found['id']}", json={"signer_name": "x"})
        assert late.status_code in (409, 422), late.text


def test_tracking_page_shows_only_its_shipment(stock_only: Instance) -> None:
    mine = _ship(stock_only, "Gamma")
    other = _ship(stock_only, "Delta")
    with TestClient(create_app(stock_only), base_url=BASE_URL) as client:
        page = client.get(f"/track/{mine['token']}")
        assert page.status_code == 200
        html = page.text
        assert "SO-Gamma" in html and mine["tracking"] in html
        assert "Kettle" in html and "深圳" in html
        # no prices, no street, no other customer's data
        assert "88.8" not in html and "Secret street" not in html
        assert "SO-Delta" not in html and other["tracking"] not in html and "Delta" not in html
        for guess in (
            "x" * 32,
            mine["token"][:-1] + ("A" if mine["token"][-1] != "A" else "B"),
            mine["name"],
            mine["tracking"],
        ):
            missed = client.get(f"/track/{guess}")
            assert missed.status_code == 404
            assert "SO-Gamma" not in missed.text and "Kettle" not in missed.text
        zh = client.get(f"/track/{mine['token']}?lang=zh_CN", follow_redirects=True)
        assert zh.status_code == 200 and "预计到达" in zh.text and "已揽收" in zh.text


def _pdf_tool(tool: str, pdf: bytes, tmp_path: Any, *args: str) -> str:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed")
    path = tmp_path / "waybill.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        [tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_waybill_pdf_has_qr_and_cjk(stock_only: Instance, tmp_path: Any) -> None:
    from addons.delivery.services.waybill import waybill_html

    found = _ship(stock_only, "Epsilon 深圳客户")
    manager = make_user(stock_only, "shipper", ["delivery.group_user"], lang="zh_CN")
    with stock_only.unit(manager, readonly=True) as env:
        html = waybill_html(env, env.get("delivery.shipment", found["id"]), BASE_URL)
    assert "data:image/svg+xml" in html
    assert f"{BASE_URL}/track/{found['token']}" in html
    assert "运单" in html and "深圳客户" in html
    with _api(stock_only, manager) as api:
        pdf = api.get(f"/delivery/shipment/{found['id']}/waybill.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        text = _pdf_tool("pdftotext", pdf.content, tmp_path, "-layout")
        assert "运单" in text and found["tracking"] in text and "深圳客户" in text
        assert "CJK" in _pdf_tool("pdffonts", pdf.content, tmp_path)
        link = api.get(f"/delivery/shipment/{found['id']}/track", follow_redirects=False)
        assert link.headers["location"] == f"/track/{found['token']}"


def test_tracking_page_is_rate_limited_per_address(
    stock_only: Instance, monkeypatch: pytest.MonkeyPatch
) -> None:
    from addons.delivery.services.track_limit import ENV_LIMIT, count_view

    mine = _ship(stock_only, "Zeta")
    monkeypatch.setenv(ENV_LIMIT, "3")
    with TestClient(create_app(stock_only), base_url=BASE_URL) as client:
        for _ in range(3):
            assert client.get(f"/track/{mine['token']}").status_code == 200
        refused = client.get(f"/track/{mine['token']}", headers={"Accept-Language": "zh-CN"})
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        assert "SO-Zeta" not in refused.text and "请求" in refused.text
        # guessing counts too: a guessed token is no way around the limit
        assert client.get("/track/" + "x" * 32).status_code == 429
    with stock_only.unit(None, su=True, readonly=True) as env:
        (usage,) = env.session.query(env["delivery.track.usage"]).all()
        assert usage.key_id == "testclient" and usage.count == 5
    # another address has its own count
    assert count_view(stock_only, "203.0.113.9") is None
    assert count_view(stock_only, "testclient") is not None
    monkeypatch.setenv(ENV_LIMIT, "0")  # 0 turns the limit off
    with TestClient(create_app(stock_only), base_url=BASE_URL) as client:
        assert client.get(f"/track/{mine['token']}").status_code == 200

"""The carrier connectors: the reference JSON connector against a fake carrier on loopback
(booking with a label, timeouts, a 5xx retried, a 4xx refusal, status refresh, cancel)
and the built-in manual one. Failures reach the user in their language and write nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from addons.delivery.services.booking import cancel_booking, refresh_status
from addons.delivery.tests.conftest import api_carrier, make_carrier
from addons.delivery.tests.fake_carrier import LABEL, FakeCarrier, fake_carrier
from addons.delivery.tests.test_shipments import _api
from addons.stock.services import receive
from addons.stock.tests.conftest import delivery, make_product
from kernel.instance import Instance
from kernel.testing import MakeInstance, make_user

D = Decimal


@pytest.fixture
def carrier_server() -> Iterator[FakeCarrier]:
    with fake_carrier() as server:
        yield server


@pytest.fixture
def stock_only(make_instance: MakeInstance) -> Instance:
    return make_instance(["stock", "delivery"], demo=False)


def packed_delivery(instance: Instance, carrier_id: int, customer: str = "Chen") -> int:
    """A ready delivery of 2 kettles to Shenzhen in 2 packages, with ``carrier_id``."""
    with instance.unit(None, su=True) as env:
        pid = make_product(env, "Kettle", list_price=D(88))
        receive(env, pid, 10)
        partner = env["res.partner"](name=customer, city="深圳", street="Road 1")
        env.session.add(partner)
        env.session.flush()
        picking = delivery(env, [(pid, 2)], partner_id=partner.id, origin=f"SO-{customer}")
        picking.carrier_id = carrier_id
        Package = env["delivery.package"]
        env.session.add_all(
            [
                Package(picking_id=picking.id, name="1/2", weight=D("1.5"), length=D(30)),
                Package(picking_id=picking.id, name="2/2", weight=D("1.5")),
            ]
        )
        env.session.flush()
        return int(picking.id)


def _validate(instance: Instance, picking_id: int, lang: str = "en") -> Any:
    clerk = make_user(instance, f"clerk_{picking_id}_{lang}", ["stock.group_user"], lang=lang)
    with _api(instance, clerk) as api:
        return api.post(f"/api/v1/stock.picking/{picking_id}/actions/validate")


def _nothing_written(instance: Instance, picking_id: int) -> None:
    with instance.unit(None, su=True, readonly=True) as env:
        assert env.get("stock.picking", picking_id).state != "done"
        assert env.session.query(env["delivery.shipment"]).count() == 0
        assert env.session.query(env["ir.attachment"]).count() == 0


def test_booking_through_the_json_api_stores_number_and_label(
    stock_only: Instance, carrier_server: FakeCarrier
) -> None:
    with stock_only.unit(None, su=True) as env:
        carrier_id = api_carrier(env, carrier_server.url).id
    picking_id = packed_delivery(stock_only, carrier_id)
    done = _validate(stock_only, picking_id)
    assert done.status_code == 200, done.text
    ((method, path, body),) = carrier_server.calls
    assert (method, path) == ("POST", "/v1/shipments")
    assert body is not None and body["order"] == "SO-Chen"
    assert [p["weight_kg"] for p in body["packages"]] == ["1.5000", "1.5000"]
    assert body["recipient"]["city"] == "深圳" and "price" not in str(body)
    with stock_only.unit(None, su=True, readonly=True) as env:
        shipment = env.session.scalars(select(env["delivery.shipment"])).one()
        assert shipment.tracking_number == "FC00000001"
        assert shipment.carrier_reference == "bk-1"
        label = env.session.scalars(select(env["ir.attachment"])).one()
        assert (label.model, label.res_id) == ("delivery.shipment", shipment.id)
        assert label.content == LABEL and label.filename == "label-FC00000001.pdf"


def test_a_server_error_is_retried(stock_only: Instance, carrier_server: FakeCarrier) -> None:
    with stock_only.unit(None, su=True) as env:
        carrier_id = api_carrier(env, carrier_server.url, retries=2).id
    picking_id = packed_delivery(stock_only, carrier_id)
    carrier_server.plan = ["500", "500"]
    done = _validate(stock_only, picking_id)
    assert done.status_code == 200, done.text
    assert len(carrier_server.calls) == 3


def test_a_carrier_down_after_the_retries_is_a_translated_503(
    stock_only: Instance, carrier_server: FakeCarrier
) -> None:
    with stock_only.unit(None, su=True) as env:
        carrier_id = api_carrier(env, carrier_server.url, retries=1).id
    picking_id = packed_delivery(stock_only, carrier_id)
    carrier_server.plan = ["500", "500", "500"]
    refused = _validate(stock_only, picking_id, lang="zh_CN")
    assert refused.status_code == 503, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "Fake carrier" in refused.json()["detail"] and "承运商" in refused.json()["detail"]
    assert len(carrier_server.calls) == 2  # one try and one retry, bounded
    _nothing_written(stock_only, picking_id)


def test_a_timeout_is_bounded_and_named(stock_only: Instance, carrier_server: FakeCarrier) -> None:
    with stock_only.unit(None, su=True) as env:
        carrier_id = api_carrier(env, carrier_server.url, timeout_ms=200, retries=1).id
    picking_id = packed_delivery(stock_only, carrier_id)
    carrier_server.plan = ["slow", "slow"]
    carrier_server.delay = 1.0
    started = dt.datetime.now()
    refused = _validate(stock_only, picking_id)
    assert (dt.datetime.now() - started).total_seconds() < 5
    assert refused.status_code == 503, refused.text
    assert "did not answer within 0.2 s" in refused.json()["detail"]
    _nothing_written(stock_only, picking_id)


def test_a_retry_after_a_timeout_books_once(
    stock_only: Instance, carrier_server: FakeCarrier
) -> None:
    """The first try times out although the carrier books; the retry, with the same
    Idempotency-Key, gets that booking instead of a second one."""
    with stock_only.unit(None, su=True) as env:
        carrier_id = api_carrier(env, carrier_server.url, timeout_ms=200, retries=2).id
    picking_id = packed_delivery(stock_only, carrier_id)
    carrier_server.plan = ["slow"]
    carrier_server.delay = 0.3
    done = _validate(stock_only, picking_id)
    assert done.status_code == 200, done.text
    assert len(carrier_server.calls) >= 2 and list(carrier_server.booked) == ["FC00000001"]
    with stock_only.unit(None, su=True, readonly=True) as env:
        shipment = env.session.scalars(select(env["delivery.shipment"])).one()
        assert shipment.tracking_number == "FC00000001"
        assert set(carrier_server.by_key) == {f"{shipment.picking.name}:{shipment.name}"}


def test_a_refusal_by_the_carrier_is_a_422_with_its_reason(
    stock_only: Instance, carrier_server: FakeCarrier
) -> None:
    with stock_only.unit(None, su=True) as env:
        carrier_id = api_carrier(env, carrier_server.url).id
    picking_id = packed_delivery(stock_only, carrier_id)
    carrier_server.plan = ["400"]
    refused = _validate(stock_only, picking_id)
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert "recipient address incomplete" in problem["detail"] and "carrier_id" in problem["fields"]
    assert len(carrier_server.calls) == 1  # a refusal is not retried
    _nothing_written(stock_only, picking_id)


def test_a_carrier_without_account_is_a_422_naming_the_connector(stock_only: Instance) -> None:
    with stock_only.unit(None, su=True) as env:
        carrier_id = make_carrier(env, "No account", connector="http_json").id
    picking_id = packed_delivery(stock_only, carrier_id)
    refused = _validate(stock_only, picking_id)
    assert refused.status_code == 422 and "connector" in refused.json()["fields"], refused.text


def test_refresh_status_appends_new_events_once(
    stock_only: Instance, carrier_server: FakeCarrier
) -> None:
    with stock_only.unit(None, su=True) as env:
        carrier_id = api_carrier(env, carrier_server.url).id
    picking_id = packed_delivery(stock_only, carrier_id)
    assert _validate(stock_only, picking_id).status_code == 200
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    later = (soon + dt.timedelta(hours=1)).astimezone(dt.timezone(dt.timedelta(hours=8)))
    carrier_server.events["FC00000001"] = [
        {"id": "e1", "kind": "in_transit", "time": soon.isoformat(), "location": "深圳"},
        {"id": "e2", "kind": "out_for_delivery", "time": later.isoformat()},
    ]
    clerk = make_user(stock_only, "logistics", ["delivery.group_user"])
    with stock_only.unit(None, su=True, readonly=True) as env:
        shipment_id = env.session.scalars(select(env["delivery.shipment"].id)).one()
    with _api(stock_only, clerk) as api:
        for _ in range(2):  # the second refresh finds nothing new
            done = api.post(f"/api/v1/delivery.shipment/{shipment_id}/actions/refresh_status")
            assert done.status_code == 200, done.text
        shipment = api.get(f"/api/v1/delivery.shipment/{shipment_id}").json()
    assert shipment["status"] == "out_for_delivery"
    with stock_only.unit(None, su=True, readonly=True) as env:
        kinds = [e.kind for e in env.get("delivery.shipment", shipment_id).events]
        assert kinds == ["picked_up", "in_transit", "out_for_delivery"]


def test_cancel_and_the_manual_connector(stock_only: Instance, carrier_server: FakeCarrier) -> None:
    with stock_only.unit(None, su=True) as env:
        carrier_id = api_carrier(env, carrier_server.url).id
        own_id = make_carrier(env, "Own fleet", code="OWN").id
    first = packed_delivery(stock_only, carrier_id, "Ann")
    second = packed_delivery(stock_only, own_id, "Bo")
    assert _validate(stock_only, first).status_code == 200
    assert _validate(stock_only, second).status_code == 200
    with stock_only.unit(None, su=True) as env:
        Shipment = env["delivery.shipment"]
        api_shipment = env.session.scalars(
            select(Shipment).where(Shipment.picking_id == first)
        ).one()
        own = env.session.scalars(select(Shipment).where(Shipment.picking_id == second)).one()
        assert own.tracking_number.startswith("OWN") and own.carrier_reference == ""
        assert refresh_status(env, own) == []  # staff keep the own fleet's timeline
        cancel_booking(env, api_shipment)
        cancel_booking(env, own)
    assert carrier_server.cancelled == {"FC00000001"}
    assert len(carrier_server.calls) == 2  # booking + cancel: the own fleet called nobody

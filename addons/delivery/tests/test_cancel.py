"""Cancel a shipment before the carrier moved it: the booking is cancelled with the carrier
(connector hook, the fake carrier here), the goods come back on a return receipt; once the
carrier reports the goods moving, Cancel is refused. Through the JSON API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from addons.delivery.tests.conftest import api_carrier
from addons.delivery.tests.fake_carrier import FakeCarrier, fake_carrier
from addons.delivery.tests.test_connectors import _validate, packed_delivery
from addons.delivery.tests.test_shipments import _api
from kernel.instance import Instance
from kernel.testing import MakeInstance, make_user


@pytest.fixture
def booked(make_instance: MakeInstance) -> Iterator[tuple[Instance, FakeCarrier, list[int]]]:
    """Two deliveries booked with the fake carrier: (instance, carrier, shipment ids)."""
    instance = make_instance(["stock", "delivery"], demo=False)
    with fake_carrier() as server:
        with instance.unit(None, su=True) as env:
            carrier_id = api_carrier(env, server.url).id
        for customer in ("Ann", "Bo"):
            assert (
                _validate(instance, packed_delivery(instance, carrier_id, customer)).status_code
                == 200
            )
        with instance.unit(None, su=True, readonly=True) as env:
            ids = list(env.session.scalars(select(env["delivery.shipment"].id).order_by("id")))
        yield instance, server, ids


def test_cancel_before_pickup_through_the_api(
    booked: tuple[Instance, FakeCarrier, list[int]],
) -> None:
    instance, server, (first, second) = booked
    clerk = make_user(instance, "clerk", ["delivery.group_user"], lang="zh_CN")
    with _api(instance, clerk) as api:
        unexplained = api.post(f"/api/v1/delivery.shipment/{first}/actions/cancel")
        assert unexplained.status_code == 422 and "reason" in unexplained.json()["fields"]
        done = api.post(
            f"/api/v1/delivery.shipment/{first}/actions/cancel", json={"reason": "客户改期"}
        )
        assert done.status_code == 200, done.text
        assert done.json()["state"] == "cancelled" and done.json()["return_picking_id"]
        # the carrier moved the second one: too late to cancel
        made = api.post(
            "/api/v1/delivery.tracking.event", json={"shipment_id": second, "kind": "in_transit"}
        )
        assert made.status_code == 201, made.text
        late = api.post(
            f"/api/v1/delivery.shipment/{second}/actions/cancel", json={"reason": "too late"}
        )
        assert late.status_code in (409, 422), late.text
        assert api.patch(f"/api/v1/delivery.shipment/{first}", json={"note": "x"}).status_code in (
            409,
            422,
        )
    assert server.cancelled == {"FC00000001"}
    with instance.unit(None, su=True, readonly=True) as env:
        shipment = env.get("delivery.shipment", first)
        back = shipment.return_picking
        assert back.picking_type == "incoming" and back.state == "ready" and back.note == "客户改期"
        assert [m.product_qty for m in back.moves] == [
            m.product_qty for m in shipment.picking.moves
        ]
        assert env.get("delivery.shipment", second).state == "shipped"


def test_a_carrier_refusing_to_cancel_keeps_the_shipment(
    booked: tuple[Instance, FakeCarrier, list[int]],
) -> None:
    instance, server, (first, _second) = booked
    server.plan = ["400"]
    clerk = make_user(instance, "clerk", ["delivery.group_user"])
    with _api(instance, clerk) as api:
        refused = api.post(
            f"/api/v1/delivery.shipment/{first}/actions/cancel", json={"reason": "changed mind"}
        )
        assert refused.status_code == 422 and "recipient address incomplete" in refused.text
    with instance.unit(None, su=True, readonly=True) as env:
        shipment = env.get("delivery.shipment", first)
        assert shipment.state == "shipped" and shipment.return_picking_id is None
        assert (
            env.session.query(env["stock.picking"]).filter_by(picking_type="incoming").count() == 0
        )

"""The carriers' webhook: signed events join the timeline once; a bad signature, a replayed
event, an unknown shipment (or carrier) and a malformed body are 4xx problem+json and leave
the database exactly as it was."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import select

from addons.delivery.services.webhook import SIGNATURE_HEADER, sign
from addons.delivery.tests.conftest import api_carrier
from addons.delivery.tests.fake_carrier import FakeCarrier, fake_carrier
from addons.delivery.tests.test_connectors import _validate, packed_delivery
from kernel.instance import Instance
from kernel.testing import MakeInstance
from kernel.web.app import create_app

SECRET = "whsec-test"


@pytest.fixture
def shipped(make_instance: MakeInstance) -> Iterator[tuple[Instance, int, int]]:
    """(instance, carrier id, shipment id) of a delivery booked with the fake carrier."""
    instance = make_instance(["stock", "delivery"], demo=False)
    server: FakeCarrier
    with fake_carrier() as server:
        with instance.unit(None, su=True) as env:
            carrier_id = api_carrier(env, server.url, webhook_secret=SECRET).id
        picking_id = packed_delivery(instance, carrier_id)
        assert _validate(instance, picking_id).status_code == 200
    with instance.unit(None, su=True, readonly=True) as env:
        shipment_id = env.session.scalars(select(env["delivery.shipment"].id)).one()
    yield instance, carrier_id, shipment_id


def event(event_id: str, kind: str, hours: int = 1, number: str = "FC00000001") -> bytes:
    moment = dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)
    return json.dumps(
        {
            "id": event_id,
            "tracking_number": number,
            "kind": kind,
            "time": moment.isoformat(),
            "location": "广州转运中心",
        }
    ).encode()


def post(client: TestClient[Any], carrier_id: int, body: bytes, secret: str = SECRET) -> Any:
    return client.post(
        f"/api/delivery/webhook/{carrier_id}",
        content=body,
        headers={SIGNATURE_HEADER: sign(secret, body), "Content-Type": "application/json"},
    )


def snapshot(instance: Instance) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: "nothing written" means this does not change."""
    with instance.unit(None, su=True, readonly=True) as env:
        return {
            table.name: sorted(
                (tuple(map(repr, row)) for row in env.session.execute(select(table))), key=str
            )
            for table in env.registry.metadata.sorted_tables
        }


def test_signed_events_build_the_timeline(shipped: tuple[Instance, int, int]) -> None:
    instance, carrier_id, shipment_id = shipped
    with TestClient(create_app(instance), base_url="http://suanpan.localhost") as client:
        for number, kind in enumerate(("in_transit", "out_for_delivery", "delivered"), 1):
            answer = post(client, carrier_id, event(f"evt-{number}", kind, hours=number))
            assert answer.status_code == 201, answer.text
            assert answer.json()["shipment_id"] == shipment_id
    with instance.unit(None, su=True, readonly=True) as env:
        shipment = env.get("delivery.shipment", shipment_id)
        assert [e.kind for e in shipment.events] == [
            "picked_up",
            "in_transit",
            "out_for_delivery",
            "delivered",
        ]
        assert shipment.status == "delivered" and shipment.events[1].location == "广州转运中心"


@pytest.mark.parametrize(
    ("case", "status", "field"),
    [
        ("bad_signature", 403, SIGNATURE_HEADER),
        ("no_signature", 403, SIGNATURE_HEADER),
        ("replay", 409, "id"),
        ("unknown_shipment", 404, "tracking_number"),
        ("unknown_carrier", 404, None),
        ("unknown_kind", 422, "kind"),
        ("not_json", 422, "body"),
        ("no_time", 422, "time"),
    ],
)
def test_refusals_write_nothing(
    shipped: tuple[Instance, int, int], case: str, status: int, field: str | None
) -> None:
    instance, carrier_id, _shipment_id = shipped
    with TestClient(create_app(instance), base_url="http://suanpan.localhost") as client:
        assert post(client, carrier_id, event("evt-1", "in_transit")).status_code == 201
        before = snapshot(instance)
        body = event("evt-2", "out_for_delivery")
        if case == "bad_signature":
            answer = post(client, carrier_id, body, secret="guessed")
        elif case == "no_signature":
            answer = client.post(f"/api/delivery/webhook/{carrier_id}", content=body)
        elif case == "replay":
            answer = post(client, carrier_id, event("evt-1", "in_transit"))
        elif case == "unknown_shipment":
            answer = post(client, carrier_id, event("evt-2", "in_transit", number="FC99"))
        elif case == "unknown_carrier":
            answer = post(client, carrier_id + 100, body)
        elif case == "unknown_kind":
            answer = post(client, carrier_id, body.replace(b"out_for_delivery", b"teleported"))
        elif case == "not_json":
            answer = post(client, carrier_id, b"{not json")
        else:
            data = json.loads(body)
            del data["time"]
            answer = post(client, carrier_id, json.dumps(data).encode())
        assert answer.status_code == status, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        if field is not None:
            assert field in answer.json()["fields"], answer.json()
        assert snapshot(instance) == before

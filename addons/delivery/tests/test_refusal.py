"""Partial acceptance and refusal at sign-off, through the JSON API and the shipment form:
the refused goods come back on a confirmed return receipt; a refusal needs a reason and
cannot exceed what was delivered."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from litestar.testing import TestClient
from sqlalchemy import select

from addons.delivery.tests.test_shipments import BASE_URL, _api, _ship, stock_only  # noqa: F401
from kernel.instance import Instance
from kernel.testing import make_user
from kernel.web.app import create_app

D = Decimal


def _product_of(instance: Instance, shipment_id: int) -> int:
    with instance.unit(None, su=True, readonly=True) as env:
        shipment = env.get("delivery.shipment", shipment_id)
        return int(shipment.picking.moves[0].product_id)


def _return_of(instance: Instance, shipment_id: int) -> dict[str, Any]:
    with instance.unit(None, su=True, readonly=True) as env:
        shipment = env.get("delivery.shipment", shipment_id)
        back = shipment.return_picking
        assert back is not None
        return {
            "type": back.picking_type,
            "state": back.state,
            "origin": (back.origin_model, back.origin_id, back.origin),
            "moves": [(m.product_id, m.product_qty) for m in back.moves],
            "from_customer": back.location_id == shipment.picking.location_dest_id,
            "note": back.note,
            "shipment_state": shipment.state,
        }


def test_partial_acceptance_through_the_api(stock_only: Instance) -> None:  # noqa: F811
    found = _ship(stock_only, "Eta")
    product_id = _product_of(stock_only, found["id"])
    clerk = make_user(stock_only, "driver", ["delivery.group_user"], lang="zh_CN")
    url = f"/api/v1/delivery.shipment/{found['id']}"
    with _api(stock_only, clerk) as api:
        too_many = api.patch(
            url,
            json={
                "signer_name": "刘先生",
                "refusal_reason": "包装破损",
                "refusals": [{"product_id": product_id, "quantity": "4"}],
            },
        )
        assert too_many.status_code == 200, too_many.text  # checked when signing
        refused = api.post(f"{url}/actions/sign")
        assert refused.status_code == 422, refused.text
        assert "refusals.0.quantity" in refused.json()["fields"]
        assert "拒收" in refused.json()["detail"]
        no_reason = api.patch(
            url,
            json={"refusal_reason": "", "refusals": [{"product_id": product_id, "quantity": "1"}]},
        )
        assert no_reason.status_code == 200, no_reason.text
        unexplained = api.post(f"{url}/actions/sign")
        assert unexplained.status_code in (409, 422) and "拒收原因" in unexplained.text
        assert api.patch(url, json={"refusal_reason": "包装破损"}).status_code == 200
        signed = api.post(f"{url}/actions/sign")
        assert signed.status_code == 200, signed.text
        assert signed.json()["state"] == "signed" and signed.json()["return_picking_id"]
    back = _return_of(stock_only, found["id"])
    assert back["type"] == "incoming" and back["state"] == "ready" and back["from_customer"]
    assert back["origin"][:2] == ("delivery.shipment", found["id"])
    assert back["moves"] == [(product_id, D(1))] and back["note"] == "包装破损"


def test_refusal_of_everything_on_the_shipment_form(stock_only: Instance) -> None:  # noqa: F811
    found = _ship(stock_only, "Theta")
    product_id = _product_of(stock_only, found["id"])
    make_user(stock_only, "clerk", ["delivery.group_user"])
    with TestClient(create_app(stock_only), base_url=BASE_URL) as client:
        client.get("/login")
        client.post(
            "/login",
            data={
                "login": "clerk",
                "password": "pw",
                "_csrf_token": client.cookies.get("csrftoken"),
            },
        )
        form = client.get(f"/app/shipments/{found['id']}")
        assert form.status_code == 200 and "Refused goods" in form.text
        token = re.search(r'name="_csrf_token" value="([^"]+)"', form.text)
        assert token
        saved = client.post(
            f"/app/shipments/{found['id']}",
            data={
                "_csrf_token": token.group(1),
                "signer_name": "Mr Liu",
                "refusal_reason": "Ordered by mistake",
                "lines-refusals-present": "1",
                "lines-refusals-0-product_id": str(product_id),
                "lines-refusals-0-quantity": "3",
            },
            follow_redirects=False,
        )
        assert saved.status_code == 303, saved.text[:500]
        signed = client.post(
            f"/app/shipments/{found['id']}/action/sign",
            data={"_csrf_token": token.group(1)},
            follow_redirects=False,
        )
        assert signed.status_code == 303, signed.text[:500]
    back = _return_of(stock_only, found["id"])
    assert back["shipment_state"] == "signed"
    assert back["moves"] == [(product_id, D(3))] and back["note"] == "Ordered by mistake"
    with stock_only.unit(None, su=True, readonly=True) as env:
        Picking = env["stock.picking"]
        assert env.session.scalars(
            select(Picking.id).where(Picking.origin_model == "delivery.shipment")
        ).all() == [env.get("delivery.shipment", found["id"]).return_picking_id]

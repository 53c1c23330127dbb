"""Quants and reservations change only through the stock services (system policy).

A stock user may receive, reserve and ship goods, which rewrites quants and
reservations; the same user patching a quant or a reservation through the JSON
API is refused (403), so stock never differs from the done moves.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from litestar.testing import TestClient
from sqlalchemy import select

from addons.stock.services import receive, validate_picking
from addons.stock.tests.conftest import delivery, make_product, on_hand
from kernel.apikeys import create_api_key
from kernel.instance import Instance
from kernel.testing import make_user
from kernel.web.app import create_app

D = Decimal


def _client(instance: Instance, uid: int) -> TestClient[Any]:
    with instance.unit(None, su=True) as env:
        key = create_api_key(env, uid, "tests")
    client = TestClient(create_app(instance), base_url="http://suanpan.localhost")
    client.headers["Authorization"] = f"Bearer {key}"
    return client


def test_stock_user_moves_goods_but_cannot_patch_quants_or_reservations(stock: Instance) -> None:
    clerk = make_user(stock, "clerk", ["stock.group_manager"])
    with stock.unit(clerk) as env:  # the services run as the user, not as sudo
        pid = make_product(env, "Widget")
        receive(env, pid, 10)
        picking = delivery(env, [(pid, 4)])
        assert picking.state == "ready"
        Quant, Reservation = env["stock.quant"], env["stock.reservation"]
        quant_id = env.session.scalar(
            select(Quant.id).where(Quant.product_id == pid, Quant.reserved_quantity == 4)
        )
        reservation_id = env.session.scalar(select(Reservation.id))
        picking_id = picking.id
    with _client(stock, clerk) as api:
        assert api.get(f"/api/v1/stock.quant/{quant_id}").status_code == 200
        for method, url, body in (
            ("patch", f"/api/v1/stock.quant/{quant_id}", {"quantity": "1000"}),
            ("patch", f"/api/v1/stock.quant/{quant_id}", {}),
            ("post", "/api/v1/stock.quant", {"product_id": pid, "location_id": 1}),
            ("delete", f"/api/v1/stock.quant/{quant_id}", None),
            ("patch", f"/api/v1/stock.reservation/{reservation_id}", {"quantity": "0"}),
            ("delete", f"/api/v1/stock.reservation/{reservation_id}", None),
            ("post", "/api/v1/stock.reservation", {"quant_id": quant_id, "quantity": "1"}),
        ):
            kwargs = {"json": body} if body is not None else {}
            answer = getattr(api, method)(url, **kwargs)
            assert answer.status_code == 403, (method, url, answer.text)
            assert answer.headers["content-type"].startswith("application/problem+json")
    with stock.unit(clerk) as env:
        assert on_hand(env, pid) == D(10)  # nothing above changed a figure
        assert validate_picking(env, env.get("stock.picking", picking_id)) is None
        assert on_hand(env, pid) == D(6)

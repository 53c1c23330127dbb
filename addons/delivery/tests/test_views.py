"""Delivery screens render for their users (both languages) and the board filters work."""

from __future__ import annotations

from litestar.testing import TestClient

from addons.delivery.tests.test_shipments import _ship
from kernel.testing import MakeInstance, make_user
from kernel.web.app import create_app


def _signed_in(instance, login: str) -> TestClient:  # type: ignore[no-untyped-def]
    client = TestClient(create_app(instance), base_url="http://suanpan.localhost")
    client.__enter__()
    client.get("/login")
    client.post(
        "/login",
        data={"login": login, "password": "pw", "_csrf_token": client.cookies.get("csrftoken")},
    )
    return client


def test_screens_and_board(make_instance: MakeInstance) -> None:
    instance = make_instance(["stock", "delivery"], demo=True)
    found = _ship(instance, "Omega")
    make_user(instance, "boss", ["delivery.group_manager"], lang="zh_CN")
    make_user(instance, "clerk", ["delivery.group_user"])
    boss = _signed_in(instance, "boss")
    clerk = _signed_in(instance, "clerk")
    try:
        for url, text in (
            ("/app/carriers", "顺丰速运"),
            ("/app/shipping-price-rules", "运费规则"),
            ("/app/delivery-calendar", "春节"),
            ("/app/shipments", found["tracking"]),
            (f"/app/shipments/{found['id']}", "登记签收"),
            (f"/app/shipments/{found['id']}", "刷新状态"),
            (f"/app/shipments/{found['id']}", "拒收货物"),
            ("/app/carrier-accounts", "承运商账户"),
            ("/app/carrier-accounts/new", "Webhook 密钥"),
            ("/app/packages", "包裹"),
        ):
            page = boss.get(url)
            assert page.status_code == 200, url
            assert text in page.text, url
        board = clerk.get("/app/shipments?f=in_transit")
        assert board.status_code == 200 and found["tracking"] in board.text
        assert found["tracking"] not in clerk.get("/app/shipments?f=to_sign").text
        assert "Record signature" in clerk.get(f"/app/shipments/{found['id']}").text
        # carriers are for managers
        assert clerk.get("/app/carriers/new").status_code in (403, 404)
        # carrier accounts hold secrets: not even listed for clerks
        assert clerk.get("/app/carrier-accounts").status_code in (403, 404)
    finally:
        boss.__exit__(None, None, None)
        clerk.__exit__(None, None, None)

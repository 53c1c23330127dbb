"""Manufacturing screens render for their users in both languages, and the buttons work."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient
from sqlalchemy import select

from kernel.testing import make_user
from kernel.web.app import create_app


def _signed_in(instance: Any, login: str) -> TestClient[Any]:
    client = TestClient(create_app(instance), base_url="http://suanpan.localhost")
    client.__enter__()
    client.get("/login")
    client.post(
        "/login",
        data={"login": login, "password": "pw", "_csrf_token": client.cookies.get("csrftoken")},
    )
    return client


def test_screens_and_buttons_in_both_languages(make_instance: Any) -> None:
    instance = make_instance(["mrp"], demo=True)
    make_user(instance, "chef", ["mrp.group_manager"], lang="zh_CN")
    make_user(instance, "worker", ["mrp.group_user"])
    with instance.unit(None, su=True) as env:
        waiting = env.ref("mrp.demo_production_waiting")
        done = env.ref("mrp.demo_production_done")
        table_bom = env.ref("mrp.demo_bom_table")
        waiting_id, done_id, bom_id = waiting.id, done.id, table_bom.id
        Production = env["mrp.production"]
        ready = env.session.scalar(
            select(Production).where(
                Production.state == "confirmed", Production.component_status == "available"
            )
        )
        ready_id = ready.id
        table = env.ref("mrp.demo_dining_table").id
    chef = _signed_in(instance, "chef")
    worker = _signed_in(instance, "worker")
    try:
        for url, text in (
            ("/app/mrp/productions", "生产订单"),
            (f"/app/mrp/productions/{waiting_id}", "部分可用"),
            (f"/app/mrp/productions/{done_id}", "材料成本"),
            ("/app/mrp/boms", "物料清单"),
            (f"/app/mrp/boms/{bom_id}", "橡木桌腿"),
            # the structure: legs expanded into board, and the cost roll-up of one table
            # (3.15 m + 3.96 m of board at 80, 0.17 kg of glue at 30, 16.8 screws at 0.20)
            (f"/app/mrp/boms/{bom_id}", "结构与成本"),
            (f"/app/mrp/boms/{bom_id}", "577.26"),
            (f"/app/products/{table}", "供应路线"),
        ):
            page = chef.get(url)
            assert page.status_code == 200, url
            assert text in page.text, url
        page = worker.get(f"/app/mrp/productions/{ready_id}")
        assert page.status_code == 200 and "Mark as done" in page.text
        assert worker.get("/app/mrp/productions?f=waiting").status_code == 200
        token = worker.cookies.get("csrftoken")
        answer = worker.post(
            f"/app/mrp/productions/{ready_id}/action/produce",
            data={"_csrf_token": token},
            follow_redirects=False,
        )
        assert answer.status_code in (303, 302), answer.text
    finally:
        chef.__exit__(None, None, None)
        worker.__exit__(None, None, None)
    with instance.unit(None, su=True) as env:
        assert env.get("mrp.production", ready_id).state == "done"

"""The printable production order with its pick list: a real bilingual PDF, only for
users allowed to read production orders."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from addons.mrp.services.pdf import production_html, render_production_pdf
from addons.mrp.services.production import create_production
from addons.mrp.tests.conftest import D, bom, product, stock_in
from kernel import workflow
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


def test_production_order_prints_its_pick_list_in_both_languages(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    make_user(instance, "worker", ["mrp.group_user"], lang="zh_CN")
    make_user(instance, "clerk", ["stock.group_user"])
    with instance.unit(None, su=True) as env:
        board = product(env, "Oak board", uom="uom_m", name_zh="橡木板材", default_code="OAK-1")
        table = product(env, "Table", route="make", name_zh="餐桌")
        bill = bom(env, table, [(board, "2.5")], code="TBL")
        bill.quality_points = [env["mrp.quality.point"](name="桌面平整", instructions="用直尺检查")]
        stock_in(env, {board: 10})
        mo = create_production(env, table, D(2))
        workflow.fire(env, mo, "confirm")
        mo_id = mo.id
        env.lang = "zh_CN"  # type: ignore[misc]
        html = production_html(env, mo)
        assert "领料单" in html and "Pick list" in html  # both languages
        assert "橡木板材" in html and "[OAK-1]" in html and ">5<" in html
        # the inspector's checklist: the bill's inspection points, labelled in both languages
        assert "检验点" in html and "Inspection points" in html
        assert "桌面平整" in html and "用直尺检查" in html
        assert render_production_pdf(env, mo).startswith(b"%PDF")
    worker = _signed_in(instance, "worker")
    clerk = _signed_in(instance, "clerk")
    try:
        page = worker.get(f"/mrp/production/{mo_id}/pdf")
        assert page.status_code == 200 and page.content.startswith(b"%PDF")
        assert page.headers["content-type"].startswith("application/pdf")
        assert clerk.get(f"/mrp/production/{mo_id}/pdf").status_code == 403
    finally:
        worker.__exit__(None, None, None)
        clerk.__exit__(None, None, None)

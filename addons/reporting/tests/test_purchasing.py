"""Purchase analysis on orders with known amounts, promised dates and receipts."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import update

from addons.purchase.tests.conftest import make_goods
from addons.reporting.tests.test_inventory import _client
from kernel.instance import Instance
from kernel.testing import MakeInstance, make_user

D = Decimal
YEAR = {"date_from": "2026-01-01", "date_to": "2026-12-31"}


@pytest.fixture
def buying(make_instance: MakeInstance) -> tuple[Instance, dict[str, Any]]:
    from addons.purchase.services import orders
    from addons.purchase.services.receipts import receipts_of
    from addons.stock.services.pickings import validate_picking

    instance = make_instance(["reporting", "purchase"])
    ids = make_goods(instance)
    ids["outsider"] = make_user(instance, "nobody", [])
    p0, p1 = ids["products"]
    # (supplier, ordered, promised, [(product, qty, price)], received on, confirmed)
    plan = [
        (
            "supplier",
            dt.date(2026, 1, 10),
            dt.date(2026, 1, 20),
            [(p0, "10", "9.50")],
            dt.date(2026, 1, 18),
            True,
        ),
        (
            "supplier",
            dt.date(2026, 2, 1),
            dt.date(2026, 2, 10),
            [(p1, "100", "8.80")],
            dt.date(2026, 2, 15),
            True,
        ),
        ("other", dt.date(2026, 3, 1), dt.date(2026, 3, 5), [(p0, "5", "12.00")], None, True),
        ("other", dt.date(2026, 3, 20), dt.date(2026, 12, 20), [(p1, "1", "7.00")], None, True),
        (
            "supplier",
            dt.date(2026, 3, 21),
            dt.date(2026, 3, 25),
            [(p0, "100", "10.00")],
            None,
            False,
        ),
    ]
    with instance.unit(ids["manager"]) as env:
        for who, ordered, promised, lines, received, confirmed in plan:
            order = orders.create_order(
                env,
                ids[who],
                [{"product_id": p, "quantity": D(q), "price_unit": D(u)} for p, q, u in lines],
                date_order=ordered,
                expected_date=promised,
            )
            if not confirmed:
                continue
            orders.confirm(env, order)
            if received is None:
                continue
            [picking] = receipts_of(env, order)
            validate_picking(env, picking)
            table = env["stock.picking"].__table__
            at = dt.datetime.combine(received, dt.time(9), tzinfo=dt.UTC)
            env.session.execute(update(table).where(table.c.id == picking.id).values(date_done=at))
    return instance, ids


def test_spend_and_on_time_rates(buying: tuple[Instance, dict[str, Any]]) -> None:
    instance, ids = buying
    response = _client(instance, ids["buyer"]).get("/api/v1/reporting/purchase", params=YEAR)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["totals"] == {"CNY": "1042.0000"}  # the draft order stays out
    assert [(s["name"], s["spend"], s["orders"]) for s in data["suppliers"]] == [
        ("华东纺织有限公司", "975.0000", 2),
        ("Shenzhen Parts Ltd", "67.0000", 2),
    ]
    products = {p["product_id"]: p for p in data["products"]}
    p0, p1 = ids["products"]
    assert (products[p0]["spend"], D(products[p0]["quantity"]), products[p0]["lines"]) == (
        "155.0000",
        15,
        2,
    )
    assert (products[p1]["spend"], D(products[p1]["quantity"])) == ("887.0000", 101)
    rates = {r["partner_id"]: r for r in data["on_time"]}
    supplier, other = rates[ids["supplier"]], rates[ids["other"]]
    # received on 18 Jan for 20 Jan (on time), on 15 Feb for 10 Feb (late)
    assert (supplier["on_time"], supplier["late"], supplier["pending"], supplier["rate_pct"]) == (
        1,
        1,
        0,
        "50.0",
    )
    # due 5 March and never received (late); due 20 December (pending)
    assert (other["on_time"], other["late"], other["pending"], other["rate_pct"]) == (
        0,
        1,
        1,
        "0.0",
    )
    first_quarter = (
        _client(instance, ids["buyer"])
        .get(
            "/api/v1/reporting/purchase",
            params={"date_from": "2026-01-01", "date_to": "2026-01-31"},
        )
        .json()
    )
    assert [r["rate_pct"] for r in first_quarter["on_time"]] == ["100.0"]


def test_purchase_screen_export_and_access(buying: tuple[Instance, dict[str, Any]]) -> None:
    instance, ids = buying
    zh = _client(instance, ids["buyer"], "zh_CN", cookie=True).get(
        "/reporting/purchase", params=YEAR
    )
    assert zh.status_code == 200 and "采购分析" in zh.text and "50.0%" in zh.text
    xlsx = _client(instance, ids["buyer"], cookie=True).get("/reporting/purchase/xlsx", params=YEAR)
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content)).get_sheet_by_index(0).to_python()
    )
    assert ["华东纺织有限公司", "CNY", 975.0, 2.0] in [row[:4] for row in rows]
    bad = _client(instance, ids["buyer"]).get(
        "/api/v1/reporting/purchase", params={"date_to": "soon"}
    )
    assert bad.status_code == 422 and "date_to" in bad.json()["fields"]
    assert _client(instance, ids["outsider"]).get("/api/v1/reporting/purchase").status_code == 403


def test_purchasing_home_widget(buying: tuple[Instance, dict[str, Any]]) -> None:
    from addons.reporting.analyses.role_widgets import render_purchasing

    instance, ids = buying
    with instance.unit(ids["buyer"], readonly=True) as env:
        html = str(render_purchasing(env, today=dt.date(2026, 3, 31)))
    # January to March: 1,042 spent; due 20 Jan (on time), 10 Feb and 5 Mar (late)
    assert "CN¥1,042.00" in html and "33.3%" in html and ">2<" in html
    home = _client(instance, ids["buyer"], cookie=True).get("/")
    assert "Purchasing key figures" in home.text


def test_purchasing_dashboard(buying: tuple[Instance, dict[str, Any]]) -> None:
    instance, ids = buying
    api = _client(instance, ids["buyer"])
    response = api.get("/api/v1/reporting/dashboard/purchasing", params={"today": "2026-03-31"})
    assert response.status_code == 200, response.text[:500]
    data = response.json()
    figures = {f["label"]: f["value"] for f in data["figures"]}
    # the same figures as the purchase analysis over the 90 days to 31 March
    assert figures["Spend (90 days) · CNY"] == "CN¥1,042.00"
    assert figures["Supplier on-time rate"] == "33.3%" and figures["Late purchase orders"] == "2"
    alerts = {a["key"]: a for a in data["alerts"]}
    assert alerts["reporting.late_purchases"]["count"] == 2
    spend = data["charts"][0]["chart"]
    assert sum(D(v) for s in spend["series"] for v in s["data"]) == D("1042.00")
    zh = _client(instance, ids["buyer"], "zh_CN", cookie=True)
    page = zh.get("/reporting/dashboard/purchasing", params={"today": "2026-03-31"})
    assert page.status_code == 200 and "采购看板" in page.text and "¥1,042.00" in page.text
    assert api.get("/api/v1/reporting/dashboard/sales").status_code == 404  # no sales_order
    assert (
        _client(instance, ids["outsider"]).get("/api/v1/reporting/dashboard/purchasing").status_code
        == 403
    )

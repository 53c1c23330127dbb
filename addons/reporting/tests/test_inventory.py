"""Inventory analysis on moves with known dates and costs, worked out by hand."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import update

from addons.reporting.tests.conftest import BASE_URL
from kernel.apikeys import create_api_key
from kernel.instance import Instance
from kernel.testing import MakeInstance, make_user

D = Decimal
RANGE = {"date_from": "2026-01-01", "date_to": "2026-03-31"}


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC)


@pytest.fixture
def stockroom(make_instance: MakeInstance) -> tuple[Instance, dict[str, int]]:
    """Pump (cost 10, Hardware): +100 on 5 Jan, −30 to a customer on 10 Feb, then after
    the range −20 on 15 Apr and +10 on 20 Apr. Valve (cost 4, Parts): +5 on 1 Mar."""
    from addons.stock.services.done import do_moves
    from addons.stock.services.locations import virtual_location, warehouse_location
    from addons.stock.services.moves import new_move
    from addons.stock.services.receive import receive

    instance = make_instance(["reporting", "stock"])
    ids: dict[str, int] = {}
    ids["keeper"] = make_user(instance, "keeper", ["stock.group_user"])
    ids["outsider"] = make_user(instance, "nobody", [])  # no employee rights
    with instance.unit(None, su=True) as env:
        unit = env.ref("base.uom_unit").id
        for name, cost, category in (("Pump", "10", "Hardware"), ("Valve", "4", "Parts")):
            cat = env["product.category"](name=category)
            env.session.add(cat)
            env.session.flush()
            product = env["product.product"](
                name=name, type="stockable", uom_id=unit, standard_price=D(cost), category_id=cat.id
            )
            env.session.add(product)
            env.session.flush()
            ids[name] = product.id
        stock = warehouse_location(env, env.ref("stock.warehouse_main").id, "stock")
        customer = virtual_location(env, "customer")

        def deliver(product_id: int, quantity: str) -> Any:
            product = env.get("product.product", product_id)
            move = new_move(env, product, D(quantity), stock.id, customer.id)
            env.session.add(move)
            env.session.flush()
            do_moves(env, [move])
            return move

        for move, day in (
            (receive(env, ids["Pump"], "100", price_unit=D(10)), dt.date(2026, 1, 5)),
            (deliver(ids["Pump"], "30"), dt.date(2026, 2, 10)),
            (deliver(ids["Pump"], "20"), dt.date(2026, 4, 15)),
            (receive(env, ids["Pump"], "10", price_unit=D(10)), dt.date(2026, 4, 20)),
            (receive(env, ids["Valve"], "5", price_unit=D(4)), dt.date(2026, 3, 1)),
        ):
            # back-date the done move (immutable through the ORM): a test-only Core update
            table = env["stock.move"].__table__
            env.session.execute(
                update(table).where(table.c.id == move.id).values(date_done=_at(day))
            )
        env.session.flush()
    return instance, ids


def _client(instance: Instance, uid: int, lang: str = "en", cookie: bool = False) -> Any:
    from litestar.testing import TestClient

    from kernel.web.app import create_app
    from kernel.web.sessions import COOKIE_NAME, create_session

    with instance.unit(None, su=True) as env:
        env.get("res.user", uid).lang = lang
        key = create_api_key(env, uid, "tests")
    client = TestClient(create_app(instance), base_url=BASE_URL)
    if cookie:
        client.cookies.set(COOKIE_NAME, create_session(instance, uid))
    else:
        client.headers["Authorization"] = f"Bearer {key}"
    client.headers["Accept-Language"] = lang
    return client


def test_inventory_figures(stockroom: tuple[Instance, dict[str, int]]) -> None:
    instance, ids = stockroom
    api = _client(instance, ids["keeper"])
    response = api.get("/api/v1/reporting/inventory", params=RANGE)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["currency"] == "CNY"
    lines = {line["label"]: line for line in data["lines"]}
    pump, valve = lines["Pump"], lines["Valve"]
    # at the end of March: 100 − 30 = 70 pumps worth 700; nothing at the start
    assert D(pump["on_hand"]) == 70 and D(pump["value_end"]) == 700
    assert D(pump["value_start"]) == 0 and D(pump["average_value"]) == 350
    assert D(pump["delivered"]) == 30 and D(pump["cogs"]) == 300
    assert pump["turnover"] == "0.86"  # 300 ÷ 350
    assert pump["days_of_supply"] == "210.0"  # 70 left ÷ (30 in 90 days)
    assert pump["last_delivery"] == "2026-02-10"
    assert pump["slow"] is True  # 210 days of supply > 180
    assert D(valve["value_end"]) == 20 and valve["turnover"] == "0.00"
    assert valve["days_of_supply"] is None and valve["slow"] is True  # never delivered
    assert D(data["totals"]["value_end"]) == 720 and D(data["totals"]["cogs"]) == 300
    assert data["turnover"] == "0.83"  # 300 ÷ ((0 + 720) ÷ 2)
    relaxed = api.get("/api/v1/reporting/inventory", params={**RANGE, "slow_days": "365"})
    assert {x["label"]: x["slow"] for x in relaxed.json()["lines"]} == {
        "Pump": False,
        "Valve": True,
    }
    categories = api.get("/api/v1/reporting/inventory", params={**RANGE, "by": "category"}).json()
    assert {x["label"]: x["cogs"] for x in categories["lines"]} == {
        "Hardware": "300.0000",
        "Parts": "0.0000",
    }


def test_inventory_screen_export_and_errors(stockroom: tuple[Instance, dict[str, int]]) -> None:
    instance, ids = stockroom
    zh = _client(instance, ids["keeper"], "zh_CN", cookie=True).get(
        "/reporting/inventory", params=RANGE
    )
    assert zh.status_code == 200 and "库存分析" in zh.text and "¥700.00" in zh.text
    xlsx = _client(instance, ids["keeper"], cookie=True).get(
        "/reporting/inventory/xlsx", params=RANGE
    )
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content)).get_sheet_by_index(0)
    rows = sheet.to_python()
    pump = next(row for row in rows if row and row[0] == "Pump")
    assert pump[1:4] == [70.0, 700.0, 0.0]
    api = _client(instance, ids["keeper"])
    for params, field in (
        ({"by": "colour"}, "by"),
        ({"slow_days": "-3"}, "slow_days"),
        ({"slow_days": "0"}, "slow_days"),
        ({"date_from": "2026-05-01", "date_to": "2026-01-01"}, "date_to"),
    ):
        bad = api.get("/api/v1/reporting/inventory", params=params)
        assert bad.status_code == 422 and field in bad.json()["fields"], (params, bad.text)
    assert _client(instance, ids["outsider"]).get("/api/v1/reporting/inventory").status_code == 403


def test_warehouse_home_widget(stockroom: tuple[Instance, dict[str, int]]) -> None:
    from addons.reporting.analyses.role_widgets import render_warehouse

    instance, ids = stockroom
    with instance.unit(ids["keeper"], readonly=True) as env:
        html = str(render_warehouse(env, today=dt.date(2026, 3, 31)))
    # the last 90 days are January to March: the figures of test_inventory_figures
    assert "CN¥720.00" in html and "0.83" in html and ">2<" in html
    home = _client(instance, ids["keeper"], cookie=True).get("/")
    assert "Warehouse key figures" in home.text


def test_stock_is_valued_at_the_current_cost(stockroom: tuple[Instance, dict[str, int]]) -> None:
    """A cost raised since: both values move with it (never negative), COGS keeps what the
    delivered goods cost when they left."""
    instance, ids = stockroom
    with instance.unit(None, su=True) as env:
        env.get("product.product", ids["Pump"]).standard_price = D(12)
    data = _client(instance, ids["keeper"]).get("/api/v1/reporting/inventory", params=RANGE).json()
    pump = next(line for line in data["lines"] if line["label"] == "Pump")
    assert (D(pump["value_end"]), D(pump["value_start"]), D(pump["cogs"])) == (840, 0, 300)
    assert pump["turnover"] == "0.71"  # 300 ÷ 420

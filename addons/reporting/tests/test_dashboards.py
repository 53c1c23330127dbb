"""Dashboards per role: figures equal the analyses', alerts, charts, groups and languages."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

from addons.reporting.tests.conftest import Book
from addons.reporting.tests.test_board import board  # noqa: F401  (the fixture)
from addons.reporting.tests.test_inventory import _client
from kernel.testing import MakeInstance, make_user


def _charts(html: str) -> list[dict[str, Any]]:
    blocks = re.findall(
        r'<script type="application/json" id="sp-chart-data-\d+">(.*?)</script>', html
    )
    return [json.loads(b) for b in blocks]


def test_sales_manager_dashboard(board: tuple[Book, dict[str, int]]) -> None:  # noqa: F811
    book, ids = board
    manager = make_user(book.instance, "chief", ["sales_order.group_manager"])
    api = book.api(manager)
    response = api.get("/api/v1/reporting/dashboard/sales")
    assert response.status_code == 200, response.text[:500]
    data = response.json()
    figures = {f["label"]: f for f in data["figures"]}
    # seven confirmed orders today at 10.00 untaxed; nothing in the same days of last month
    assert figures["Revenue this month so far · CNY"]["value"] == "CN¥70.00"
    assert figures["vs the same days last month · CNY"]["value"] == "—"
    assert figures["Open orders"]["value"] == "4"
    assert figures["Late orders"]["value"] == "2" and figures["Late orders"]["tone"] == "danger"
    assert figures["Late orders"]["url"] == "/reporting/tracking?late=1"
    alerts = {a["key"]: a for a in data["alerts"]}
    # the order due three days ago is not shipped: one late delivery; two late at their node
    assert alerts["reporting.late_deliveries"]["count"] == 1
    assert f"/app/sales/orders/{ids['overdue']}" in alerts["reporting.late_deliveries"]["html"]
    assert alerts["reporting.late_nodes"]["count"] == 2
    assert "sales_order.open_exceptions" in alerts  # sales' own widget
    assert "accounting.alerts" not in alerts  # accounting is not installed
    nodes = next(c["chart"] for c in data["charts"] if c["title"] == "Open orders by node")
    assert nodes["categories"] == ["Approved", "Reserved"]
    assert nodes["series"][1]["data"] == ["1", "1"]  # late per node

    page = book.browser(manager, lang="zh_CN").get("/reporting/dashboard/sales")
    assert page.status_code == 200 and "销售经理看板" in page.text
    assert len(_charts(page.text)) == 2 and _charts(page.text)[0]["locale"] == "ZH"
    listed = api.get("/api/v1/reporting/dashboards").json()["dashboards"]
    assert [d["role"] for d in listed] == ["sales"]
    home = book.browser(manager).get("/")
    assert 'href="/reporting/dashboard/sales"' in home.text

    # a clerk is not a sales manager; warehouse and unknown dashboards
    assert book.api().get("/api/v1/reporting/dashboard/sales").status_code == 403
    assert book.api().get("/api/v1/reporting/dashboards").json()["dashboards"] == []
    assert 'href="/reporting/dashboard/sales"' not in book.browser().get("/").text
    assert api.get("/api/v1/reporting/dashboard/warehouse").status_code == 403
    assert api.get("/api/v1/reporting/dashboard/finance").status_code == 404  # not installed
    assert api.get("/api/v1/reporting/dashboard/nothing").status_code == 404
    bad = api.get("/api/v1/reporting/dashboard/sales", params={"today": "soon"})
    assert bad.status_code == 422 and "today" in bad.json()["fields"]


def test_warehouse_dashboard(board: tuple[Book, dict[str, int]]) -> None:  # noqa: F811
    from addons.reporting.analyses import inventory

    book, _ids = board
    keeper = make_user(book.instance, "keeper", ["stock.group_user", "sales_order.group_user"])
    today = dt.date.today()
    from addons.stock.services.receive import receive

    with book.instance.unit(None, su=True) as env:
        receive(env, book.products["widget"], Decimal(10), price_unit=Decimal(5))
    data = book.api(keeper).get("/api/v1/reporting/dashboard/warehouse").json()
    with book.instance.unit(keeper, readonly=True) as env:
        a = inventory.analyse(env, today - dt.timedelta(days=89), today, by="category")
    figures = {f["label"]: f["value"] for f in data["figures"]}
    assert a.total("value_end") > 0
    assert figures["Stock value"] == f"CN¥{a.total('value_end'):,.2f}"
    assert figures["Late deliveries"] == "1"
    assert "stock.alerts" in {a["key"] for a in data["alerts"]}
    assert [c["title"] for c in data["charts"]] == [
        "Stock value by category",
        "Cost of goods delivered (90 days) by category",
    ]
    assert book.api(keeper).get("/api/v1/reporting/dashboard/sales").status_code == 403


def test_finance_dashboard(make_instance: MakeInstance) -> None:
    from addons.accounting.services import invoices, moves
    from addons.accounting.tests.conftest import build_books, item, vat13

    books = build_books(make_instance(["reporting", "accounting"]))
    today = dt.date.today()
    with books.unit() as env:
        for partner, price, day in (
            (books.customer2, "100", today - dt.timedelta(days=45)),
            (books.customer, "200", today - dt.timedelta(days=10)),
        ):
            moves.post(
                env, invoices.create_invoice(env, partner, [item(price, "1", vat13(env))], date=day)
            )
    data = _client(books.instance, books.accountant).get("/api/v1/reporting/dashboard/finance")
    assert data.status_code == 200, data.text[:500]
    found = data.json()
    figures = {f["label"]: f["value"] for f in found["figures"]}
    assert figures["Receivables"] == "CN¥339.00"
    assert figures["Overdue receivables"] == "CN¥113.00"
    aging = found["charts"][0]["chart"]
    assert sum(Decimal(v) for v in aging["series"][0]["data"]) == Decimal("339.00")
    by_customer = found["charts"][1]["chart"]
    assert by_customer["categories"] == ["Huaxin Trading Co.", "Jinling Foods"]
    not_due, overdue = ([Decimal(v) for v in s["data"]] for s in by_customer["series"])
    assert (not_due, overdue) == ([Decimal(226), Decimal(0)], [Decimal(0), Decimal(113)])
    assert "accounting.alerts" in {a["key"] for a in found["alerts"]}
    zh = _client(books.instance, books.accountant, "zh_CN", cookie=True)
    page = zh.get("/reporting/dashboard/finance")
    assert page.status_code == 200 and "财务看板" in page.text and "¥113.00" in page.text
    assert 'href="/reporting/dashboard/finance"' in zh.get("/").text
    nobody = make_user(books.instance, "nobody", ["base.group_user"])
    assert (
        _client(books.instance, nobody).get("/api/v1/reporting/dashboard/finance").status_code
        == 403
    )


def test_late_production_where_mrp_is_installed(make_instance: MakeInstance) -> None:
    """Production orders past their planned date, read through the ORM by model name."""
    instance = make_instance(["reporting", "stock", "mrp"])
    keeper = make_user(instance, "keeper", ["mrp.group_user"])
    today = dt.date.today()
    with instance.unit(None, su=True) as env:
        unit = env.ref("base.uom_unit").id
        product = env["product.product"](name="Bench", type="stockable", uom_id=unit)
        env.session.add(product)
        env.session.flush()
        Production = env["mrp.production"]
        for name, days, state in (
            ("MO/LATE", -5, "confirmed"),
            ("MO/DUE", 3, "confirmed"),
            ("MO/DONE", -9, "done"),
        ):
            env.session.add(
                Production(
                    name=name,
                    product_id=product.id,
                    quantity=Decimal(1),
                    uom_id=unit,
                    product_qty=Decimal(1),
                    date_planned=today + dt.timedelta(days=days),
                    state=state,
                )
            )
    data = _client(instance, keeper).get("/api/v1/reporting/dashboard/warehouse").json()
    late = {a["key"]: a for a in data["alerts"]}["reporting.late_production"]
    assert late["count"] == 1 and "MO/LATE" in late["html"] and "5 days late" in late["html"]
    assert "MO/DUE" not in late["html"] and "MO/DONE" not in late["html"]


def test_sales_dashboard_statements_do_not_grow(
    board: tuple[Book, dict[str, int]],  # noqa: F811
) -> None:
    from addons.reporting.analyses import dashboards
    from addons.sales_order.services import orders
    from kernel.testing import StatementCounter

    book, _ids = board
    manager = make_user(book.instance, "chief", ["sales_order.group_manager"])

    def count() -> int:
        with book.instance.unit(manager, readonly=True) as env:
            with StatementCounter(book.instance.engine) as counter:
                dashboards.build(env, "sales")
            return counter.count

    count()  # warm: the first unit reads configuration the next ones find cached
    before = count()
    with book.instance.unit(manager) as env:
        for customer in ("Huaxin", "Beifang", "Huaxin"):
            order = orders.create_order(
                env,
                book.partners[customer],
                [{"product_id": book.products["widget"], "quantity": Decimal(2)}],
            )
            orders.submit(env, order)
            orders.approve(env, order.id)
    assert count() == before

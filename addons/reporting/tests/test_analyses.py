"""Sales and customers analyses on a small history whose figures are worked out by hand."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from addons.reporting.analyses import periods
from addons.reporting.tests.conftest import Book, build_book
from kernel.testing import MakeInstance, make_user

D = Decimal

# (customer, date, currency, [(product, quantity, price)], confirmed)
HISTORY = [
    ("Anhui", dt.date(2025, 3, 10), "CNY", [("widget", "2", "50")], True),
    ("Anhui", dt.date(2026, 2, 5), "CNY", [("widget", "1", "200")], True),
    ("Baoshan", dt.date(2026, 3, 3), "CNY", [("widget", "1", "100"), ("gadget", "10", "10")], True),
    ("Chengdu", dt.date(2026, 3, 20), "CNY", [("gadget", "5", "20")], True),
    ("Dalian", dt.date(2026, 3, 21), "USD", [("widget", "1", "30")], True),
    ("Anhui", dt.date(2026, 3, 25), "CNY", [("widget", "10", "100")], False),  # a quotation
]


@pytest.fixture
def history(make_instance: MakeInstance) -> Book:
    from addons.sales_order.services import orders

    book = build_book(make_instance(["reporting", "sales_order"]))
    manager = make_user(book.instance, "boss", ["sales_order.group_manager"])
    with book.instance.unit(book.clerk) as env:
        Partner = env["res.partner"]
        for name in ("Anhui", "Baoshan", "Chengdu", "Dalian"):
            partner = Partner(name=name, is_company=True, is_customer=True)
            env.session.add(partner)
            env.session.flush()
            book.partners[name] = partner.id
        # the book's own orders are quotations or cancelled: they stay out of the analyses
        to_approve = []
        for customer, day, code, lines, confirmed in HISTORY:
            order = orders.create_order(
                env,
                book.partners[customer],
                [
                    {"product_id": book.products[p], "quantity": D(q), "price_unit": D(u)}
                    for p, q, u in lines
                ],
                date_order=day,
                currency_id=book.cny if code == "CNY" else book.usd,
            )
            if confirmed:
                orders.submit(env, order)
                to_approve.append(order.id)
    with book.instance.unit(manager) as env:
        for order_id in to_approve:
            assert orders.approve(env, order_id).state == "closed"
    return book


def _get(client: Any, url: str, **params: Any) -> Any:
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text[:400]
    return response.json()


def test_period_keys() -> None:
    assert periods.shift("2026-01", "month", -1) == "2025-12"
    assert periods.shift("2026-Q1", "quarter", -1) == "2025-Q4"
    assert periods.year_before("2026-Q1", "quarter") == "2025-Q1"
    assert periods.year_before("2026-03-09", "week") == "2025-03-10"  # a Monday too
    assert periods.key_of(dt.date(2026, 3, 8), "week") == "2026-03-02"
    assert periods.between(dt.date(2025, 11, 15), dt.date(2026, 2, 1), "month") == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]


def test_sales_per_month_with_growth(history: Book) -> None:
    data = _get(
        history.api(),
        "/api/v1/reporting/sales",
        unit="month",
        by="category",
        date_from="2026-02-01",
        date_to="2026-03-31",
    )
    by_period = {p["period"]: p for p in data["periods"]}
    assert list(by_period) == ["2026-02", "2026-03"]
    feb, mar = by_period["2026-02"], by_period["2026-03"]
    assert feb["revenue"] == {"CNY": "200.0000"}
    assert mar["revenue"] == {"CNY": "300.0000", "USD": "30.0000"}
    assert D(mar["quantity"]) == 17 and mar["lines"] == 4
    assert mar["growth_pct"]["CNY"] == "50.0"  # 300 vs 200
    assert mar["growth_yoy_pct"]["CNY"] == "200.0"  # 300 vs 100 in March 2025
    assert mar["growth_pct"]["USD"] is None  # no USD sales in February
    assert feb["growth_pct"]["CNY"] is None and feb["growth_yoy_pct"]["CNY"] is None
    assert data["totals"] == {"CNY": "500.0000", "USD": "30.0000"}
    breakdown = {b["label"]: b for b in data["breakdown"]}
    assert breakdown["Hardware"]["revenue"] == {"CNY": "300.0000", "USD": "30.0000"}
    assert breakdown["Parts"]["revenue"] == {"CNY": "200.0000"}
    assert breakdown["Hardware"]["share_pct"] == {"CNY": "60.0", "USD": "100.0"}
    assert breakdown["Parts"]["share_pct"] == {"CNY": "40.0"}


def test_sales_drill_down_lists_the_period_lines(history: Book) -> None:
    data = _get(
        history.api(),
        "/api/v1/reporting/sales",
        unit="month",
        by="customer",
        date_from="2026-02-01",
        date_to="2026-03-31",
    )
    browser = history.browser()
    march = next(p for p in data["periods"] if p["period"] == "2026-03")
    page = browser.get(march["list_url"])
    assert page.status_code == 200
    assert page.text.count('class="sp-row') in (0, 4) or "4" in page.text
    from urllib.parse import parse_qs, urlsplit

    from kernel.web.introspect import collect_views
    from kernel.web.ui import listing

    view = collect_views(history.instance.registry)["sale.order.line"]
    with history.instance.unit(history.clerk, readonly=True) as env:
        state = listing.ListState.from_params(parse_qs(urlsplit(march["list_url"]).query))
        assert listing.build(env, view, state).total == 4  # the quotation stays out
        baoshan = next(b for b in data["breakdown"] if b["label"] == "Baoshan")
        state = listing.ListState.from_params(parse_qs(urlsplit(baoshan["list_url"]).query))
        assert listing.build(env, view, state).totals["price_subtotal"] == D("200")


def test_customers_abc(history: Book) -> None:
    data = _get(
        history.api(),
        "/api/v1/reporting/customers",
        date_from="2026-01-01",
        date_to="2026-03-31",
    )
    assert data["currency"] == "CNY" and data["total"] == "500.0000"
    assert data["other_currencies"] == ["USD"]
    rows = [
        (
            c["name"],
            c["orders"],
            c["revenue"],
            c["share_pct"],
            c["cumulative_pct"],
            c["abc"],
            c["last_order"],
        )
        for c in data["customers"]
    ]
    assert rows == [
        ("Anhui", 1, "200.0000", "40.0", "40.0", "A", "2026-02-05"),
        ("Baoshan", 1, "200.0000", "40.0", "80.0", "A", "2026-03-03"),
        ("Chengdu", 1, "100.0000", "20.0", "100.0", "B", "2026-03-20"),
    ]
    assert data["classes"] == {"A": 2, "B": 1}
    usd = _get(
        history.api(),
        "/api/v1/reporting/customers",
        date_from="2026-01-01",
        date_to="2026-03-31",
        currency=str(history.usd),
    )
    assert [(c["name"], c["revenue"], c["abc"]) for c in usd["customers"]] == [
        ("Dalian", "30.0000", "A")
    ]


def test_analysis_screens_and_exports(history: Book) -> None:
    params = {"date_from": "2026-02-01", "date_to": "2026-03-31"}
    en = history.browser().get("/reporting/sales", params={**params, "by": "customer"})
    assert en.status_code == 200, en.text[:300]
    assert "Baoshan" in en.text and "+50.0%" in en.text and "+200.0%" in en.text
    zh = history.browser(lang="zh_CN").get("/reporting/customers", params=params)
    assert zh.status_code == 200
    assert "客户分析" in zh.text and "¥200.00" in zh.text
    xlsx = history.browser().get("/reporting/customers/xlsx", params=params)
    sheet = (
        CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content)).get_sheet_by_index(0).to_python()
    )
    assert [row[0] for row in sheet[1:]] == ["Anhui", "Baoshan", "Chengdu"]
    assert [row[5] for row in sheet[1:]] == ["A", "A", "B"]
    sales_xlsx = history.browser().get("/reporting/sales/xlsx", params=params)
    sheet = (
        CalamineWorkbook.from_filelike(io.BytesIO(sales_xlsx.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert sheet[2][:2] == ["2026-03", 300.0]


def test_analysis_bad_input(history: Book) -> None:
    api = history.api()
    bad = api.get("/api/v1/reporting/sales", params={"date_from": "yesterday"})
    assert bad.status_code == 422 and bad.json()["fields"].get("date_from")
    bad = api.get("/api/v1/reporting/customers", params={"currency": "euro"})
    assert bad.status_code == 422 and bad.json()["fields"].get("currency")
    bad = api.get("/api/v1/reporting/sales", params={"unit": "decade"})
    assert bad.status_code == 422
    bad = api.get(
        "/api/v1/reporting/customers", params={"date_from": "2026-05-01", "date_to": "2026-01-01"}
    )
    assert bad.status_code == 422
    denied = history.api(history.outsider).get("/api/v1/reporting/customers")
    assert denied.status_code == 403


def test_home_widget_for_sales_people(history: Book) -> None:
    from addons.reporting.analyses.widgets import render_sales_widget

    with history.instance.unit(history.clerk, readonly=True) as env:
        html = str(render_sales_widget(env, today=dt.date(2026, 3, 31)))
    # March so far vs February: 300 CNY and 30 USD against 200 CNY
    assert "CN¥300.00" in html and "CN¥200.00" in html and "$30.00" in html
    assert html.index("Baoshan") < html.index("Chengdu")  # best customers first
    home = history.browser().get("/")
    assert "Sales this month" in home.text
    outsider = history.browser(history.outsider).get("/")
    assert "Sales this month" not in outsider.text


def test_schema_documents_the_typed_parameters(history: Book) -> None:
    paths = history.api().get("/api/schema").json()["paths"]
    sales_params = {p["name"] for p in paths["/api/v1/reporting/sales"]["get"]["parameters"]}
    assert {"date_from", "date_to", "unit", "by"} <= sales_params
    forecast = {p["name"] for p in paths["/api/v1/reporting/forecast"]["get"]["parameters"]}
    assert {"unit", "by", "product", "category", "horizon", "as_of", "limit"} <= forecast
    assert "/reporting/sales" not in paths  # screens stay out of the API's contract

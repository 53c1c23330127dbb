"""Pivot figures against direct SQL, drill-down, periods, export, access and bad input."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select, text

from addons.reporting.pivot import PivotRequest, compute
from addons.reporting.tests.conftest import Book
from kernel.testing import StatementCounter
from kernel.web.introspect import collect_views
from kernel.web.ui import listing


def _sql(book: Book, query: str, **params: Any) -> list[Any]:
    with book.instance.engine.connect() as conn:
        return list(conn.execute(text(query), params))


def _core(book: Book, stmt: Any) -> list[Any]:
    """A Core statement on the tables themselves (money columns keep their exact type)."""
    with book.instance.engine.connect() as conn:
        return list(conn.execute(stmt))


def _table(book: Book, model: str) -> Any:
    return book.instance.registry[model].__table__


def _json(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text[:500]
    return response.json()


MONTHS = {
    "2026-01": (dt.date(2026, 1, 1), dt.date(2026, 2, 1)),
    "2026-02": (dt.date(2026, 2, 1), dt.date(2026, 3, 1)),
    "2026-03": (dt.date(2026, 3, 1), dt.date(2026, 4, 1)),
    "2026-04": (dt.date(2026, 4, 1), dt.date(2026, 5, 1)),
}


def test_order_pivot_equals_sql_per_currency(book: Book) -> None:
    """Every cell and total of revenue by customer × month equals a direct SQL sum, per currency."""
    data = _json(
        book.api().get(
            "/api/v1/reporting/pivot/sales/orders",
            params=[
                ("rows", "partner_id"),
                ("cols", "date_order:month"),
                ("m", "amount_total:sum"),
                ("m", "count"),
                ("f", "draft"),  # the list's own filter: the cancelled order is left out
            ],
        )
    )
    assert data["per_currency"] is True
    assert "per currency" in data["note"]
    codes = {r.id: r.code for r in _sql(book, "SELECT id, code FROM res_currency")}
    order = _table(book, "sale.order")
    checked = 0
    for line in data["lines"]:
        partner = int(line["key"][0])
        for column, value in zip(data["columns"], line["values"], strict=True):
            start, end = MONTHS[column["key"][0]]
            where = [
                order.c.state == "draft",
                order.c.partner_id == partner,
                order.c.date_order >= start,
                order.c.date_order < end,
            ]
            if column["measure"] == "count":
                (expected,) = _core(book, select(func.count()).where(*where))[0]
                assert (value or 0) == expected
                continue
            cur = next(i for i, c in codes.items() if c == column["currency"])
            stmt = select(func.sum(order.c.amount_total)).where(*where, order.c.currency_id == cur)
            (expected,) = _core(book, stmt)[0]
            assert (Decimal(value) if value is not None else None) == expected
            checked += 1
    assert checked >= 8
    # grand totals per currency: never added across currencies
    expected = {
        codes[cur]: total
        for cur, total in _core(
            book,
            select(order.c.currency_id, func.sum(order.c.amount_total))
            .where(order.c.state == "draft")
            .group_by(order.c.currency_id),
        )
    }
    got = {
        c["currency"]: Decimal(v)
        for c, v in zip(data["total_columns"], data["total"]["totals"], strict=True)
        if c["measure"] == "amount_total:sum"
    }
    assert got == expected
    assert set(got) == {"CNY", "USD"}
    assert got["CNY"] == Decimal("454.25")  # 113 + 115.26 + 225.99; the cancelled 113 is out
    counts = [
        v
        for c, v in zip(data["total_columns"], data["total"]["totals"], strict=True)
        if c["measure"] == "count"
    ]
    assert counts == [6]


def test_line_pivot_follows_paths(book: Book) -> None:
    """Lines by product category × order quarter (two many-to-one hops) against a SQL join."""
    data = _json(
        book.api().get(
            "/api/v1/reporting/pivot/reporting/sale-lines",
            params=[
                ("rows", "product_id.category_id"),
                ("cols", "order_id.date_order:quarter"),
                ("m", "price_subtotal:sum"),
                ("m", "quantity:sum"),
            ],
        )
    )
    line, order, product = (
        _table(book, m) for m in ("sale.order.line", "sale.order", "product.product")
    )
    rows = _core(
        book,
        select(
            product.c.category_id,
            order.c.currency_id,
            order.c.date_order,
            line.c.price_subtotal,
            line.c.quantity,
        )
        .join(order, order.c.id == line.c.order_id)
        .join(product, product.c.id == line.c.product_id),
    )
    codes = {r.id: r.code for r in _sql(book, "SELECT id, code FROM res_currency")}
    expected: dict[tuple[str, str, str | None, str], Decimal] = {}
    for category, cur, day, subtotal, qty in rows:
        quarter = f"{day.year}-Q{(day.month + 2) // 3}"
        key = (str(category), quarter)
        expected[(*key, codes[cur], "price_subtotal:sum")] = (
            expected.get((*key, codes[cur], "price_subtotal:sum"), Decimal(0)) + subtotal
        )
        expected[(*key, None, "quantity:sum")] = (
            expected.get((*key, None, "quantity:sum"), Decimal(0)) + qty
        )
    got = {}
    for line in data["lines"]:
        for column, value in zip(data["columns"], line["values"], strict=True):
            if value is not None:
                got[(line["key"][0], column["key"][0], column["currency"], column["measure"])] = (
                    Decimal(value)
                )
    assert got == expected
    assert [line["labels"][0] for line in data["lines"]] == ["Hardware", "Parts"]


def test_drill_down_lists_exactly_the_cell(book: Book) -> None:
    """A cell's list URL selects the records it sums: same count, same total, both ways."""
    view = collect_views(book.instance.registry)["sale.order.line"]
    with book.instance.unit(book.clerk, readonly=True) as env:
        req = PivotRequest(
            rows=["order_id.partner_id"],
            cols=["order_id.date_order:month"],
            measures=["price_subtotal:sum", "count"],
        )
        result = compute(env, view, req)
        seen = 0
        for row in result.rows:
            for column in result.columns:
                value = result.value(row, column)
                if value is None or column.measure.measure.key != "price_subtotal:sum":
                    continue
                url = urlsplit(result.drill(row, column))
                assert url.path == "/app/reporting/sale-lines"
                state = listing.ListState.from_params(parse_qs(url.query))
                page = listing.build(env, view, state)
                assert page.totals["price_subtotal"] == value
                seen += 1
        assert seen == 6
    # the list screen shows the cell it came from, named as people read it
    first = result.drill(result.rows[0], result.columns[0])
    screen = book.browser().get(first)
    assert screen.status_code == 200, screen.text[:300]
    assert "Records of the report cell" in screen.text
    assert "Beifang" in screen.text


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (
            "2026-03-08",
            {
                "day": "2026-03-08",
                "week": "2026-03-02",
                "month": "2026-03",
                "quarter": "2026-Q1",
                "year": "2026",
            },
        ),
        (
            "2026-03-09",
            {
                "day": "2026-03-09",
                "week": "2026-03-09",
                "month": "2026-03",
                "quarter": "2026-Q1",
                "year": "2026",
            },
        ),
        (
            "2026-12-31",
            {
                "day": "2026-12-31",
                "week": "2026-12-28",
                "month": "2026-12",
                "quarter": "2026-Q4",
                "year": "2026",
            },
        ),
    ],
)
def test_periods_are_the_same_on_both_databases(
    book: Book, day: str, expected: dict[str, str]
) -> None:
    """Weeks start on Monday, quarters read 2026-Q1 — on SQLite and PostgreSQL alike."""
    from sqlalchemy import Date, literal

    from kernel.web.ui.domain import bucket

    with book.instance.unit(book.clerk, readonly=True) as env:
        value = literal(dt.date.fromisoformat(day), Date)
        got = {g: env.session.scalar(select(bucket(env, value, g))) for g in expected}
    assert got == expected


def test_xlsx_has_the_same_numbers(book: Book) -> None:
    api = book.api()
    params = [("rows", "partner_id"), ("m", "amount_total:sum"), ("m", "count")]
    data = _json(api.get("/api/v1/reporting/pivot/sales/orders", params=params))
    response = api.get("/reporting/xlsx/sales/orders", params=params)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxml")
    sheet = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert sheet[1][1:] == ["Total · CNY", "Total · USD", "Number of orders"]
    body = {row[0]: row[1:] for row in sheet[2:] if row and row[0]}
    for line in data["lines"]:
        values = [Decimal(str(v)) if v is not None else None for v in line["values"]]
        cells = [Decimal(str(v)) if v != "" else None for v in body[line["labels"][0]]]
        assert [c.quantize(Decimal("0.01")) if c is not None else None for c in cells] == [
            (v.quantize(Decimal("0.01")) if v is not None else None) for v in values
        ]
    assert body["Total"][2] == 7


def test_screen_in_both_languages(book: Book) -> None:
    params = [("rows", "date_order:month"), ("cols", "state"), ("m", "amount_total:sum")]
    en = book.browser().get("/reporting/pivot/sales/orders", params=params)
    assert en.status_code == 200, en.text[:300]
    assert "summed exactly per currency" in en.text
    assert 'id="sp-chart-data"' in en.text and '"locale": "EN"' in en.text
    assert "<" + "script>" not in en.text  # split: the CSP scan reads this file
    zh = book.browser(lang="zh_CN").get("/reporting/pivot/sales/orders", params=params)
    assert zh.status_code == 200
    assert "按币种" in zh.text and '"locale": "ZH"' in zh.text
    index = book.browser().get("/reporting")
    assert "/reporting/pivot/sales/orders" in index.text
    assert "/reporting/pivot/reporting/sale-lines" in index.text


def test_access_follows_the_data(book: Book) -> None:
    """Someone without sales rights sees no sales pivot: not listed, 403 on the endpoint."""
    outsider = book.api(book.outsider)
    assert _json(outsider.get("/api/v1/reporting/pivots")) == []
    denied = outsider.get("/api/v1/reporting/pivot/sales/orders")
    assert denied.status_code == 403
    assert denied.headers["content-type"].startswith("application/problem+json")
    listed = _json(book.api().get("/api/v1/reporting/pivots"))
    assert {p["model"] for p in listed} == {"sale.order", "sale.order.line"}


def test_bad_input_is_a_clear_422(book: Book) -> None:
    api = book.api()
    bad = api.get("/api/v1/reporting/pivot/sales/orders", params={"rows": "password"})
    assert bad.status_code == 422
    assert "password" in bad.json()["detail"]
    bad = api.get("/api/v1/reporting/pivot/sales/orders", params={"m": "name:sum"})
    assert bad.status_code == 422
    bad = api.get(
        "/api/v1/reporting/pivot/sales/orders", params=[("rows", "state"), ("cols", "state")]
    )
    assert bad.status_code == 422
    missing = api.get("/api/v1/reporting/pivot/sales/nothing")
    assert missing.status_code == 404
    drill = book.browser().get("/app/sales/orders", params={"d": "date_order:fortnight=1"})
    assert drill.status_code == 422 or "fortnight" in drill.text


def test_statements_do_not_grow_with_orders(book: Book) -> None:
    """The pivot is one grouped statement plus one name lookup per dimension, however many rows."""
    view = collect_views(book.instance.registry)["sale.order.line"]
    req = PivotRequest(
        rows=["product_id.category_id", "product_id"],
        cols=["order_id.date_order:month"],
        measures=["price_subtotal:sum", "quantity:sum", "price_unit:avg", "count"],
    )
    with book.instance.unit(book.clerk, readonly=True) as env:
        compute(env, view, req)  # warms the per-process memos (configuration rows)
        with StatementCounter(book.instance.engine) as counter:
            compute(env, view, req)
        small = counter.count
    from addons.sales_order.services import orders

    with book.instance.unit(book.clerk) as env:
        for i in range(30):
            orders.create_order(
                env,
                book.partners["Huaxin"],
                [{"product_id": book.products["widget"], "quantity": Decimal(i + 1)}],
                date_order=dt.date(2026, 1 + i % 12, 1),
            )
    with book.instance.unit(book.clerk, readonly=True) as env:
        with StatementCounter(book.instance.engine) as counter:
            result = compute(env, view, req)
        assert counter.count == small <= 6
        assert result.record_count == 9 + 30  # the book has 9 lines


def test_every_declared_pivot_opens_with_all_addons(make_instance: Any) -> None:
    """With every business addon installed, each declared pivot and each dimension answers."""
    from kernel.testing import make_user

    instance = make_instance(
        ["reporting", "sales_order", "stock", "purchase", "accounting", "purchase_accounting"]
    )
    boss = make_user(
        instance,
        "boss",
        ["sales_order.group_manager", "purchase.group_manager", "accounting.group_manager"],
    )
    book = Book(instance, boss, boss, 0, 0)
    api = book.api()
    listed = _json(api.get("/api/v1/reporting/pivots"))
    assert {p["model"] for p in listed} == {
        "sale.order",
        "sale.order.line",
        "purchase.order",
        "account.move",
    }
    browser = book.browser()
    for pivot in listed:
        for dim in pivot["dimensions"]:
            data = _json(api.get(pivot["url"], params={"rows": dim["spec"]}))
            assert data["record_count"] == 0
        url = pivot["url"].replace("/api/v1/reporting/pivot/", "/reporting/pivot/")
        page = browser.get(url)
        assert page.status_code == 200, page.text[:300]

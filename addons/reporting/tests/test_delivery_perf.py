"""Delivery performance on orders with known requested dates and shipping times."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import update

from addons.reporting.tests.conftest import Book, build_book
from kernel.testing import MakeInstance, make_user

UTC = dt.UTC
YEAR = {"date_from": "2026-01-01", "date_to": "2026-12-31"}
# (customer, product, requested date, shipped at or None, confirmed); the widget is
# stocked goods (stock expects the order's "shipped" milestone), the gadget is not
PLAN = [
    ("Huaxin", "widget", dt.date(2026, 1, 15), dt.datetime(2026, 1, 14, 9, tzinfo=UTC), True),
    ("Huaxin", "widget", dt.date(2026, 1, 20), dt.datetime(2026, 1, 22, 9, tzinfo=UTC), True),
    ("Beifang", "widget", dt.date(2026, 2, 10), dt.datetime(2026, 2, 10, 23, tzinfo=UTC), True),
    ("Beifang", "widget", dt.date(2026, 2, 12), None, True),
    ("Beifang", "widget", dt.date(2026, 2, 20), dt.datetime(2026, 2, 18, 9, tzinfo=UTC), True),
    ("Beifang", "widget", dt.date(2026, 12, 30), None, True),
    ("Huaxin", "widget", dt.date(2026, 1, 10), None, False),  # a quotation: not promised yet
    ("Huaxin", "gadget", dt.date(2026, 1, 12), None, True),  # nothing to ship: never late
]


@pytest.fixture
def shipped(make_instance: MakeInstance) -> tuple[Book, list[int]]:
    from addons.sales_order.services import orders

    book = build_book(make_instance(["reporting", "sales_order", "stock"]))
    manager = make_user(book.instance, "boss", ["sales_order.group_manager"])
    with book.instance.unit(None, su=True) as env:  # goods to ship: stock expects "shipped"
        env.get("product.product", book.products["widget"]).type = "stockable"
    ids = []
    with book.instance.unit(book.clerk) as env:
        for customer, product, _requested, _at, confirmed in PLAN:
            order = orders.create_order(
                env,
                book.partners[customer],
                [{"product_id": book.products[product], "quantity": Decimal(1)}],
            )
            if confirmed:
                orders.submit(env, order)
            ids.append(order.id)
    with book.instance.unit(manager) as env:
        for order_id, (*_plan, confirmed) in zip(ids, PLAN, strict=True):
            if confirmed and env.get("sale.order", order_id).state == "submitted":
                orders.approve(env, order_id)
    milestones = book.instance.registry["workflow.milestone"].__table__
    table = book.instance.registry["sale.order"].__table__
    with book.instance.engine.begin() as conn:
        for order_id, (_c, _p, requested, at, _confirmed) in zip(ids, PLAN, strict=True):
            # promised dates in the past: set behind the services' back (they refuse them)
            conn.execute(
                update(table).where(table.c.id == order_id).values(requested_date=requested)
            )
            if at is not None:  # stock expects "shipped" at approval; it is done at ``at``
                conn.execute(
                    update(milestones)
                    .where(
                        milestones.c.model == "sale.order",
                        milestones.c.res_id == order_id,
                        milestones.c.name == "shipped",
                    )
                    .values(done_at=at)
                )
    return book, ids


def test_on_time_rates(shipped: tuple[Book, list[int]]) -> None:
    book, ids = shipped
    response = book.api().get("/api/v1/reporting/delivery", params=YEAR)
    assert response.status_code == 200, response.text
    data = response.json()
    months = {m["month"]: m for m in data["months"]}
    assert months["2026-01"] == {
        "month": "2026-01",
        "on_time": 1,
        "late": 1,
        "pending": 0,
        "rate_pct": "50.0",
    }
    # shipped late on the 10th (UTC) counts as the 10th; the 12th never shipped: late
    assert months["2026-02"]["on_time"] == 2 and months["2026-02"]["late"] == 1
    assert months["2026-02"]["rate_pct"] == "66.7"
    assert months["2026-12"] == {
        "month": "2026-12",
        "on_time": 0,
        "late": 0,
        "pending": 1,
        "rate_pct": None,
    }
    assert data["overall"] == {"on_time": 3, "late": 2, "pending": 1, "rate_pct": "60.0"}
    customers = {c["name"]: c["rate_pct"] for c in data["customers"]}
    assert customers == {"Huaxin": "50.0", "Beifang": "66.7"}
    [late] = data["late_open"]
    assert data["late_open_count"] == 1
    today = dt.date.fromisoformat(data["today"])
    assert late["order_id"] == ids[3] and late["days_late"] == (today - dt.date(2026, 2, 12)).days


def test_delivery_screen_export_and_errors(shipped: tuple[Book, list[int]]) -> None:
    book, ids = shipped
    zh = book.browser(lang="zh_CN").get("/reporting/delivery", params=YEAR)
    assert zh.status_code == 200 and "交付绩效" in zh.text and "66.7%" in zh.text
    assert f"/app/sales/orders/{ids[3]}" in zh.text
    xlsx = book.browser().get("/reporting/delivery/xlsx", params=YEAR)
    rows: list[Any] = (
        CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content)).get_sheet_by_index(0).to_python()
    )
    assert ["2026-01", 1.0, 1.0, 0.0, 50.0] in [row[:5] for row in rows]
    bad = book.api().get("/api/v1/reporting/delivery", params={"date_from": "2026-13-01"})
    assert bad.status_code == 422 and "date_from" in bad.json()["fields"]
    assert book.api(book.outsider).get("/api/v1/reporting/delivery").status_code == 403


def test_sales_manager_home_widget(shipped: tuple[Book, list[int]]) -> None:
    from addons.reporting.analyses.role_widgets import render_sales_manager

    book, _ids = shipped
    manager = make_user(book.instance, "chief", ["sales_order.group_manager"])
    with book.instance.unit(manager, readonly=True) as env:
        html = str(render_sales_manager(env, today=dt.date(2026, 2, 28)))
    # December to February: 3 of 5 on time; the order due 12 Feb is late and not shipped
    assert "60.0%" in html and ">1<" in html and "/reporting/forecast" in html
    assert "Sales manager key figures" in book.browser(manager).get("/").text
    assert "Sales manager key figures" not in book.browser().get("/").text  # a clerk

"""Order cycle on orders whose history times are set by hand; the tracking bar on the form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import update

from addons.reporting.tests.conftest import Book, build_book
from kernel.testing import MakeInstance, make_user

UTC = dt.UTC
# submitted at, hours to approval, hours from approval to completion and closing
TIMES = [
    (dt.datetime(2026, 1, 5, 8, 0, tzinfo=UTC), 2, 10),
    (dt.datetime(2026, 1, 20, 9, 30, tzinfo=UTC), 4, 20),
    (dt.datetime(2026, 2, 2, 7, 0, tzinfo=UTC), 30, 1),
]


@pytest.fixture
def cycled(make_instance: MakeInstance) -> tuple[Book, list[int]]:
    from addons.sales_order.services import orders

    book = build_book(make_instance(["reporting", "sales_order"]))
    manager = make_user(book.instance, "boss", ["sales_order.group_manager"])
    with book.instance.unit(None, su=True) as env:
        env.get("res.user", manager).name = "Wang Fang"
    ids = []
    with book.instance.unit(book.clerk) as env:
        for _times in TIMES:
            order = orders.create_order(
                env,
                book.partners["Huaxin"],
                [{"product_id": book.products["widget"], "quantity": Decimal(1)}],
            )
            orders.submit(env, order)
            ids.append(order.id)
    with book.instance.unit(manager) as env:
        for order_id in ids:
            assert orders.approve(env, order_id).state == "closed"
    history = book.instance.registry["workflow.history"].__table__
    with book.instance.engine.begin() as conn:
        for order_id, (submitted, to_approve, to_close) in zip(ids, TIMES, strict=True):
            approved = submitted + dt.timedelta(hours=to_approve)
            closed = approved + dt.timedelta(hours=to_close)
            for transition, at in (
                ("submit", submitted),
                ("approve", approved),
                ("start", approved),
                ("complete", closed),
                ("close", closed),
            ):
                conn.execute(
                    update(history)
                    .where(
                        history.c.model == "sale.order",
                        history.c.res_id == order_id,
                        history.c.transition == transition,
                    )
                    .values(at=at)
                )
    return book, ids


def _pair(data: dict[str, Any], a: str, b: str) -> dict[str, Any]:
    return next(p for p in data["pairs"] if (p["from"], p["to"]) == (a, b))


def test_cycle_medians_and_p90(cycled: tuple[Book, list[int]]) -> None:
    book, ids = cycled
    response = book.api().get(
        "/api/v1/reporting/cycle", params={"date_from": "2026-01-01", "date_to": "2026-02-28"}
    )
    assert response.status_code == 200, response.text[:300]
    data = response.json()
    assert data["orders"] == 3
    approval = _pair(data, "submitted", "approved")
    assert approval["overall"] == {"orders": 3, "median_hours": "4.0", "p90_hours": "30.0"}
    assert approval["months"]["2026-01"] == {"orders": 2, "median_hours": "3.0", "p90_hours": "4.0"}
    assert approval["months"]["2026-02"] == {
        "orders": 1,
        "median_hours": "30.0",
        "p90_hours": "30.0",
    }
    execution = _pair(data, "approved", "completed")
    assert execution["months"]["2026-01"] == {
        "orders": 2,
        "median_hours": "15.0",
        "p90_hours": "20.0",
    }
    assert _pair(data, "completed", "closed")["overall"]["median_hours"] == "0.0"
    assert [(o["order_id"], o["hours"]) for o in data["slowest"]] == [
        (ids[2], "31.0"),
        (ids[1], "24.0"),
        (ids[0], "12.0"),
    ]
    january = (
        book.api()
        .get("/api/v1/reporting/cycle", params={"date_from": "2026-01-01", "date_to": "2026-01-31"})
        .json()
    )
    assert january["orders"] == 2


def test_cycle_screen_and_tracking_bar(cycled: tuple[Book, list[int]]) -> None:
    book, ids = cycled
    params = {"date_from": "2026-01-01", "date_to": "2026-02-28"}
    screen = book.browser().get("/reporting/cycle", params=params)
    assert screen.status_code == 200, screen.text[:300]
    assert 'data-pair="submitted-approved"' in screen.text and "30.0" in screen.text
    xlsx = book.browser().get("/reporting/cycle/xlsx", params=params)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    form = book.browser().get(f"/app/sales/orders/{ids[0]}")
    assert form.status_code == 200
    assert "Order tracking" in form.text
    assert 'data-node="approved"' in form.text and "Wang Fang" in form.text
    zh = book.browser(lang="zh_CN").get(f"/app/sales/orders/{ids[0]}")
    assert "订单跟踪" in zh.text
    # a quotation shows its nodes still waiting
    from addons.sales_order.services import orders

    with book.instance.unit(book.clerk) as env:
        draft = orders.create_order(env, book.partners["Huaxin"], [])
    page = book.browser().get(f"/app/sales/orders/{draft.id}")
    assert page.text.count("bi-circle text-secondary") >= 3

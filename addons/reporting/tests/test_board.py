"""The tracking board: open orders by the node they wait at, late ones by both rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import update

from addons.reporting.tests.conftest import Book, build_book
from kernel.testing import MakeInstance, make_user

UTC = dt.UTC
NOW = dt.datetime.now(UTC).replace(microsecond=0)
TODAY = NOW.date()


@pytest.fixture
def board(make_instance: MakeInstance) -> tuple[Book, dict[str, int]]:
    return build_board(make_instance)


def build_board(make_instance: MakeInstance) -> tuple[Book, dict[str, int]]:
    """Five closed orders approved 1–2 h after submission (p90 of that step: 2 h), then
    open ones: two waiting for approval (10 h and 1 h), two approved (due 3 days ago /
    in 10 days), a quotation and a cancelled order (never on the board)."""
    from addons.sales_order.services import orders
    from kernel import workflow

    book = build_book(make_instance(["reporting", "sales_order", "stock"]))
    manager = make_user(book.instance, "boss", ["sales_order.group_manager"])
    with book.instance.unit(None, su=True) as env:  # goods to ship: stock expects "shipped"
        env.get("product.product", book.products["widget"]).type = "stockable"
    ids: dict[str, int] = {}
    plan = [f"history{i}" for i in range(5)] + ["slow", "fresh", "overdue", "on_time"]
    with book.instance.unit(book.clerk) as env:
        for name in [*plan, "quotation", "cancelled"]:
            product = "gadget" if name.startswith("history") else "widget"
            order = orders.create_order(
                env,
                book.partners["Huaxin" if name != "overdue" else "Beifang"],
                [{"product_id": book.products[product], "quantity": Decimal(1)}],
            )
            if name in plan:
                orders.submit(env, order)
            if name == "cancelled":
                workflow.fire(env, order, "cancel", reason="test")
            ids[name] = order.id
    with book.instance.unit(manager) as env:
        for name in plan:
            if name.startswith("history") or name in ("overdue", "on_time"):
                orders.approve(env, ids[name])
    history = book.instance.registry["workflow.history"].__table__
    table = book.instance.registry["sale.order"].__table__
    month_ago = NOW - dt.timedelta(days=30)
    times: dict[str, dict[str, dt.datetime]] = {
        f"history{i}": {
            "submit": month_ago + dt.timedelta(days=i),
            "approve": month_ago + dt.timedelta(days=i, hours=1 if i < 2 else 2),
        }
        for i in range(5)
    }
    times["slow"] = {"submit": NOW - dt.timedelta(hours=10)}
    times["fresh"] = {"submit": NOW - dt.timedelta(hours=1)}
    requested = {"overdue": TODAY - dt.timedelta(days=3), "on_time": TODAY + dt.timedelta(days=10)}
    with book.instance.engine.begin() as conn:
        for name, events in times.items():
            for transition, at in events.items():
                conn.execute(
                    update(history)
                    .where(
                        history.c.model == "sale.order",
                        history.c.res_id == ids[name],
                        history.c.transition == transition,
                    )
                    .values(at=at)
                )
        for name, day in requested.items():  # past dates behind the services' back
            conn.execute(update(table).where(table.c.id == ids[name]).values(requested_date=day))
    return book, ids


def _get(book: Book, **params: Any) -> dict[str, Any]:
    response = book.api().get("/api/v1/reporting/tracking", params=params)
    assert response.status_code == 200, response.text[:500]
    return response.json()


def test_orders_by_node_and_late(board: tuple[Book, dict[str, int]]) -> None:
    book, ids = board
    data = _get(book)
    names = {o["id"]: o for o in data["orders"]}
    by_name = {name: names.get(order_id) for name, order_id in ids.items()}
    # closed, draft and cancelled orders are not open
    assert by_name["quotation"] is None and by_name["cancelled"] is None
    assert all(by_name[f"history{i}"] is None for i in range(5))
    assert data["open_orders"] == 4
    slow, fresh = by_name["slow"], by_name["fresh"]
    assert slow is not None and fresh is not None
    assert slow["last_node"] == "submitted" and slow["waiting_for"] == "approved"
    # waited 10 h against a p90 of 2 h for submitted → approved (5 orders): late
    assert slow["p90_hours"] == "2.0" and Decimal(slow["waited_hours"]) >= Decimal("10.0")
    assert slow["slow"] is True and slow["overdue"] is False and slow["late"] is True
    assert fresh["late"] is False and Decimal(fresh["waited_hours"]) < Decimal(2)
    overdue, on_time = by_name["overdue"], by_name["on_time"]
    assert overdue is not None and on_time is not None
    assert overdue["last_node"] == "approved" and overdue["waiting_for"] != "approved"
    assert overdue["overdue"] is True and overdue["late"] is True
    assert on_time["waiting_for"] == overdue["waiting_for"] and on_time["late"] is False
    assert overdue["url"] == f"/app/sales/orders/{ids['overdue']}"
    counts = {n["node"]: (n["orders"], n["late"]) for n in data["nodes"]}
    assert counts["approved"] == (2, 1)
    assert counts[overdue["waiting_for"]] == (2, 1)
    assert data["late_orders"] == 2
    assert data["orders"][0]["late"] and data["orders"][1]["late"]  # the late first
    assert "90th percentile" in data["late_rule"]

    late = _get(book, late="1")
    assert {o["id"] for o in late["orders"]} == {ids["slow"], ids["overdue"]}
    assert late["open_orders"] == 4  # the counts still cover every open order
    one = _get(book, node="approved")
    assert {o["id"] for o in one["orders"]} == {ids["slow"], ids["fresh"]}
    both = _get(book, node="approved", late="1")
    assert [o["id"] for o in both["orders"]] == [ids["slow"]]


def test_board_screen_access_and_errors(board: tuple[Book, dict[str, int]]) -> None:
    book, ids = board
    en = book.browser().get("/reporting/tracking", params={"late": "1"})
    assert en.status_code == 200
    assert "Tracking board" in en.text and "requested date has passed" in en.text
    assert f'href="/app/sales/orders/{ids["slow"]}"' in en.text
    assert f'href="/app/sales/orders/{ids["fresh"]}"' not in en.text  # not late
    assert "slower than p90" in en.text and "past requested date" in en.text
    zh = book.browser(lang="zh_CN").get("/reporting/tracking")
    assert zh.status_code == 200 and "跟踪看板" in zh.text and "第90百分位" in zh.text
    bad = book.api().get("/api/v1/reporting/tracking", params={"node": "nowhere"})
    assert bad.status_code == 422 and "node" in bad.json()["fields"]
    assert book.api(book.outsider).get("/api/v1/reporting/tracking").status_code == 403
    assert book.browser(book.outsider).get("/reporting/tracking").status_code == 403


def test_board_statements_do_not_grow(board: tuple[Book, dict[str, int]]) -> None:
    from addons.reporting.analyses import board as board_module
    from addons.sales_order.services import orders
    from kernel.testing import StatementCounter

    book, _ids = board

    def count() -> int:
        with book.instance.unit(book.clerk, readonly=True) as env:
            with StatementCounter(book.instance.engine) as counter:
                board_module.build(env)
            return counter.count

    before = count()
    with book.instance.unit(book.clerk) as env:
        for _i in range(5):
            order = orders.create_order(
                env,
                book.partners["Huaxin"],
                [{"product_id": book.products["widget"], "quantity": Decimal(1)}],
            )
            orders.submit(env, order)
    assert count() == before

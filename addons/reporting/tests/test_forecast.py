"""Demand forecast: ETS against the seasonal-naive baseline on series with known
shapes, the history aggregated in SQL, reorder suggestions, and the JSON endpoint."""

from __future__ import annotations

import datetime as dt
import io
import math
import random
from decimal import Decimal
from typing import Any

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select

from addons.reporting.forecast import methods
from addons.reporting.tests.conftest import Book, build_book
from kernel.testing import MakeInstance, make_user

D = Decimal
AS_OF = dt.date(2026, 12, 3)


def trending_season(months: int = 36) -> list[float]:
    """A monthly series with a known yearly season on a steady upward trend."""
    rng = random.Random(7)
    return [
        200 + 6 * t + 60 * math.sin(2 * math.pi * t / 12) + rng.gauss(0, 3) for t in range(months)
    ]


def test_ets_beats_the_seasonal_naive_on_a_seasonal_trending_series() -> None:
    y = trending_season()
    result = methods.forecast(y, season=12, horizon=6, holdout=6)
    assert result.ets.mase is not None and result.baseline.mase is not None
    # the baseline repeats last year and so misses a year of trend (≈ 72 units a month):
    # its error is its own in-sample error (MASE ≈ 1); ETS learns the trend
    assert result.ets.mase < result.baseline.mase
    assert 0.8 < result.baseline.mase < 1.2 and result.ets.mase < 0.5, result
    assert result.method == methods.ETS and not result.baseline_better
    assert result.model.startswith("ETS(") and result.model.endswith("A)")  # seasonal
    # the forecast continues the season: the peak month (t = 39 ≡ 3) above the trough (t = 45 ≡ 9)
    ahead = methods.forecast(y[:36], season=12, horizon=12, holdout=6).values
    assert ahead[3] > ahead[9] + 60


def test_the_baseline_is_used_when_it_is_better() -> None:
    """The last two years repeat the same pattern exactly: last year is the perfect
    forecast, and no smoothing can beat it."""
    pattern = [120, 90, 80, 85, 100, 130, 150, 140, 110, 95, 100, 260]
    noisy_first = [v + (15 if i % 2 else -15) for i, v in enumerate(pattern)]
    y = [float(v) for v in noisy_first + pattern + pattern]
    result = methods.forecast(y, season=12, horizon=3, holdout=6)
    assert result.baseline.mase == 0
    assert result.ets.mase is not None and result.ets.mase > 0
    assert result.method == methods.BASELINE and result.baseline_better
    assert result.values == [120.0, 90.0, 80.0]
    # a series too short to backtest falls back to the baseline as well
    short = methods.forecast([5.0, 6.0, 7.0], season=12, horizon=2, holdout=6)
    assert short.method == methods.BASELINE and short.values == [7.0, 7.0]
    assert short.ets.mase is None and short.baseline.mase is None


# --- through the database and the API -------------------------------------------------------


@pytest.fixture
def shop(make_instance: MakeInstance) -> Book:
    return build_shop(make_instance)


def build_shop(make_instance: MakeInstance) -> Book:
    """The book (its quotations stay out) plus two years of weekly sales loaded by the
    demo loader's set-based insert, a reorder rule on the widget and a planner who may
    read it (``book.partners["planner"]``, a user id)."""
    from addons.reporting.demo import loader

    book = build_book(make_instance(["reporting", "sales_order", "stock"]))
    book.partners["planner"] = make_user(
        book.instance, "planner", ["sales_order.group_user", "stock.group_user"]
    )
    with book.instance.unit(None, su=True) as env:
        Data = env["ir.model.data"]
        for index, pid in enumerate(sorted(book.products.values())):
            env.session.add(
                Data(
                    addon="base",
                    name=f"demo_product_{index + 1:02d}",
                    model="product.product",
                    res_id=pid,
                )
            )
        for index, pid in enumerate(sorted(book.partners.values())):
            env.session.add(
                Data(
                    addon="base",
                    name=f"demo_customer_{index + 1:02d}",
                    model="res.partner",
                    res_id=pid,
                )
            )
        env.session.flush()
        loader.load(env, today=AS_OF)
        env.session.add(
            env["stock.reorder.rule"](
                name="Widget min 20",
                product_id=book.products["widget"],
                warehouse_id=env.ref("stock.warehouse_main").id,
                minimum=D(20),
                maximum=D(100),
                multiple=D(10),
                lead_days=14,
            )
        )
    return book


def _get(client: Any, **params: Any) -> Any:
    response = client.get("/api/v1/reporting/forecast", params=params)
    assert response.status_code == 200, response.text[:500]
    return response.json()


def test_forecast_api_history_matches_sql_and_suggests_reorders(shop: Book) -> None:
    planner = shop.partners["planner"]
    data = _get(shop.api(planner), unit="month", by="product", as_of=AS_OF.isoformat(), horizon="6")
    assert data["past"][-1] == "2026-11" and len(data["past"]) == 36
    assert data["future"] == ["2026-12", "2027-01", "2027-02", "2027-03", "2027-04", "2027-05"]
    by_id = {s["id"]: s for s in data["series"]}
    widget = by_id[shop.products["widget"]]
    with shop.instance.unit(None, su=True) as env:
        Line, Order = env["sale.order.line"], env["sale.order"]
        direct = env.session.scalar(
            select(func.sum(Line.quantity, type_=Line.quantity.type))
            .join(Order, Order.id == Line.order_id)
            .where(
                Line.product_id == shop.products["widget"],
                Order.state.in_(("approved", "in_progress", "completed", "closed")),
                Order.date_order >= dt.date(2023, 12, 1),
                Order.date_order <= dt.date(2026, 11, 30),
            )
        )
    assert sum(D(v) for v in widget["history"]) == direct
    accuracy = widget["accuracy"]
    for method in ("ets", "seasonal_naive"):
        assert D(accuracy[method]["mase"]) >= 0 and accuracy[method]["folds"] == 6
    chosen = "seasonal_naive" if widget["baseline_better"] else "ets"
    other = "ets" if chosen == "seasonal_naive" else "seasonal_naive"
    assert widget["method"] == chosen
    assert D(accuracy[chosen]["mase"]) <= D(accuracy[other]["mase"])
    assert all(D(v) == D(v).to_integral_value() for v in widget["forecast"])  # whole units
    # the Spring Festival month (Feb 2027) is forecast above the quiet April
    assert D(widget["forecast"][2]) > D(widget["forecast"][4]), str(widget)
    [rule] = data["reorder"]
    assert rule["product_id"] == shop.products["widget"] and rule["cover_days"] == 14 + 30
    assert D(rule["stock_forecast"]) == 0 and D(rule["rule_now"]) == 100  # nothing in stock
    projected = D(rule["stock_forecast"]) - D(rule["demand"])
    assert D(rule["projected"]) == projected and D(rule["demand"]) > 0
    # the rule's own arithmetic: up to the maximum, in multiples of 10
    expected = ((100 - projected) / 10).to_integral_value(rounding="ROUND_CEILING") * 10
    assert D(rule["suggested"]) == expected
    # a sales clerk without stock rights sees the forecast, not the rules
    clerk = _get(shop.api(), unit="month", as_of=AS_OF.isoformat())
    assert clerk["series"] and clerk["reorder"] == []


def test_forecast_per_category_and_screen(shop: Book) -> None:
    data = _get(
        shop.api(),
        unit="week",
        by="category",
        category=str(shop.categories["Hardware"]),
        as_of=AS_OF.isoformat(),
    )
    [series] = data["series"]
    assert series["label"] == "Hardware" and len(series["forecast"]) == 13
    assert data["reorder"] == []
    planner = shop.partners["planner"]
    en = shop.browser(planner).get("/reporting/forecast", params={"as_of": AS_OF.isoformat()})
    assert en.status_code == 200 and "Demand forecast" in en.text and "MASE" in en.text
    assert "Suggested reorder quantities" in en.text and "Widget min 20" in en.text
    zh = shop.browser(planner, lang="zh_CN").get(
        "/reporting/forecast", params={"as_of": AS_OF.isoformat()}
    )
    assert zh.status_code == 200 and "需求预测" in zh.text and "建议补货数量" in zh.text
    xlsx = shop.browser(planner).get(
        "/reporting/forecast/xlsx", params={"as_of": AS_OF.isoformat(), "horizon": "3"}
    )
    rows = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content)).get_sheet_by_index(0)
    sheet = rows.to_python()
    assert sheet[0][7:] == ["2026-12", "2027-01", "2027-02", "Total"]
    widget = next(row for row in sheet if row[0] == "[W] Widget")
    assert widget[10] == sum(widget[7:10])  # the total of the three months
    assert any(row and row[0] == "Widget min 20" for row in sheet)


def test_forecast_bad_input_and_access(make_instance: MakeInstance) -> None:
    book = build_book(make_instance(["reporting", "sales_order"]))
    api = book.api()
    for params, field in (
        ({"unit": "decade"}, "unit"),
        ({"by": "colour"}, "by"),
        ({"product": "999999"}, "product"),
        ({"product": "abc"}, "product"),
        ({"by": "category", "category": "424242"}, "category"),
        ({"horizon": "0"}, "horizon"),
        ({"horizon": "x"}, "horizon"),
        ({"limit": "500"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"as_of": "tomorrow"}, "as_of"),
        ({"as_of": "0001-01-01"}, "as_of"),
        ({"horizon": "²"}, "horizon"),
        ({"horizon": "9" * 30}, "horizon"),
        ({"product": ",".join(str(i) for i in range(1, 60))}, "product"),
    ):
        bad = api.get("/api/v1/reporting/forecast", params=params)
        assert bad.status_code == 422, (params, bad.text)
        assert bad.headers["content-type"].startswith("application/problem+json")
        assert field in bad.json()["fields"], (params, bad.json())
    denied = book.api(book.outsider).get("/api/v1/reporting/forecast")
    assert denied.status_code == 403
    # without stock the screen has no reorder part and the JSON an empty list
    data = _get(api)
    assert data["reorder"] == [] and data["series"] == []  # the book holds no confirmed sale

"""A list of 10,000 orders opens with a fixed handful of SQL statements, on any page."""

from __future__ import annotations

import datetime as dt
import re
import time
from decimal import Decimal
from typing import Any

from fixtures.webclient import ADDONS, Browser, api_client
from sqlalchemy import insert

from kernel.testing import StatementCounter, make_user

ORDERS = 10_000


def test_ten_thousand_orders_page_with_bounded_statements(make_instance: Any) -> None:
    instance = make_instance(["webdemo"], addons_path=ADDONS)
    clerk_id = make_user(instance, "clerk", ["webdemo.group_user"])
    with instance.unit(None, su=True) as env:
        Customer, Order = env["webdemo.customer"], env["webdemo.order"]
        env.session.execute(insert(Customer), [{"name": f"Customer {i:03d}"} for i in range(200)])
        env.session.execute(
            insert(Order),
            [
                {
                    "name": f"SO{i:05d}",
                    "customer_id": 1 + i % 200,
                    "date_order": dt.date(2026, 1, 1) + dt.timedelta(days=i % 300),
                    "amount_total": Decimal(i) + Decimal("0.25"),
                    "weight": Decimal("1.5"),
                    "priority": ("low", "normal", "high")[i % 3],
                    "state": "draft",
                    "notes": "",
                    "urgent": i % 7 == 0,
                }
                for i in range(ORDERS)
            ],
        )
    browser = Browser(instance, "clerk")
    browser.get("/app/demo-orders")  # warm caches (metadata, templates)
    counts = {}
    timings = {}
    for label, url in [
        ("first", "/app/demo-orders"),
        ("deep", "/app/demo-orders?page=150&order=-amount_total"),
        ("search", "/app/demo-orders?q=SO09&f=urgent"),
        ("grouped", "/app/demo-orders?group=customer_id"),
    ]:
        started = time.perf_counter()
        with StatementCounter(instance.engine) as counter:
            page = browser.get(url)
        timings[label] = time.perf_counter() - started
        assert page.status_code == 200
        if label == "first":
            assert "1–50 of 10,000" in page.text
        counts[label] = counter.count
    browser.close()
    print(
        "statements per list request:",
        counts,
        "seconds:",
        {k: round(v, 3) for k, v in timings.items()},
    )
    # session lookup, user, groups, access map, menus, count+sums, page (m2o names joined)
    assert max(counts.values()) <= 12, counts
    assert counts["first"] == counts["deep"], counts
    for label, seconds in timings.items():
        assert seconds < 2.0, (label, seconds)

    with api_client(instance, clerk_id) as api, StatementCounter(instance.engine) as counter:
        response = api.get("/api/v1/webdemo.order?limit=500&offset=9000&order=-amount_total")
    assert response.status_code == 200 and len(response.json()["items"]) == 500
    assert response.json()["total"] == ORDERS
    assert counter.count <= 12, counter.statements


def test_first_page_shows_count_and_names(make_instance: Any) -> None:
    instance = make_instance(["webdemo"], addons_path=ADDONS)
    make_user(instance, "clerk", ["webdemo.group_user"])
    with instance.unit(None, su=True) as env:
        Customer, Order = env["webdemo.customer"], env["webdemo.order"]
        env.session.execute(insert(Customer), [{"name": "Only customer"}])
        env.session.execute(
            insert(Order),
            [
                {
                    "name": f"SO{i:05d}",
                    "customer_id": 1,
                    "amount_total": Decimal(1),
                    "priority": "low",
                    "state": "draft",
                    "notes": "",
                    "urgent": False,
                    "weight": Decimal(0),
                }
                for i in range(120)
            ],
        )
    browser = Browser(instance, "clerk")
    page = browser.get("/app/demo-orders")
    browser.close()
    assert "1–50 of 120" in page.text
    assert len(re.findall(r"Only customer", page.text)) == 50

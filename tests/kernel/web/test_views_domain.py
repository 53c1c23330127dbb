"""A list narrowed to a report cell: ``d=<path>[:<unit>]=<value>`` pairs (kernel/web/ui/domain.py)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from fixtures.webclient import ADDONS, Browser

from kernel.testing import make_user


@pytest.fixture
def shop(make_instance: Any) -> Any:
    instance = make_instance(["webdemo"], addons_path=ADDONS)
    make_user(instance, "clerk", ["webdemo.group_user"])
    with instance.unit(None, su=True) as env:
        Customer, Order = env["webdemo.customer"], env["webdemo.order"]
        acme, blue = Customer(name="ACME Trading"), Customer(name="Blue River Foods")
        env.session.add_all([acme, blue])
        env.session.flush()
        for index in range(1, 7):
            env.session.add(
                Order(
                    name=f"SO{index:03d}",
                    customer_id=acme.id if index % 2 else blue.id,
                    amount_total=Decimal(index) * 100,
                    date_order=dt.date(2026, 3, index),  # 2026-03-01 is a Sunday
                    priority="high" if index <= 2 else "normal",
                )
            )
        ids = {"acme": acme.id, "blue": blue.id}
    browser = Browser(instance, "clerk")
    yield browser, ids
    browser.close()


def _names(html: str) -> list[str]:
    return sorted(re.findall(r'class="sp-row-link" href="/app/demo-orders/\d+">([^<]*)<', html))


def test_cell_domains_narrow_the_list(shop: Any) -> None:
    browser, ids = shop
    page = browser.get("/app/demo-orders", params={"d": f"customer_id={ids['acme']}"})
    assert _names(page.text) == ["SO001", "SO003", "SO005"]
    assert "ACME Trading" in page.text and "sp-domain" in page.text
    # one many-to-one hop, a selection and a date bucket together
    page = browser.get(
        "/app/demo-orders",
        params=[
            ("d", "customer_id.name=Blue River Foods"),
            ("d", "priority=normal"),
            ("d", "date_order:week=2026-03-02"),
        ],
    )
    assert _names(page.text) == ["SO004", "SO006"]
    # a range, as an analysis's period writes it
    page = browser.get(
        "/app/demo-orders", params=[("d", "amount_total>=300"), ("d", "date_order<=2026-03-05")]
    )
    assert _names(page.text) == ["SO003", "SO004", "SO005"]
    # the export follows the same domain
    csv = browser.get("/app/demo-orders/export/csv", params={"d": f"customer_id={ids['blue']}"})
    assert csv.text.count("SO00") == 3


def test_bad_domains_are_named(shop: Any) -> None:
    browser, _ids = shop
    page = browser.get("/app/demo-orders", params={"d": "nothing=1"})
    assert page.status_code == 422 and "nothing" in page.text
    page = browser.get("/app/demo-orders", params={"d": "date_order:fortnight=1"})
    assert page.status_code == 422 and "fortnight" in page.text
    page = browser.get("/app/demo-orders", params={"d": "name.x.y.z=1"})
    assert page.status_code == 422

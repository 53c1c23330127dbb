"""The generic screens on the built-in sales addon: a sales order entered through the form."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fixtures.webclient import Browser

from kernel.testing import make_user


@pytest.fixture
def seller(make_instance: Any) -> Any:
    from kernel.addons.discovery import discover

    if "sales_order" not in discover():
        pytest.skip("the sales_order addon is not available")
    instance = make_instance(["sales_order"], demo=True)
    make_user(instance, "seller", ["sales_order.group_user"])
    browser = Browser(instance, "seller")
    yield instance, browser
    browser.close()


def test_sales_order_entered_through_the_form(seller: Any) -> None:
    instance, browser = seller
    new = browser.get("/app/sales/orders/new")
    assert new.status_code == 200
    partner = re.search(r'data-id="(\d+)"', browser.get("/app/_picker/res.partner?q=Berlin").text)
    product = re.search(r'data-id="(\d+)"', browser.get("/app/_picker/product.product?q=").text)
    assert partner and product
    row = browser.get("/app/sales/orders/_line/lines?index=0")
    assert row.status_code == 200 and 'name="lines-lines-0-product_id"' in row.text
    saved = browser.post(
        "/app/sales/orders/new",
        {
            "partner_id": partner.group(1),
            "lines-lines-present": "1",
            "lines-lines-0-product_id": product.group(1),
            "lines-lines-0-quantity": "2",
        },
    )
    assert saved.status_code == 303, saved.text[-3000:]
    page = browser.get(saved.headers["location"])
    assert page.status_code == 200
    assert re.search(r'data-sp-action="submit"', page.text)
    with instance.unit(None, su=True) as env:
        from sqlalchemy import func, select

        Order = env["sale.order"]
        newest = env.session.scalar(select(Order).order_by(Order.id.desc()).limit(1))
        assert newest.partner_id == int(partner.group(1))
        assert len(newest.lines) == 1 and newest.amount_total > 0
        assert env.session.scalar(select(func.count()).select_from(Order)) > 1


def test_sales_list_screen_groups_by_month(seller: Any) -> None:
    _instance, browser = seller
    page = browser.get("/app/sales/orders?group=date_order:month")
    assert page.status_code == 200
    assert re.search(r"\b20\d\d-\d\d\b", page.text)

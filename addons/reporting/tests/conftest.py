"""A sales book in two currencies over several months, and clients for the screens and API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from litestar.testing import TestClient

from kernel.apikeys import create_api_key
from kernel.instance import Instance
from kernel.testing import MakeInstance, make_user
from kernel.web.app import create_app

BASE_URL = "http://suanpan.localhost"


@dataclass
class Book:
    instance: Instance
    clerk: int
    outsider: int
    cny: int
    usd: int
    partners: dict[str, int] = field(default_factory=dict)
    products: dict[str, int] = field(default_factory=dict)
    categories: dict[str, int] = field(default_factory=dict)

    def speak(self, uid: int, lang: str) -> None:
        """The user's language preference (it wins over the browser's)."""
        with self.instance.unit(None, su=True) as env:
            env.get("res.user", uid).lang = lang

    def api(self, uid: int | None = None, lang: str = "en") -> TestClient[Any]:
        self.speak(uid or self.clerk, lang)
        with self.instance.unit(None, su=True) as env:
            key = create_api_key(env, uid or self.clerk, "tests")
        client = TestClient(create_app(self.instance), base_url=BASE_URL)
        client.headers["Authorization"] = f"Bearer {key}"
        client.headers["Accept-Language"] = lang
        return client

    def browser(self, uid: int | None = None, lang: str = "en") -> TestClient[Any]:
        from kernel.web.sessions import COOKIE_NAME, create_session

        self.speak(uid or self.clerk, lang)
        client = TestClient(create_app(self.instance), base_url=BASE_URL)
        client.cookies.set(COOKIE_NAME, create_session(self.instance, uid or self.clerk))
        client.headers["Accept-Language"] = lang
        return client


# (customer, date, currency, [(product, quantity, price)], cancelled)
ORDERS: list[tuple[str, dt.date, str, list[tuple[str, str, str]], bool]] = [
    ("Huaxin", dt.date(2026, 1, 10), "CNY", [("widget", "1", "100.00")], False),
    ("Huaxin", dt.date(2026, 1, 20), "CNY", [("gadget", "4", "25.50")], False),
    ("Huaxin", dt.date(2026, 1, 21), "USD", [("widget", "3", "14.99")], False),
    (
        "Beifang",
        dt.date(2026, 2, 5),
        "CNY",
        [("widget", "2", "99.99"), ("gadget", "1", "0.01")],
        False,
    ),
    ("Beifang", dt.date(2026, 2, 28), "USD", [("gadget", "7", "3.33")], False),
    ("Beifang", dt.date(2026, 3, 1), "CNY", [("widget", "1", "100.00")], True),
    (
        "Huaxin",
        dt.date(2026, 4, 2),
        "USD",
        [("widget", "2", "15.05"), ("gadget", "3", "1.10")],
        False,
    ),
]


def build_book(instance: Instance) -> Book:
    from addons.sales_order.services import orders
    from kernel import workflow

    clerk = make_user(instance, "clerk", ["sales_order.group_user"])
    outsider = make_user(instance, "outsider", ["base.group_user"])
    with instance.unit(None, su=True) as env:
        book = Book(instance, clerk, outsider, env.ref("base.cny").id, env.ref("base.usd").id)
        env.ref("base.usd").active = True
        Category = env["product.category"]
        for name in ("Hardware", "Parts"):
            category = Category(name=name)
            env.session.add(category)
            env.session.flush()
            book.categories[name] = category.id
        unit = env.ref("base.uom_unit").id
        vat = env.ref("base.vat_13_sale").id
        for code, name, category in (("W", "Widget", "Hardware"), ("G", "Gadget", "Parts")):
            product = env["product.product"](
                default_code=code,
                name=name,
                category_id=book.categories[category],
                type="consumable",
                uom_id=unit,
                list_price=Decimal(10),
                standard_price=Decimal(1),
                sale_tax_id=vat,
            )
            env.session.add(product)
            env.session.flush()
            book.products[name.lower()] = product.id
    with instance.unit(clerk) as env:
        Partner = env["res.partner"]
        for name in ("Huaxin", "Beifang"):
            partner = Partner(name=name, is_company=True, is_customer=True)
            env.session.add(partner)
            env.session.flush()
            book.partners[name] = partner.id
        for customer, day, code, lines, cancelled in ORDERS:
            order = orders.create_order(
                env,
                book.partners[customer],
                [
                    {
                        "product_id": book.products[p],
                        "quantity": Decimal(q),
                        "price_unit": Decimal(u),
                    }
                    for p, q, u in lines
                ],
                date_order=day,
                currency_id=book.cny if code == "CNY" else book.usd,
            )
            if cancelled:
                workflow.fire(env, order, "cancel", reason="test")
    return book


@pytest.fixture
def book(make_instance: MakeInstance) -> Book:
    return build_book(make_instance(["reporting", "sales_order"]))

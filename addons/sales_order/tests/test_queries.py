"""Finding orders: search keys, date range, states, group totals; saved filters per user."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from addons.sales_order.services import orders, queries
from addons.sales_order.tests.conftest import World
from kernel.errors import NotFound, ValidationError
from kernel.testing import StatementCounter, make_user


@pytest.fixture
def book(world: World) -> World:
    with world.unit() as env:
        Partner = env["res.partner"]
        other = Partner(name="Beifang Machinery", is_company=True, is_customer=True)
        env.session.add(other)
        env.session.flush()
        world.other = other.id  # type: ignore[attr-defined]
        specs = [
            (world.customer, dt.date(2026, 1, 10), world.widget, 1),
            (world.customer, dt.date(2026, 1, 20), world.gadget, 4),
            (other.id, dt.date(2026, 2, 5), world.widget, 2),
            (other.id, dt.date(2026, 3, 1), world.service, 1),
        ]
        for partner, day, product, qty in specs:
            orders.create_order(
                env, partner, [{"product_id": product, "quantity": qty}], date_order=day
            )
    with world.unit(world.manager) as env:
        orders.create_order(
            env,
            world.customer,
            [{"product_id": world.widget, "quantity": 5}],
            date_order=dt.date(2026, 3, 2),
        )
    return world


def _names(found) -> list[str]:
    return [o.partner.name + "@" + o.date_order.isoformat() for o in found]


def test_search_by_keys(book: World) -> None:
    with book.unit() as env:
        assert len(queries.search_orders(env, "")) == 5
        assert len(queries.search_orders(env, "q=Beifang")) == 2
        first = queries.search_orders(env, "date_to=2026-01-15")[0]
        assert queries.search_orders(env, f"q={first.name}")[0].id == first.id
        assert _names(queries.search_orders(env, "product=G-200")) == [
            "Huaxin Trading Co.@2026-01-20"
        ]
        assert len(queries.search_orders(env, "product=Widget")) == 3
        assert len(queries.search_orders(env, "salesperson=boss")) == 1
        assert (
            len(
                queries.search_orders(
                    env, "customer=huaxin&date_from=2026-01-15&date_to=2026-02-28"
                )
            )
            == 1
        )
        assert queries.search_orders(env, "state=submitted,approved") == []
        with pytest.raises(ValidationError) as err:
            queries.search_orders(env, "date_from=yesterday")
        assert "date_from" in err.value.fields


def test_group_totals(book: World) -> None:
    with book.unit() as env:
        by_month = {g.key: (g.count, g.amount_total) for g in queries.group_totals(env, "month")}
        assert by_month == {
            "2026-01": (2, Decimal("228.26")),  # 113 + 4 × 25.50 × 1.13
            "2026-02": (1, Decimal("226.00")),
            "2026-03": (2, Decimal("649.80")),  # 84.80 + 565
        }
        by_customer = {g.label: g.count for g in queries.group_totals(env, "partner")}
        assert by_customer == {"Huaxin Trading Co.": 3, "Beifang Machinery": 2}
        by_state = queries.group_totals(env, "state", "product=Widget")
        assert [(g.label, g.count) for g in by_state] == [("Draft", 3)]
        assert {g.label: g.count for g in queries.group_totals(env, "salesperson")} == {
            "Clerk": 4,
            "Boss": 1,
        }
        with StatementCounter(book.instance.engine) as counter:
            queries.group_totals(env, "partner")
        assert counter.count == 1
        with pytest.raises(ValidationError):
            queries.group_totals(env, "colour")


def test_saved_filters_are_private(book: World) -> None:
    with book.unit() as env:
        saved = queries.save_filter(env, "Beifang Q1", "?q=Beifang&date_to=2026-03-31")
        assert saved.query == "q=Beifang&date_to=2026-03-31"
        assert len(queries.apply_filter(env, saved.id)) == 2
        again = queries.save_filter(env, "Beifang Q1", "q=Beifang&date_to=2026-02-28")
        assert again.id == saved.id and len(queries.apply_filter(env, saved.id)) == 1
        assert [f.name for f in queries.my_filters(env)] == ["Beifang Q1"]
        with pytest.raises(ValidationError):
            queries.save_filter(env, " ", "q=x")
    with book.unit(book.manager) as env:
        assert queries.my_filters(env) == []
        with pytest.raises(NotFound):
            queries.apply_filter(env, saved.id)


def test_saved_filter_routes(book: World) -> None:
    from addons.sales_order.tests.test_api import _client

    someone = make_user(book.instance, "someone", ["sales_order.group_user"])
    from litestar.testing import TestClient

    from kernel.web.app import create_app
    from kernel.web.sessions import COOKIE_NAME, create_session

    browser = TestClient(create_app(book.instance), base_url="http://suanpan.localhost")
    with browser as clerk, _client(book.instance, someone) as other:
        clerk.cookies.set(COOKIE_NAME, create_session(book.instance, book.clerk))
        clerk.get("/sales/filters")
        token = clerk.cookies.get("csrftoken")
        assert token
        forged = clerk.post(
            "/sales/filters", data={"name": "x", "query": ""}, follow_redirects=False
        )
        assert forged.status_code == 403
        response = clerk.post(
            "/sales/filters",
            data={"name": "Q1", "query": "q=Beifang&f=draft", "_csrf_token": token},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        assert response.headers["location"] == "/app/sales/orders?q=Beifang&f=draft"
        listed = clerk.get("/sales/filters").json()
        assert [f["name"] for f in listed] == ["Q1"]
        applied = clerk.get(listed[0]["url"], follow_redirects=False)
        assert applied.headers["location"] == "/app/sales/orders?q=Beifang&f=draft"
        assert other.get(listed[0]["url"], follow_redirects=False).status_code == 404

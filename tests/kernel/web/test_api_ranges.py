"""Numbers from the network are range-checked before any query (issue 18 point 6).

An id beyond 64 bits in any path, an offset beyond 64 bits, a negative page:
each is a 422 problem+json naming the parameter, never a 500 and never read as
something else (``page=-5`` is not page 1).
"""

from __future__ import annotations

from typing import Any

import pytest
from fixtures.webclient import Browser, api_client

from kernel.testing import make_user

HUGE = "675059998389150154752"  # > 2**64
JUST_OVER = str(2**63)


@pytest.fixture
def api(make_instance: Any) -> Any:
    instance = make_instance(["sales_order", "accounting"])
    uid = make_user(instance, "boss", ["sales_order.group_manager", "accounting.group_manager"])
    with api_client(instance, uid) as client:
        yield instance, client


def _is_problem(response: Any, status: int, field: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in response.json()["fields"], response.json()


@pytest.mark.parametrize(
    ("method", "path", "field"),
    [
        ("GET", f"/api/v1/sale.order/{HUGE}", "record_id"),
        ("GET", f"/api/v1/sale.order/{JUST_OVER}", "record_id"),
        ("PATCH", f"/api/v1/sale.order/{HUGE}", "record_id"),
        ("DELETE", f"/api/v1/sale.order/{HUGE}", "record_id"),
        ("GET", f"/api/v1/sale.order/{HUGE}/history", "record_id"),
        ("POST", f"/api/v1/sale.order/{HUGE}/actions/submit", "record_id"),
        ("GET", "/sales/last-prices/2432902008176640000000/-74071", "partner_id"),
        ("GET", f"/accounting/invoices/{HUGE}/pdf", "move_id"),
    ],
)
def test_ids_beyond_64_bits_are_a_422_naming_the_parameter(
    api: Any, method: str, path: str, field: str
) -> None:
    _instance, client = api
    response = client.request(method, path, json={} if method in ("PATCH", "POST") else None)
    _is_problem(response, 422, field)


def test_largest_64_bit_id_is_simply_not_found(api: Any) -> None:
    _instance, client = api
    response = client.get(f"/api/v1/sale.order/{2**63 - 1}")
    assert response.status_code == 404, response.text


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (f"offset={JUST_OVER}", "offset"),
        ("offset=-1", "offset"),
        ("limit=-5", "limit"),
        ("limit=501", "limit"),
        ("limit=ten", "limit"),
    ],
)
def test_paging_out_of_range_is_a_422(api: Any, query: str, field: str) -> None:
    _instance, client = api
    _is_problem(client.get(f"/api/v1/sale.order?{query}"), 422, field)


def test_search_limit_out_of_range_is_a_422(api: Any) -> None:
    _instance, client = api
    _is_problem(client.get("/sales/orders/search?limit=-5"), 422, "limit")
    assert client.get("/sales/orders/search?limit=5").status_code == 200


def test_negative_page_of_a_list_screen_is_an_error_not_page_one(make_instance: Any) -> None:
    instance = make_instance(["sales_order"])
    make_user(instance, "seller", ["sales_order.group_user"])
    browser = Browser(instance, "seller")
    try:
        refused = browser.get("/app/sales/orders?page=-5")
        assert refused.status_code == 422
        assert "page" in refused.text
        assert browser.get("/app/sales/orders?page=2").status_code == 200
    finally:
        browser.close()

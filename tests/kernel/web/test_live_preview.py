"""Live forms: ``…/_preview`` shows a record as saving would leave it, and writes nothing.

A clerk picks a customer and a product and sees the unit price, the line and order
totals before Save; what the server filled in reads greyed (a placeholder) and is not
sent back, so saving prices the order exactly as the preview showed. A preview takes
no document number, writes no row, and costs a bounded number of statements.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from fixtures.webclient import Browser
from sqlalchemy import func, select

from kernel.instance import Instance
from kernel.testing import MakeInstance, StatementCounter, make_user


@pytest.fixture
def sales(make_instance: MakeInstance) -> Iterator[tuple[Instance, Browser, dict[str, int]]]:
    from kernel.addons.discovery import discover

    if "sales_order" not in discover():
        pytest.skip("the sales_order addon is not available")
    instance = make_instance(["sales_order"])
    make_user(instance, "clerk", ["sales_order.group_user"])
    with instance.unit(None, su=True) as env:
        partner = env["res.partner"](name="Acme Trading", is_customer=True, phone="+86 21 5555")
        product = env["product.product"](
            name="Green tea", list_price="12.50", uom_id=env.ref("base.uom_unit").id
        )
        env.session.add_all([partner, product])
        env.session.flush()
        ids = {"partner": partner.id, "product": product.id}
    browser = Browser(instance, "clerk")
    yield instance, browser, ids
    browser.close()


def _order(ids: dict[str, int], lines: int = 1, quantity: str = "2") -> dict[str, Any]:
    form: dict[str, Any] = {"partner_id": str(ids["partner"]), "lines-lines-present": "1"}
    for index in range(lines):
        form[f"lines-lines-{index}-product_id"] = str(ids["product"])
        form[f"lines-lines-{index}-quantity"] = quantity
    return form


def _shown(page: str, element_id: str) -> str:
    """The text of the element with ``element_id`` (a total, a read-only cell)."""
    match = re.search(rf'id="{re.escape(element_id)}"[^>]*>(.*?)</', page, re.S)
    assert match, f"no element {element_id}"
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()


def _input(page: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    assert match, f"no input {name}"
    return match.group(0)


def _orders(instance: Instance) -> int:
    with instance.unit(None, su=True, readonly=True) as env:
        return int(env.session.scalar(select(func.count()).select_from(env["sale.order"])))


def _counters(instance: Instance) -> list[tuple[Any, ...]]:
    with instance.unit(None, su=True, readonly=True) as env:
        Counter = env["ir.sequence.counter"]
        return [tuple(r) for r in env.session.execute(select(Counter.id, Counter.next_number))]


def test_a_new_order_is_priced_and_totalled_before_save(sales: Any) -> None:
    instance, browser, ids = sales
    counters = _counters(instance)
    answer = browser.post("/app/sales/orders/new/_preview", _order(ids))
    assert answer.status_code == 200, answer.text[-2000:]
    page = answer.text
    # the price the price list gives, greyed: left for the server to fill, not typed
    price = _input(page, "lines-lines-0-price_unit")
    assert 'value=""' in price and 'placeholder="12.5' in price and "data-sp-filled" in price
    assert _shown(page, "f-amount_untaxed") == "25.00"
    # the customer's phone comes from the customer, also greyed
    phone = _input(page, "phone")
    assert 'placeholder="+86 21 5555"' in phone and 'value=""' in phone
    assert _orders(instance) == 0 and _counters(instance) == counters  # nothing written
    saved = browser.post("/app/sales/orders/new", _order(ids))
    assert saved.status_code == 303
    with instance.unit(None, su=True, readonly=True) as env:
        order = env.session.scalars(select(env["sale.order"])).one()
        assert order.amount_untaxed == Decimal("25.00") and order.phone == "+86 21 5555"
        assert order.lines[0].price_source != "manual"  # priced by the server, as shown


def test_a_wrong_value_is_named_beside_its_field_and_the_rest_still_computes(sales: Any) -> None:
    instance, browser, ids = sales
    form = _order(ids, lines=2)
    form["lines-lines-1-quantity"] = "two"
    answer = browser.post("/app/sales/orders/new/_preview", form)
    assert answer.status_code == 200
    assert 'data-field-error="lines-lines-1-quantity"' in answer.text
    assert 'value="two"' in _input(answer.text, "lines-lines-1-quantity")  # kept as typed
    assert _shown(answer.text, "f-lines-lines-0-price_subtotal") == "25.00"  # the valid line
    assert _orders(instance) == 0


def test_editing_an_order_previews_the_change_without_saving_it(sales: Any) -> None:
    instance, browser, ids = sales
    saved = browser.post("/app/sales/orders/new", _order(ids))
    order_id = int(saved.headers["location"].rsplit("/", 1)[1])
    with instance.unit(None, su=True, readonly=True) as env:
        order = env.session.get(env["sale.order"], order_id)
        line_id, number = order.lines[0].id, order.name
    form = _order(ids, quantity="10")
    form["lines-lines-0-id"] = str(line_id)
    answer = browser.post(f"/app/sales/orders/{order_id}/_preview", form)
    assert answer.status_code == 200
    assert _shown(answer.text, "f-amount_untaxed") == "125.00"
    assert number in answer.text
    with instance.unit(None, su=True, readonly=True) as env:
        order = env.session.get(env["sale.order"], order_id)
        assert order.amount_untaxed == Decimal("25.00") and order.lines[0].quantity == 2


def test_a_preview_of_200_lines_costs_a_bounded_number_of_statements(sales: Any) -> None:
    instance, browser, ids = sales
    browser.post("/app/sales/orders/new/_preview", _order(ids, lines=2))  # warm caches
    with StatementCounter(instance.engine) as few:
        assert browser.post("/app/sales/orders/new/_preview", _order(ids, lines=2)).is_success
    with StatementCounter(instance.engine) as many:
        answer = browser.post("/app/sales/orders/new/_preview", _order(ids, lines=200))
    assert answer.status_code == 200
    assert _shown(answer.text, "f-amount_untaxed") == "5,000.00"
    assert many.count <= few.count + 5, many.statements[few.count :]


def test_a_user_who_may_not_create_orders_gets_no_preview(sales: Any) -> None:
    instance, _browser, ids = sales
    make_user(instance, "reader", [])
    reader = Browser(instance, "reader")
    try:
        answer = reader.post("/app/sales/orders/new/_preview", _order(ids))
        assert answer.status_code == 403
    finally:
        reader.close()

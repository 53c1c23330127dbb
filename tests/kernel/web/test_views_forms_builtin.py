"""Forms of the built-in addons: read-only line sections, defaults on new forms, layout.

Checks and exceptions are shown on a sales order but never written through it;
a new product starts in units and a new partner from Customers starts as a
customer; an empty section says so; totals sit together in one block.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fixtures.webclient import Browser, api_client
from sqlalchemy import func, select

from kernel.instance import Instance
from kernel.testing import MakeInstance, make_user


@pytest.fixture
def sales(make_instance: MakeInstance) -> Iterator[tuple[Instance, Browser, dict[str, int]]]:
    from kernel.addons.discovery import discover

    if "sales_order" not in discover():
        pytest.skip("the sales_order addon is not available")
    instance = make_instance(["sales_order"])
    make_user(instance, "boss", ["sales_order.group_manager", "base.group_manager"])
    with instance.unit(None, su=True) as env:
        partner = env["res.partner"](name="Acme Trading", is_customer=True)
        product = env["product.product"](
            name="Green tea", name_zh="绿茶", list_price="12.50", uom_id=env.ref("base.uom_unit").id
        )
        env.session.add_all([partner, product])
        env.session.flush()
        ids = {"partner": partner.id, "product": product.id}
    browser = Browser(instance, "boss")
    yield instance, browser, ids
    browser.close()


def _new_order(browser: Browser, ids: dict[str, int], **extra: str) -> int:
    saved = browser.post(
        "/app/sales/orders/new",
        {
            "partner_id": str(ids["partner"]),
            "lines-lines-present": "1",
            "lines-lines-0-product_id": str(ids["product"]),
            "lines-lines-0-quantity": "2",
            **extra,
        },
    )
    assert saved.status_code == 303, saved.text[-2000:]
    return int(saved.headers["location"].rsplit("/", 1)[1])


def _section(page: str, relation: str) -> str:
    match = re.search(rf'<section[^>]*data-sp-lines="{relation}".*?</section>', page, re.S)
    assert match, relation
    return match.group(0)


def test_checks_and_exceptions_are_shown_but_not_written_through_the_order(
    sales: tuple[Instance, Browser, dict[str, int]],
) -> None:
    instance, browser, ids = sales
    order_id = _new_order(
        browser,
        ids,
        **{
            "lines-exceptions-present": "1",
            "lines-exceptions-0-kind": "delay",
            "lines-exceptions-0-description": "typed into the order form",
        },
    )
    with instance.unit(None, su=True) as env:
        Exception_ = env["sale.order.exception"]
        assert env.session.scalar(select(func.count()).select_from(Exception_)) == 0

    page = browser.get(f"/app/sales/orders/{order_id}").text
    for relation in ("checks", "exceptions"):
        section = _section(page, relation)
        assert "data-sp-add-line" not in section and "<input" not in section
        assert f'name="lines-{relation}-present"' not in page
        assert "No lines yet." in section and "<table" not in section
    assert "data-sp-add-line" in _section(page, "lines")  # the order lines stay editable
    assert browser.get("/app/sales/orders/_line/exceptions?index=0").status_code == 404

    with instance.unit(None, su=True) as env:
        boss = env.session.scalar(select(env["res.user"].id).where(env["res.user"].login == "boss"))
    with api_client(instance, int(boss)) as api:
        refused = api.patch(
            f"/api/v1/sale.order/{order_id}",
            json={"exceptions": [{"kind": "delay", "description": "through the API"}]},
        )
    assert refused.status_code == 422
    assert "Exceptions" in refused.text
    with instance.unit(None, su=True) as env:
        assert env.session.scalar(select(func.count()).select_from(Exception_)) == 0


def test_totals_sit_together_under_the_lines(
    sales: tuple[Instance, Browser, dict[str, int]],
) -> None:
    _instance, browser, ids = sales
    order_id = _new_order(browser, ids)
    page = html.unescape(browser.get(f"/app/sales/orders/{order_id}").text)
    block = re.search(r'<section class="sp-totals.*?</section>', page, re.S)
    assert block, "no totals block"
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", block.group(0)))
    assert re.search(r"Untaxed amount 25\.00 Taxes \d+\.\d\d Total \d+\.\d\d", text), text
    # right after the order lines, before the checks
    assert (
        page.index('data-sp-lines="lines"') < block.start() < page.index('data-sp-lines="checks"')
    )


def test_new_forms_start_from_external_id_and_address_defaults(
    sales: tuple[Instance, Browser, dict[str, int]],
) -> None:
    instance, browser, _ids = sales
    with instance.unit(None, su=True) as env:
        unit_id = env.ref("base.uom_unit").id
        china_id = env.ref("base.country_cn").id

    product = html.unescape(browser.get("/app/products/new").text)
    assert f'name="uom_id" value="{unit_id}"' in product
    assert re.search(r'name="uom_id__label" value="Unit"', product)

    customers = browser.get("/app/partners?f=customers").text
    assert 'href="/app/partners/new?default_is_customer=1"' in customers
    suppliers = browser.get("/app/partners?f=suppliers").text
    assert 'href="/app/partners/new?default_is_supplier=1"' in suppliers
    assert 'href="/app/partners/new"' in browser.get("/app/partners").text

    partner = browser.get(
        f"/app/partners/new?default_is_customer=1&default_country_id={china_id}"
        "&default_password_hash=x&default_nonsense=1"
    )
    assert partner.status_code == 200
    page = html.unescape(partner.text)
    assert re.search(r'name="is_customer" id="[^"]*" value="1" checked', page)
    assert not re.search(r'name="is_supplier" id="[^"]*" value="1" checked', page)
    assert re.search(r'name="country_id__label" value="China"', page)
    form = page[page.index('id="record-form"') :]
    assert "password_hash" not in form and "nonsense" not in form and "is-invalid" not in form

    # checked like typed input: a bad value is reported at its field and not used
    bad = html.unescape(
        browser.get("/app/partners/new?default_credit_limit=abc&default_country_id=999999").text
    )
    assert re.search(r'data-field-error="credit_limit">[^<]*abc', bad)
    assert re.search(r'data-field-error="country_id">[^<]*#999999', bad)

    # saving the pre-filled form makes a customer
    saved = browser.post(
        "/app/partners/new", {"name": "New Customer Ltd", "is_customer": "1", "type": "contact"}
    )
    assert saved.status_code == 303, saved.text[-2000:]
    with instance.unit(None, su=True) as env:
        Partner = env["res.partner"]
        created = env.session.scalar(select(Partner).where(Partner.name == "New Customer Ltd"))
        assert created.is_customer and not created.is_supplier


def test_an_empty_line_section_says_so(sales: tuple[Instance, Browser, dict[str, Any]]) -> None:
    _instance, browser, _ids = sales
    page = browser.get("/app/sales/orders/new").text
    section = _section(page, "lines")
    # editable: the message shows until a line is added (the table is hidden while empty)
    assert "No lines yet." in section and "data-sp-add-line" in section
    assert "data-sp-line-body" in section
    # nothing to read and nothing to type yet: the approval details wait for an approval
    assert "Rejection reason" not in page and "Approved by" not in page
    assert "Customer" in page and "Order date" in page

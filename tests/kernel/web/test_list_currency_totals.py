"""A list's totals never add yuan and dollars: one total per currency, from SQL.

Sales orders in CNY and USD (the reporting test book) listed on the generic list
screen, flat and grouped, and exported: every money total equals a direct SQL sum
of that currency, and no figure mixes the two.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select

from addons.reporting.tests.conftest import Book, build_book
from kernel.testing import StatementCounter
from kernel.web.introspect import collect_views
from kernel.web.ui import export, listing


@pytest.fixture
def book(make_instance: Any) -> Book:
    """Sales orders in yuan and dollars (the reporting tests' book)."""
    return build_book(make_instance(["reporting", "sales_order"]))


def _sql_totals(book: Book) -> dict[str, Decimal]:
    order = book.instance.registry["sale.order"].__table__
    currency = book.instance.registry["res.currency"].__table__
    with book.instance.engine.connect() as conn:
        rows = conn.execute(
            select(currency.c.code, func.sum(order.c.amount_total))
            .join(currency, currency.c.id == order.c.currency_id)
            .group_by(currency.c.code)
        ).all()
    return {code: Decimal(total) for code, total in rows}


def _page(book: Book, **params: list[str]) -> Any:
    with book.instance.unit(book.clerk) as env:
        view = collect_views(env.registry)["sale.order"]
        state = listing.ListState.from_params(dict(params))
        return listing.build(env, view, state)


def test_flat_list_totals_one_line_per_currency_equal_to_sql(book: Book) -> None:
    expected = _sql_totals(book)
    assert set(expected) == {"CNY", "USD"}
    page = _page(book)
    assert page.totals["amount_total"] is None, "yuan and dollars are not added together"
    got = {code: money["amount_total"] for code, money in page.currency_totals}
    assert got == expected
    order = book.instance.registry["sale.order"].__table__
    with book.instance.engine.connect() as conn:
        assert page.total == conn.execute(select(func.count(order.c.id))).scalar_one()


def test_the_list_screen_shows_a_total_line_per_currency(book: Book) -> None:
    import re

    expected = _sql_totals(book)
    html = book.browser().get("/app/sales/orders").text
    lines = re.findall(r'sp-total-currency">.*?sp-currency">(\w+)</span>(.*?)</tr>', html, re.S)
    shown = {code: re.sub(r"<[^>]+>", " ", cells) for code, cells in lines}
    assert set(shown) == {"CNY", "USD"}
    for code, total in expected.items():
        assert f"{total:,.2f}" in shown[code]


def test_grouped_list_splits_a_group_by_currency(book: Book) -> None:
    page = _page(book, group=["partner_id"])
    rows = {(g.label, g.currency): g.sums["amount_total"] for g in page.groups}
    order = book.instance.registry["sale.order"].__table__
    currency = book.instance.registry["res.currency"].__table__
    partner = book.instance.registry["res.partner"].__table__
    with book.instance.engine.connect() as conn:
        expected = {
            (name, code): Decimal(total)
            for name, code, total in conn.execute(
                select(partner.c.name, currency.c.code, func.sum(order.c.amount_total))
                .join(currency, currency.c.id == order.c.currency_id)
                .join(partner, partner.c.id == order.c.partner_id)
                .group_by(partner.c.name, currency.c.code)
            )
        }
    assert rows == expected


def test_the_screen_and_the_export_show_each_currency(book: Book) -> None:
    page = _page(book)
    body = export.to_xlsx(page, "Orders")
    import io

    sheet = CalamineWorkbook.from_filelike(io.BytesIO(body)).get_sheet_by_index(0).to_python()
    tail = [row for row in sheet if row and row[0] in ("CNY", "USD")]
    assert len(tail) == 2
    with StatementCounter(book.instance.engine) as counter:
        _page(book)
    assert counter.count <= 12, counter.statements


def test_a_long_list_sends_its_page_first_and_its_totals_when_asked(
    book: Book, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above the threshold the page comes without sums (one count instead); the page's
    footer asks for them, and they are the same figures, per currency."""
    import re

    monkeypatch.setattr(listing, "DEFER_TOTALS_ABOVE", 3)
    browser = book.browser()
    with StatementCounter(book.instance.engine) as counter:
        page = browser.get("/app/sales/orders?q=a")
    assert page.status_code == 200
    assert not any("sum(" in s for s in counter.statements), "no sums in the page"
    ask = re.search(r'<tfoot hx-get="([^"]+)" hx-trigger="load"', page.text)
    assert ask, "the footer asks for the totals"
    url = ask.group(1).replace("&amp;", "&")
    assert url.startswith("/app/sales/orders?") and "_totals=1" in url and "q=a" in url
    totals = browser.get(url)
    assert totals.status_code == 200 and totals.text.lstrip().startswith("<tfoot")
    shown = dict(
        re.findall(r'sp-currency">(\w+)</span>.*?<strong>([\d,.]+)</strong>', totals.text, re.S)
    )
    assert set(shown) == {"CNY", "USD"}
    monkeypatch.setattr(listing, "DEFER_TOTALS_ABOVE", 20_000)
    assert not _page(book).totals_deferred, "a short list keeps its totals in the page"

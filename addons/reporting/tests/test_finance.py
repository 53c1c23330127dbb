"""Finance overview: the receivables aging equals accounting's own report."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from addons.accounting.tests.conftest import build_books, item, vat13
from addons.reporting.tests.test_inventory import _client
from kernel.testing import MakeInstance, make_user


def test_receivables_aging(make_instance: MakeInstance) -> None:
    from addons.accounting.services import invoices, moves

    books = build_books(make_instance(["reporting", "accounting"]))
    today = dt.date.today()
    with books.unit() as env:
        # due at once, 45 days ago: 31-60 days overdue; on 30 days' terms 10 days ago: not due
        for partner, price, day in (
            (books.customer2, "100", today - dt.timedelta(days=45)),
            (books.customer, "200", today - dt.timedelta(days=10)),
        ):
            moves.post(
                env, invoices.create_invoice(env, partner, [item(price, "1", vat13(env))], date=day)
            )
    api = _client(books.instance, books.accountant)
    response = api.get("/api/v1/reporting/finance", params={"as_of": today.isoformat()})
    assert response.status_code == 200, response.text
    data = response.json()
    partners = {p["name"]: p for p in data["partners"]}
    assert Decimal(partners["Jinling Foods"]["days_31_60"]) == Decimal("113.00")
    assert Decimal(partners["Huaxin Trading Co."]["not_due"]) == Decimal("226.00")
    assert Decimal(data["totals"]["total"]) == Decimal("339.00")
    assert Decimal(data["totals"]["overdue"]) == Decimal("113.00")
    from addons.accounting.services.reports import aged_balances

    with books.unit(readonly=True) as env:
        expected = {r["partner"]: r["total"] for r in aged_balances(env, "receivable", today)}
    assert {name: Decimal(p["total"]) for name, p in partners.items()} == expected
    zh = _client(books.instance, books.accountant, "zh_CN", cookie=True).get("/reporting/finance")
    assert (
        zh.status_code == 200
        and "财务概览" in zh.text
        and "/accounting/reports/trial_balance" in zh.text
    )
    xlsx = _client(books.instance, books.accountant, cookie=True).get("/reporting/finance/xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    bad = api.get("/api/v1/reporting/finance", params={"as_of": "never"})
    assert bad.status_code == 422 and "as_of" in bad.json()["fields"]
    nobody = make_user(books.instance, "nobody", [])
    assert _client(books.instance, nobody).get("/api/v1/reporting/finance").status_code == 403

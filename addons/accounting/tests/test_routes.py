"""The web routes: the invoice PDF and report downloads, for accounting users only."""

from __future__ import annotations

from decimal import Decimal

from addons.accounting.services import invoices, moves
from addons.accounting.tests.conftest import build_books, item, vat13
from kernel.testing import MakeInstance, make_user
from kernel.web.context import ensure_fresh


def test_invoice_pdf_and_report_downloads(make_instance: MakeInstance) -> None:
    from litestar.testing import TestClient

    from kernel.web.app import create_app
    from kernel.web.sessions import COOKIE_NAME, create_session

    books = build_books(make_instance(["accounting"]))
    outsider = make_user(books.instance, "outsider", ["base.group_user"])
    with books.unit() as env:
        inv = moves.post(
            env, invoices.create_invoice(env, books.customer, [item("100", "1", vat13(env))])
        )
        invoice_id, inv_name = inv.id, inv.name
        assert inv.amount_total == Decimal("113.00")
    ensure_fresh(books.instance, force=True)
    with TestClient(create_app(books.instance), base_url="http://suanpan.localhost") as client:
        client.cookies.set(COOKIE_NAME, create_session(books.instance, books.accountant))
        pdf = client.get(f"/accounting/invoices/{invoice_id}/pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        csv = client.get("/accounting/reports/trial_balance?format=csv")
        assert csv.status_code == 200
        assert "1122" in csv.content.decode("utf-8-sig")
        xlsx = client.get("/accounting/reports/aged_receivables?format=xlsx")
        assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
        html = client.get("/accounting/reports/tax_report")
        assert html.status_code == 200 and "VAT 13%" in html.text
        assert client.get("/accounting/reports/nonsense").status_code == 404  # no such screen
        assert client.get("/accounting/reports/nonsense?format=csv").status_code == 422
        for name in ("profit_and_loss", "balance_sheet", "partner_balances", "aged_payables"):
            assert client.get(f"/accounting/reports/{name}?format=csv").status_code == 200, name
        ledger = client.get("/accounting/reports/general_ledger?account=1122&format=csv")
        assert ledger.status_code == 200 and "113.0000" in ledger.content.decode("utf-8-sig")
        assert client.get("/accounting/reports/general_ledger?account=9999").status_code == 422
        pl = client.get("/accounting/reports/profit_and_loss?format=csv").content.decode(
            "utf-8-sig"
        )
        assert "5001" in pl and "100.0000" in pl
        for url in ("entries", "payments", "accounts", "journals", "fiscal-years"):
            assert client.get(f"/app/accounting/{url}").status_code == 200, url
        invoices_page = client.get("/app/accounting/entries?f=customer_invoices")
        assert invoices_page.status_code == 200 and inv_name in invoices_page.text
        form = client.get(f"/app/accounting/entries/{invoice_id}")
        assert form.status_code == 200 and "113" in form.text
        client.cookies.set(COOKIE_NAME, create_session(books.instance, outsider))
        assert client.get("/accounting/reports/trial_balance").status_code == 403
        assert client.get(f"/accounting/invoices/{invoice_id}/pdf").status_code == 403


def test_report_screens_live_in_the_app_with_the_readers_numbers_and_names(
    make_instance: MakeInstance,
) -> None:
    """Reports open inside the application (menu, switcher, filters of the API) with
    amounts formatted for the reader, not raw ``14957.2200``; a Chinese reader sees the
    Chinese account names; a wrong filter is named beside its field."""
    import re

    from litestar.testing import TestClient

    from kernel.web.app import create_app
    from kernel.web.sessions import COOKIE_NAME, create_session

    books = build_books(make_instance(["accounting"]))
    chinese = make_user(books.instance, "kuaiji", ["accounting.group_user"], lang="zh_CN")
    with books.unit() as env:
        moves.post(
            env, invoices.create_invoice(env, books.customer, [item("12345.6", "1", vat13(env))])
        )
    ensure_fresh(books.instance, force=True)
    with TestClient(create_app(books.instance), base_url="http://suanpan.localhost") as client:
        client.cookies.set(COOKIE_NAME, create_session(books.instance, books.accountant))
        page = client.get("/accounting/reports/trial_balance")
        assert page.status_code == 200
        assert 'class="navbar' in page.text and "Trial balance</h1>" in page.text
        assert "13,950.53" in page.text and "13950.5300" not in page.text  # 12,345.60 + 13 %
        assert 'href="?format=xlsx"' in page.text
        ledger = client.get("/accounting/reports/general_ledger")
        assert ledger.status_code == 200 and "Choose an account" in ledger.text
        wrong = client.get("/accounting/reports/general_ledger?account=1122&date_to=2026-02-30")
        assert wrong.status_code == 422
        assert re.search(r'id="r-date_to"[^>]*is-invalid|is-invalid[^>]*id="r-date_to"', wrong.text)
        client.cookies.set(COOKIE_NAME, create_session(books.instance, chinese))
        page = client.get("/accounting/reports/trial_balance")
        assert page.status_code == 200
        assert "试算平衡表</h1>" in page.text and "应收账款" in page.text
        assert "中文名称" not in page.text  # one name column, in the reader's language

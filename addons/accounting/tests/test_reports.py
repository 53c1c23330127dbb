"""Reports: trial balance, ledgers, P&L and balance sheet agree; exports; PDF; routes; query counts."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

from addons.accounting.services import export, fiscal, invoices, moves, payments, reports
from addons.accounting.services.pdf import invoice_html, render_invoice_pdf
from addons.accounting.tests.conftest import Books, item, vat13
from kernel.testing import StatementCounter


def _today() -> dt.date:
    """Read when used, not at import: a run that crosses midnight posts on the new day."""
    return dt.date.today()


def _year_start() -> dt.date:
    return _today().replace(month=1, day=1)


def _activity(books: Books) -> int:
    with books.unit(books.manager) as env:
        fiscal.opening_entry(
            env,
            _year_start(),
            [{"account_id": fiscal.account_by_code(env, "1002").id, "amount": "10000"}],
        )
        inv = invoices.create_invoice(
            env, books.customer, [item("1000", "3", vat13(env)), item("200", "1", None, "Service")]
        )
        moves.post(env, inv)  # 3000 + 390 VAT + 200 = 3590
        payments.register_payment(env, books.customer, "590.00")
        bill = invoices.create_invoice(
            env,
            books.supplier,
            [item("400", "1", env.ref("base.vat_13_purchase").id)],
            move_type="in_invoice",
        )
        moves.post(env, bill)  # 400 + 52 = 452
        return inv.id


def test_trial_balance_pl_and_balance_sheet_agree(books: Books) -> None:
    _activity(books)
    with books.unit() as env:
        rows = reports.trial_balance(env, _year_start(), _today())
        assert sum((r["closing"] for r in rows), Decimal(0)) == 0
        by_code = {r["code"]: r for r in rows}
        assert by_code["1122"]["closing"] == Decimal("3000.00")
        assert by_code["1002"]["closing"] == Decimal("10590.00")
        assert by_code["22210102"]["closing"] == Decimal("-390.00")
        assert by_code["22210101"]["closing"] == Decimal("52.00")
        assert by_code["5001"]["credit"] == Decimal("3200.00")
        pl = reports.profit_and_loss(env, _year_start(), _today())
        assert pl["total_income"] == Decimal("3200.00")
        assert pl["total_expense"] == Decimal("400.00")
        assert pl["profit"] == Decimal("2800.00")
        bs = reports.balance_sheet(env, _today())
        assert bs["current_profit"] == pl["profit"]
        assert bs["total_assets"] == bs["total_liabilities"] + bs["total_equity"]
        ledger = reports.general_ledger(
            env, fiscal.account_by_code(env, "1122").id, _year_start(), _today()
        )
        assert ledger["closing"] == Decimal("3000.00") and len(ledger["lines"]) == 2
        partner = reports.partner_ledger(env, books.customer)
        assert [r["balance"] for r in partner] == [Decimal("3590.00"), Decimal("3000.00")]
        taxes = {r["tax"]: r for r in reports.tax_report(env, _year_start(), _today())}
        assert taxes["VAT 13%"]["base"] == Decimal("3000.00")
        assert taxes["VAT 13%"]["tax_amount"] == Decimal("390.00")
        assert taxes["VAT 13% (purchase)"]["tax_amount"] == Decimal("-52.00")
        aged = reports.aged_balances(env, "payable", _today())
        assert aged[0]["total"] == Decimal("452.00")


def test_reports_run_in_a_bounded_number_of_queries(books: Books) -> None:
    _activity(books)
    with books.unit() as env:  # the user's groups and rights are read once, then memoized
        env.can("account.move", "read")
    with books.unit() as env, StatementCounter(books.instance.engine) as small:
        reports.trial_balance(env, _year_start(), _today())
        reports.aged_balances(env)
    with books.unit(books.manager) as env:
        for n in range(15):
            moves.post(
                env,
                invoices.create_invoice(env, books.customer2, [item(str(n + 1), "1", vat13(env))]),
            )
    with books.unit() as env, StatementCounter(books.instance.engine) as big:
        reports.trial_balance(env, _year_start(), _today())
        reports.aged_balances(env)
    assert big.count == small.count <= 4


def test_posting_an_invoice_uses_a_bounded_number_of_queries(books: Books) -> None:
    def post_with(lines: int) -> int:
        with books.unit() as env:
            tax = vat13(env)
            inv = invoices.create_invoice(env, books.customer, [item("10", "1", tax)] * lines)
            with StatementCounter(books.instance.engine) as counter:
                moves.post(env, inv)
            return counter.count

    post_with(1)  # the year's first number creates the sequence counter
    post_with(1)  # journals and accounts are then kept per process (kernel.rowcache)
    # the lines, the number, the history row, the entry and its lines; at most one more
    # for the customer's e-mail address (is the invoice mailed?) when not held already
    assert post_with(20) == post_with(2) <= 6


def test_exports(books: Books) -> None:
    _activity(books)
    with books.unit() as env:
        rows = reports.trial_balance(env, _year_start(), _today())
    columns = [("code", "Code"), ("name_zh", "名称"), ("closing", "Closing")]
    csv_bytes = export.to_csv(rows, columns)
    assert csv_bytes.startswith("\ufeff".encode())
    text = csv_bytes.decode("utf-8-sig")
    assert "1122,应收账款,3000.0000" in text
    with zipfile.ZipFile(io.BytesIO(export.to_xlsx(rows, columns))) as book:
        strings = book.read("xl/sharedStrings.xml").decode()
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "名称" in strings and "应收账款" in strings
    assert "<v>3000</v>" in sheet


def test_invoice_pdf_is_bilingual(books: Books) -> None:
    invoice_id = _activity(books)
    with books.unit() as env:
        move = env.get("account.move", invoice_id)
        html = invoice_html(env, move)
        assert "Noto Sans CJK SC" in html and "@top-left" in html
        assert "Invoice" in html and "发票" in html
        assert "3,590.00" in html and "3,000.00" in html
        pdf = render_invoice_pdf(env, move)
        assert pdf.startswith(b"%PDF")


def test_accounts_are_named_in_the_readers_language(books: Books) -> None:
    """Lists, pickers and reports name an account by code and the reader's language."""
    from kernel.web.introspect import display_name

    with books.unit(books.manager) as env:
        account = fiscal.account_by_code(env, "1002")
        assert account.name_zh, "the generic chart carries Chinese names"
        english = display_name(account, env)
    with books.unit(books.manager, lang="zh_CN") as env:
        account = fiscal.account_by_code(env, "1002")
        chinese = display_name(account, env)
    assert english == f"1002 {account.name}"
    assert chinese == f"1002 {account.name_zh}"

"""Payments: partial, full, several invoices oldest first or chosen, overpayment as credit, suppliers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from addons.accounting.services import alerts, invoices, moves, payments, reports
from addons.accounting.services.sale import open_receivable
from addons.accounting.tests.conftest import Books, item, vat13


def _invoice(env, partner: int, price: str, date: dt.date | None = None):
    inv = invoices.create_invoice(env, partner, [item(price, "1", vat13(env))], date=date)
    return moves.post(env, inv)


def test_partial_then_full_payment(books: Books) -> None:
    with books.unit() as env:
        inv = _invoice(env, books.customer, "1000")  # 1130.00
        pay = payments.register_payment(env, books.customer, "130.00", reference="BANK-1")
        assert pay.state == "posted" and pay.name.startswith("BNK/")
        assert inv.payment_state == "partial" and inv.amount_residual == Decimal("1000.00")
        payments.register_payment(env, books.customer, "1000.00")
        assert inv.payment_state == "paid" and inv.amount_residual == 0
        assert open_receivable(env, books.customer) == 0


def test_oldest_invoice_first_and_overpayment_stays_as_credit(books: Books) -> None:
    today = dt.date.today()
    with books.unit() as env:
        newer = _invoice(env, books.customer2, "100", today)  # 113, due today
        older = _invoice(env, books.customer2, "200", today - dt.timedelta(days=40))  # 226
        payments.register_payment(env, books.customer2, "300.00")
        assert older.payment_state == "paid"
        assert newer.payment_state == "partial" and newer.amount_residual == Decimal("39.00")
        pay = payments.register_payment(env, books.customer2, "50.00")
        assert newer.payment_state == "paid"
        assert payments.unmatched_amount(pay) == Decimal("11.00")
        assert open_receivable(env, books.customer2) == Decimal("-11.00")
        rows = {r["payment_id"]: r for r in alerts.unmatched_payments(env)}
        assert rows[pay.id]["open"] == Decimal("11.00")
        # the credit is used by the next invoice's payment matching
        third = _invoice(env, books.customer2, "10")  # 11.30
        payments.match_payment(env, pay)
        assert third.payment_state == "partial" and third.amount_residual == Decimal("0.30")


def test_payment_for_chosen_invoice(books: Books) -> None:
    with books.unit() as env:
        first = _invoice(env, books.customer, "100")
        second = _invoice(env, books.customer, "100")
        payments.register_payment(env, books.customer, "113.00", invoices=[second])
        assert second.payment_state == "paid" and first.payment_state == "not_paid"


def test_vendor_bill_and_outgoing_payment(books: Books) -> None:
    with books.unit() as env:
        tax = env.ref("base.vat_13_purchase").id
        bill = invoices.create_invoice(
            env, books.supplier, [item("500", "2", tax)], move_type="in_invoice", ref="SUP-77"
        )
        moves.post(env, bill)
        assert bill.name.startswith("BILL/")
        payable = next(line for line in bill.lines if line.account.type == "payable")
        assert payable.credit == Decimal("1130.00") and payable.account.code == "2202"
        input_vat = next(line for line in bill.lines if line.tax_line_id)
        assert input_vat.debit == Decimal("130.00") and input_vat.account.code == "22210101"
        payments.register_payment(
            env, books.supplier, "1130.00", payment_type="outbound", method="cash"
        )
        assert bill.payment_state == "paid"
        assert reports.partner_balances(env, "payable")[0]["balance"] == 0


def test_aged_receivables_buckets(books: Books) -> None:
    today = dt.date.today()
    with books.unit() as env:
        for days, price in ((0, "100"), (10, "200"), (45, "300"), (75, "400"), (120, "500")):
            # immediate terms: due on the invoice date
            _invoice(env, books.customer2, price, today - dt.timedelta(days=days))
        row = {r["partner_id"]: r for r in reports.aged_balances(env, "receivable", today)}[
            books.customer2
        ]
        assert row["not_due"] == Decimal("113.00")
        assert row["days_0_30"] == Decimal("226.00")
        assert row["days_31_60"] == Decimal("339.00")
        assert row["days_61_90"] == Decimal("452.00")
        assert row["days_90_plus"] == Decimal("565.00")
        assert row["total"] == open_receivable(env, books.customer2) == Decimal("1695.00")
        overdue = alerts.overdue_invoices(env, today)
        assert len(overdue) == 4


def test_dashboard_widget_lists_the_alerts(books: Books) -> None:
    today = dt.date.today()
    with books.unit() as env:
        _invoice(env, books.customer2, "100", today - dt.timedelta(days=5))
        payments.register_payment(env, books.customer, "10.00")
        html = str(alerts.render_alerts_widget(env))
        assert "1 overdue invoices, ¥113.00 open" in html
        assert "1 payments not matched with invoices" in html


def test_screen_flow_post_buttons(books: Books) -> None:
    """What the form buttons do: post a hand-entered payment, reverse an entry with a reason."""
    import pytest

    from addons.accounting.services.chart import journal_of
    from kernel.errors import AccessDenied, ValidationError
    from kernel.workflow import available, fire

    with books.unit() as env:
        inv = _invoice(env, books.customer, "100")
        Payment = env["account.payment"]
        company = env.ref("base.main_company")
        pay = Payment(
            partner_id=books.customer,
            journal_id=journal_of(env, company.id, "bank").id,
            company_id=company.id,
            currency_id=company.currency_id,
            amount=Decimal("113.00"),
        )
        env.session.add(pay)
        env.session.flush()
        assert [t.name for t in available(env, pay)] == ["post"]
        payments.post_payment(env, pay)
        assert pay.state == "posted" and pay.move.state == "posted"
        assert inv.payment_state == "paid"
        assert "reverse" not in [t.name for t in available(env, inv)]
        with pytest.raises(AccessDenied):
            fire(env, inv, "reverse", reason="wrong customer")
        invoice_id = inv.id
    with books.unit(books.manager) as env:
        inv = env.get("account.move", invoice_id)
        with pytest.raises(ValidationError):
            fire(env, inv, "reverse")
        fire(env, inv, "reverse", reason="wrong customer")
        Move = env["account.move"]
        from sqlalchemy import select

        note = env.session.scalar(select(Move).where(Move.reversed_entry_id == invoice_id))
        assert note.move_type == "out_refund" and note.reason == "wrong customer"
        # the invoice stays paid by the payment; the credit note is the customer's credit
        assert env.get("account.move", invoice_id).payment_state == "paid"
        assert open_receivable(env, books.customer) == Decimal("-113.00")


def test_hand_entered_invoice_gets_its_totals_at_posting(books: Books) -> None:
    from addons.accounting.services import fiscal
    from addons.accounting.services.chart import journal_of

    with books.unit() as env:
        company = env.ref("base.main_company")
        receivable = fiscal.account_by_code(env, "1122").id
        revenue = fiscal.account_by_code(env, "5001").id
        vat = fiscal.account_by_code(env, "22210102").id
        inv = moves.create_move(
            env,
            journal_of(env, company.id, "sale"),
            [
                {
                    "account_id": receivable,
                    "debit": Decimal("226"),
                    "date_maturity": dt.date(2030, 1, 31),
                },
                {"account_id": revenue, "credit": Decimal("200")},
                {"account_id": vat, "credit": Decimal("26"), "tax_line_id": vat13(env)},
            ],
            partner_id=books.customer,
            move_type="out_invoice",
        )
        moves.post(env, inv)
        assert (inv.amount_untaxed, inv.amount_tax, inv.amount_total) == (
            Decimal("200"),
            Decimal("26"),
            Decimal("226"),
        )
        assert inv.invoice_date_due == dt.date(2030, 1, 31) and inv.payment_state == "not_paid"

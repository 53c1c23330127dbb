"""Journal entries: posting checks, numbering at posting, immutability on every path, reversal, locks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from addons.accounting.services import fiscal, invoices, moves
from addons.accounting.services.chart import journal_of
from addons.accounting.tests.conftest import Books, item, vat13
from kernel.errors import AccessDenied, ConflictError, ValidationError


def _entry(env, amount: str = "100", credit: str | None = None):
    cash = fiscal.account_by_code(env, "1001").id
    capital = fiscal.account_by_code(env, "3001").id
    return moves.create_move(
        env,
        journal_of(env, env.ref("base.main_company").id, "general"),
        [
            {"account_id": cash, "debit": Decimal(amount)},
            {"account_id": capital, "credit": Decimal(credit or amount)},
        ],
    )


def test_chinese_chart_installed_for_cny_company(books: Books) -> None:
    with books.unit() as env:
        company = env.ref("base.main_company")
        assert company.chart_template == "cn_small"
        receivable = env.get("account.account", company.account_receivable_id)
        assert (receivable.code, receivable.name_zh) == ("1122", "应收账款")
        assert env.ref("base.vat_13_sale").account_id == fiscal.account_by_code(env, "22210102").id
        assert (
            env.ref("base.vat_13_purchase").account_id == fiscal.account_by_code(env, "22210101").id
        )
        codes = {a.code for a in env.session.scalars(select(env["account.account"]))}
        assert {
            "1001",
            "1002",
            "1122",
            "1405",
            "2202",
            "2221",
            "3001",
            "5001",
            "5401",
            "5602",
        } <= codes


def test_draft_has_no_number_and_posting_numbers_and_balances(books: Books) -> None:
    with books.unit() as env:
        move = _entry(env)
        assert move.name == "" and move.state == "draft"
        moves.post(env, move)
        year = dt.date.today().year
        assert move.name == f"MISC/{year}/00001"
        assert move.total_debit == move.total_credit == Decimal("100.0000")
        assert all(line.parent_state == "posted" for line in move.lines)


def test_unbalanced_entry_is_refused(books: Books) -> None:
    with books.unit() as env:
        move = _entry(env, "100", "99.99")
        with pytest.raises(ValidationError, match="not balanced"):
            moves.post(env, move)


def test_posted_entry_cannot_change_on_any_orm_path(books: Books) -> None:
    with books.unit() as env:
        move = _entry(env)
        moves.post(env, move)
        move_id, line_id = move.id, move.lines[0].id
    attempts = [
        lambda env, m: setattr(m, "date", dt.date(2000, 1, 1)),
        lambda env, m: setattr(m, "ref", "changed"),
        lambda env, m: setattr(m.lines[0], "debit", Decimal("1")),
        lambda env, m: setattr(m.lines[0], "account_id", m.lines[1].account_id),
        lambda env, m: env.session.delete(m.lines[0]),
        lambda env, m: env.session.delete(m),
        lambda env, m: m.lines.append(
            env["account.move.line"](account_id=m.lines[0].account_id, debit=Decimal(0))
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ConflictError), books.unit(books.manager) as env:
            attempt(env, env.get("account.move", move_id))
            env.session.flush()
    with books.instance.unit(None, su=True) as env:  # not even a superuser
        env.get("account.move.line", line_id).credit = Decimal("5")
        with pytest.raises(ConflictError):
            env.session.flush()
        env.session.rollback()
    with books.unit() as env:
        move = env.get("account.move", move_id)
        assert [(line.debit, line.credit) for line in move.lines] == [
            (Decimal("100.0000"), Decimal(0)),
            (Decimal(0), Decimal("100.0000")),
        ]


def test_database_refuses_unbalanced_posted_entry(books: Books) -> None:
    """The CHECK constraints hold whatever writes the row (here raw SQL on a draft)."""
    with books.unit() as env:
        draft = _entry(env)
        draft_id = draft.id
    with pytest.raises(Exception, match=r"(?i)check"), books.instance.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE account_move SET state = 'posted', name = 'X/1', "
                "total_debit = 100, total_credit = 99 WHERE id = :id"
            ),
            {"id": draft_id},
        )
    with pytest.raises(Exception, match=r"(?i)check"), books.instance.engine.begin() as conn:
        conn.execute(
            text("UPDATE account_move SET state = 'posted' WHERE id = :id"), {"id": draft_id}
        )
    with pytest.raises(Exception, match=r"(?i)check"), books.instance.engine.begin() as conn:
        conn.execute(text("UPDATE account_move_line SET debit = 5, credit = 5"))


def test_lock_date_refuses_posting(books: Books) -> None:
    today = dt.date.today()
    with books.unit(books.manager) as env:
        fiscal.lock_period(env, today - dt.timedelta(days=1))
        old = _entry(env)
        old.date = today - dt.timedelta(days=1)
        with pytest.raises(ValidationError, match="lock date"):
            moves.post(env, old)
        env.session.rollback()
    with books.unit(books.manager) as env:
        moves.post(env, _entry(env))  # today is still open


def test_only_managers_lock_and_reverse(books: Books) -> None:
    with books.unit() as env:
        move = _entry(env)
        moves.post(env, move)
        with pytest.raises(AccessDenied):
            fiscal.lock_period(env, dt.date.today())
        with pytest.raises(AccessDenied):
            moves.reverse(env, move, reason="typo")


def test_closed_fiscal_year_refuses_posting(books: Books) -> None:
    year = dt.date.today().year - 1
    with books.unit(books.manager) as env:
        fiscal.close_fiscal_year(env, year)
        move = _entry(env)
        move.date = dt.date(year, 6, 30)
        with pytest.raises(ValidationError):
            moves.post(env, move)
        env.session.rollback()


def test_credit_note_reverses_invoice_and_settles_it(books: Books) -> None:
    with books.unit() as env:
        invoice = invoices.create_invoice(env, books.customer, [item("100", "2", vat13(env))])
        moves.post(env, invoice)
        invoice_id = invoice.id
    with books.unit(books.manager) as env:
        invoice = env.get("account.move", invoice_id)
        with pytest.raises(ValidationError):
            moves.reverse(env, invoice, reason="  ")
        note = moves.reverse(env, invoice, reason="goods returned")
        assert note.move_type == "out_refund" and note.state == "posted"
        assert note.reversed_entry_id == invoice.id
        assert note.name.startswith("INV/") and note.name != invoice.name
        assert invoice.payment_state == "reversed" and invoice.amount_residual == 0
        by_account = {}
        for line in [*invoice.lines, *note.lines]:
            by_account[line.account_id] = by_account.get(line.account_id, 0) + line.balance
        assert set(by_account.values()) == {0}
        with pytest.raises(ConflictError):
            moves.reverse(env, invoice, reason="again")


def test_opening_entry_balances_against_equity(books: Books) -> None:
    with books.unit(books.manager) as env:
        bank = fiscal.account_by_code(env, "1002").id
        stock = fiscal.account_by_code(env, "1405").id
        payable = fiscal.account_by_code(env, "2202").id
        move = fiscal.opening_entry(
            env,
            dt.date.today(),
            [
                {"account_id": bank, "amount": "50000"},
                {"account_id": stock, "amount": "20000.50"},
                {"account_id": payable, "amount": "-8000", "partner_id": books.supplier},
            ],
        )
        assert move.state == "posted"
        equity = [line for line in move.lines if line.account.code == "3001"]
        assert equity[0].credit == Decimal("62000.5000")


def test_database_refuses_bulk_changes_to_posted_entries(books: Books) -> None:
    """Bulk UPDATE/DELETE bypasses the ORM flush check; the triggers still refuse them."""
    from sqlalchemy import delete, update

    with books.unit() as env:
        move = _entry(env)
        moves.post(env, move)
        draft = _entry(env, "7")
        move_id, draft_id = move.id, draft.id
    statements = [
        lambda env, Line, Move: (
            update(Line).where(Line.move_id == move_id).values(debit=Decimal(0), credit=Decimal(0))
        ),
        lambda env, Line, Move: (
            update(Move).where(Move.id == move_id).values(date=dt.date(2000, 1, 1))
        ),
        lambda env, Line, Move: update(Move).where(Move.id == move_id).values(state="draft"),
        lambda env, Line, Move: delete(Line).where(Line.move_id == move_id),
        lambda env, Line, Move: delete(Move).where(Move.id == move_id),
    ]
    for make in statements:
        with (
            pytest.raises(Exception, match="posted rows"),
            books.instance.unit(None, su=True) as env,
        ):
            env.session.execute(make(env, env["account.move.line"], env["account.move"]))
    with books.instance.unit(None, su=True) as env:
        Line = env["account.move.line"]
        # reconciliation figures stay writable, and drafts are free
        env.session.execute(update(Line).where(Line.move_id == move_id).values(reconciled=True))
        env.session.execute(update(Line).where(Line.move_id == draft_id).values(name="edited"))
        env.session.execute(delete(Line).where(Line.move_id == draft_id))
    with books.unit() as env:
        assert env.get("account.move", move_id).total_debit == Decimal("100.0000")


def test_fiscal_year_has_twelve_monthly_periods(books: Books) -> None:
    from addons.accounting.services.chart import ensure_fiscal_year

    with books.unit(books.manager) as env:
        year = ensure_fiscal_year(env, env.ref("base.main_company"), 2024)
        periods = year.periods()
        assert len(periods) == 12
        assert periods[1] == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
        assert periods[-1] == (dt.date(2024, 12, 1), dt.date(2024, 12, 31))

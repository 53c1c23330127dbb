"""Reports as SQL aggregates: trial balance, ledgers, ageing, balance sheet, P&L, tax report."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, type_coerce

from kernel.env import Env
from kernel.fields import Money


def tax_report(env: Env, date_from: dt.date, date_to: dt.date) -> list[dict[str, Any]]:
    """Per tax: the taxable base and the tax of posted entries in the period (sales positive)."""
    Line = env["account.move.line"]
    Tax = env["res.tax"]
    period = (Line.parent_state == "posted", Line.date >= date_from, Line.date <= date_to)
    base_rows: dict[int, Decimal] = dict(
        env.session.execute(
            select(Line.tax_id, msum(Line.credit - Line.debit))
            .where(Line.tax_id.is_not(None), *period)
            .group_by(Line.tax_id)
        ).all()
    )
    tax_rows: dict[int, Decimal] = dict(
        env.session.execute(
            select(Line.tax_line_id, msum(Line.credit - Line.debit))
            .where(Line.tax_line_id.is_not(None), *period)
            .group_by(Line.tax_line_id)
        ).all()
    )
    ids = set(base_rows) | set(tax_rows)
    taxes = {t.id: t for t in env.session.scalars(select(Tax).where(Tax.id.in_(ids)))}
    return [
        {
            "tax": taxes[tid].name,
            "scope": taxes[tid].scope,
            "base": Decimal(base_rows.get(tid) or 0),
            "tax_amount": Decimal(tax_rows.get(tid) or 0),
        }
        for tid in sorted(ids)
    ]


def _posted(Line: Any) -> Any:
    return Line.parent_state == "posted"


def trial_balance(
    env: Env, date_from: dt.date, date_to: dt.date, company_id: int | None = None
) -> list[dict[str, Any]]:
    """Per account: opening balance, period debits and credits, closing balance.

    One grouped query; the balances of all accounts sum to zero in a balanced book.
    """
    Line = env["account.move.line"]
    Account = env["account.account"]
    Move = env["account.move"]
    before = Line.date < date_from
    within = (Line.date >= date_from) & (Line.date <= date_to)
    zero = Decimal(0)
    query = (
        select(
            Account.id,
            Account.code,
            Account.name,
            Account.name_zh,
            Account.type,
            msum(_when(before, Line.debit - Line.credit)),
            msum(_when(within, Line.debit)),
            msum(_when(within, Line.credit)),
        )
        .join(Line, Line.account_id == Account.id)
        .where(_posted(Line), Line.date <= date_to)
        .group_by(Account.id, Account.code, Account.name, Account.name_zh, Account.type)
        .order_by(Account.code)
    )
    if company_id is not None:
        query = query.join(Move, Move.id == Line.move_id).where(Move.company_id == company_id)
    rows = []
    for aid, code, name, name_zh, typ, opening, debit, credit in env.session.execute(query):
        opening, debit, credit = (_dec(opening), _dec(debit), _dec(credit))
        rows.append(
            {
                "account_id": aid,
                "code": code,
                "name": name,
                "name_zh": name_zh,
                "type": typ,
                "opening": opening,
                "debit": debit,
                "credit": credit,
                "closing": opening + debit - credit,
            }
        )
    return [r for r in rows if any(r[k] != zero for k in ("opening", "debit", "credit"))]


def _when(condition: Any, value: Any) -> Any:
    from sqlalchemy import case

    return case((condition, value), else_=0)


def _dec(value: Any) -> Decimal:
    return Decimal(0) if value is None else Decimal(value)


def msum(expr: Any) -> Any:
    """``SUM(expr)`` read back as Money: on SQLite amounts are scaled integers, and a
    SUM over arithmetic or CASE would otherwise lose the type that scales them back."""
    return type_coerce(func.sum(expr), Money())


def general_ledger(
    env: Env, account_id: int, date_from: dt.date, date_to: dt.date
) -> dict[str, Any]:
    """The account's opening balance and its posted lines of the period with running balance."""
    Line = env["account.move.line"]
    Move = env["account.move"]
    opening = env.session.scalar(
        select(msum(Line.debit - Line.credit)).where(
            _posted(Line), Line.account_id == account_id, Line.date < date_from
        )
    )
    balance = Decimal(opening or 0)
    start = balance
    lines = []
    rows = env.session.execute(
        select(Line.date, Move.name, Line.name, Line.partner_id, Line.debit, Line.credit)
        .join(Move, Move.id == Line.move_id)
        .where(
            _posted(Line),
            Line.account_id == account_id,
            Line.date >= date_from,
            Line.date <= date_to,
        )
        .order_by(Line.date, Line.id)
    )
    for date, number, label, partner_id, debit, credit in rows:
        balance += debit - credit
        lines.append(
            {
                "date": date,
                "entry": number,
                "label": label,
                "partner_id": partner_id,
                "debit": debit,
                "credit": credit,
                "balance": balance,
            }
        )
    return {"opening": start, "lines": lines, "closing": balance}


def partner_balances(env: Env, account_type: str = "receivable") -> list[dict[str, Any]]:
    """Per partner: invoiced (debits), paid/credited (credits) and the balance of a partner account."""
    Line = env["account.move.line"]
    Account = env["account.account"]
    Partner = env["res.partner"]
    rows = env.session.execute(
        select(Partner.id, Partner.name, msum(Line.debit), msum(Line.credit))
        .join(Line, Line.partner_id == Partner.id)
        .join(Account, Account.id == Line.account_id)
        .where(_posted(Line), Account.type == account_type)
        .group_by(Partner.id, Partner.name)
        .order_by(Partner.name)
    )
    return [
        {"partner_id": pid, "partner": name, "debit": d, "credit": c, "balance": d - c}
        for pid, name, d, c in rows
    ]


def partner_ledger(
    env: Env, partner_id: int, account_type: str = "receivable"
) -> list[dict[str, Any]]:
    """The partner's posted items on its receivable (or payable) account, oldest first."""
    Line = env["account.move.line"]
    Account = env["account.account"]
    Move = env["account.move"]
    balance = Decimal(0)
    out = []
    rows = env.session.execute(
        select(
            Line.date,
            Move.name,
            Move.move_type,
            Line.debit,
            Line.credit,
            Line.amount_residual,
            Line.date_maturity,
        )
        .join(Move, Move.id == Line.move_id)
        .join(Account, Account.id == Line.account_id)
        .where(_posted(Line), Account.type == account_type, Line.partner_id == partner_id)
        .order_by(Line.date, Line.id)
    )
    for date, number, move_type, debit, credit, residual, due in rows:
        balance += debit - credit
        out.append(
            {
                "date": date,
                "entry": number,
                "type": move_type,
                "debit": debit,
                "credit": credit,
                "open": residual,
                "due": due,
                "balance": balance,
            }
        )
    return out


BUCKETS = ("not_due", "days_0_30", "days_31_60", "days_61_90", "days_90_plus")


def aged_balances(
    env: Env, account_type: str = "receivable", as_of: dt.date | None = None
) -> list[dict[str, Any]]:
    """Open amounts per partner by days overdue: not due, 0-30, 31-60, 61-90, over 90.

    The buckets are CASE expressions on the due date compared with fixed dates,
    so the same SQL runs on SQLite and PostgreSQL.
    """
    from sqlalchemy import case

    Line = env["account.move.line"]
    Account = env["account.account"]
    Partner = env["res.partner"]
    today = as_of or dt.date.today()
    due = func.coalesce(Line.date_maturity, Line.date)
    bucket = case(
        (due >= today, "not_due"),
        (due >= today - dt.timedelta(days=30), "days_0_30"),
        (due >= today - dt.timedelta(days=60), "days_31_60"),
        (due >= today - dt.timedelta(days=90), "days_61_90"),
        else_="days_90_plus",
    ).label("bucket")
    rows = env.session.execute(
        select(Partner.id, Partner.name, bucket, msum(Line.amount_residual))
        .join(Line, Line.partner_id == Partner.id)
        .join(Account, Account.id == Line.account_id)
        .where(_posted(Line), Account.type == account_type, Line.amount_residual != 0)
        .group_by(Partner.id, Partner.name, bucket)
        .order_by(Partner.name)
    )
    sign = Decimal(1) if account_type == "receivable" else Decimal(-1)
    table: dict[int, dict[str, Any]] = {}
    for pid, name, key, amount in rows:
        entry = table.setdefault(
            pid, {"partner_id": pid, "partner": name, **{b: Decimal(0) for b in BUCKETS}}
        )
        entry[key] += sign * _dec(amount)
    for entry in table.values():
        entry["total"] = sum((entry[b] for b in BUCKETS), Decimal(0))
        entry["overdue"] = entry["total"] - entry["not_due"]
    return list(table.values())


def profit_and_loss(env: Env, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """Income and expenses of the period by account, and the profit."""
    from addons.accounting.models.selections import EXPENSE_TYPES, INCOME_TYPES

    rows = trial_balance(env, date_from, date_to)
    income = [{**r, "amount": r["credit"] - r["debit"]} for r in rows if r["type"] in INCOME_TYPES]
    expense = [
        {**r, "amount": r["debit"] - r["credit"]} for r in rows if r["type"] in EXPENSE_TYPES
    ]
    total_income = sum((r["amount"] for r in income), Decimal(0))
    total_expense = sum((r["amount"] for r in expense), Decimal(0))
    return {
        "income": income,
        "expense": expense,
        "total_income": total_income,
        "total_expense": total_expense,
        "profit": total_income - total_expense,
    }


def balance_sheet(env: Env, as_of: dt.date) -> dict[str, Any]:
    """Assets = liabilities + equity at ``as_of``; unclosed income and expenses show as this year's profit."""
    from addons.accounting.models.selections import (
        ASSET_TYPES,
        EQUITY_TYPES,
        EXPENSE_TYPES,
        INCOME_TYPES,
        LIABILITY_TYPES,
    )

    rows = trial_balance(env, dt.date(1900, 1, 1), as_of)
    assets = [{**r, "amount": r["closing"]} for r in rows if r["type"] in ASSET_TYPES]
    liabilities = [{**r, "amount": -r["closing"]} for r in rows if r["type"] in LIABILITY_TYPES]
    equity = [{**r, "amount": -r["closing"]} for r in rows if r["type"] in EQUITY_TYPES]
    profit = -sum(
        (r["closing"] for r in rows if r["type"] in INCOME_TYPES + EXPENSE_TYPES), Decimal(0)
    )
    total_assets = sum((r["amount"] for r in assets), Decimal(0))
    total_liabilities = sum((r["amount"] for r in liabilities), Decimal(0))
    total_equity = sum((r["amount"] for r in equity), Decimal(0)) + profit
    return {
        "assets": assets,
        "liabilities": liabilities,
        "equity": equity,
        "current_profit": profit,
        "total_assets": total_assets,
        "total_liabilities": total_liabilities,
        "total_equity": total_equity,
    }

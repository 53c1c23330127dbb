"""Fiscal years, period locks and opening balances — the controller's tools (managers only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from addons.accounting.services.chart import company_account, ensure_fiscal_year, journal_of
from addons.accounting.services.moves import create_move, debit_credit, post, require_manager
from addons.base.services.company import main_company
from kernel.env import Env
from kernel.errors import ValidationError
from kernel.i18n import _


def lock_period(env: Env, lock_date: dt.date, company: Any = None) -> None:
    """Nothing can be posted on or before ``lock_date`` any more (month-end closing)."""
    require_manager(env, _("lock periods"))
    company = company or main_company(env)
    if company.account_lock_date and lock_date < company.account_lock_date:
        raise ValidationError(
            _(
                "Lock date: cannot move the lock date back from %(old)s to %(new)s",
                old=company.account_lock_date.isoformat(),
                new=lock_date.isoformat(),
            ),
            field="account_lock_date",
        )
    # The lock date lives on the company, which base lets only master-data managers
    # write; the accounting manager's right to lock was checked just above.
    with env.sudo("an accounting manager locks the books up to a date"):
        company.account_lock_date = lock_date


def close_fiscal_year(env: Env, year: int, company: Any = None) -> Any:
    """Close the year: it refuses postings from now on, and the lock date moves to its end."""
    require_manager(env, _("close fiscal years"))
    company = company or main_company(env)
    fiscal_year = ensure_fiscal_year(env, company, year)
    fiscal_year.state = "closed"
    if not company.account_lock_date or company.account_lock_date < fiscal_year.date_to:
        with env.sudo("closing a fiscal year moves the company's lock date to its end"):
            company.account_lock_date = fiscal_year.date_to
    env.session.flush()
    return fiscal_year


def opening_entry(
    env: Env, date: dt.date, balances: Iterable[Mapping[str, Any]], company: Any = None
) -> Any:
    """Post the opening balances (``account_id``, ``amount`` signed debit+, optional ``partner_id``).

    Whatever does not balance goes to the company's opening balance (equity) account,
    so a new company can start from last year's trial balance of another system.
    """
    require_manager(env, _("post opening balances"))
    company = company or main_company(env)
    lines = []
    total = Decimal(0)
    for row in balances:
        amount = Decimal(str(row["amount"]))
        if amount == 0:
            continue
        debit, credit = debit_credit(amount)
        lines.append(
            {
                "account_id": row["account_id"],
                "partner_id": row.get("partner_id"),
                "name": str(_("Opening balance")),
                "debit": debit,
                "credit": credit,
                "date_maturity": date,
            }
        )
        total += amount
    if total:
        debit, credit = debit_credit(-total)
        lines.append(
            {
                "account_id": company_account(env, company, "equity"),
                "name": str(_("Opening balance")),
                "debit": debit,
                "credit": credit,
            }
        )
    if not lines:
        raise ValidationError(_("Opening balances: nothing to post"), field="balances")
    move = create_move(
        env, journal_of(env, company.id, "general"), lines, date=date, ref=str(_("Opening balance"))
    )
    return post(env, move)


def account_by_code(env: Env, code: str) -> Any:
    Account = env["account.account"]
    account = env.session.scalar(select(Account).where(Account.code == code))
    if account is None:
        raise ValidationError(
            _("Account: no account with code %(code)s", code=code), field="account_id"
        )
    return account

"""Creating, posting and reversing journal entries.

Posting is the one door into the books: it checks that the entry balances to
the cent (Decimal, no tolerance), that its date is after the company's lock
date and inside an open fiscal year, draws the entry's number from its
journal's gapless sequence (so drafts hold no number and a failed posting gives
its number back), and freezes the entry. Mistakes are corrected by
:func:`reverse`, never by editing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from kernel import faults
from kernel.bulk import batches_returning, insert_records
from kernel.env import Env
from kernel.errors import AccessDenied, ConflictError, ValidationError
from kernel.fields import utcnow
from kernel.i18n import LazyString, _
from kernel.models.events import apply_scalar_defaults
from kernel.statements import built
from kernel.workflow import Move as WfMove
from kernel.workflow import fire

ZERO = Decimal(0)
MANAGER = "accounting.group_manager"


def debit_credit(amount: Decimal) -> tuple[Decimal, Decimal]:
    """A signed amount as (debit, credit): positive debits, negative credits."""
    return (amount, ZERO) if amount >= 0 else (ZERO, -amount)


def create_move(
    env: Env,
    journal: Any,
    lines: Iterable[Mapping[str, Any]],
    *,
    date: dt.date | None = None,
    partner_id: int | None = None,
    ref: str = "",
    move_type: str = "entry",
    currency_id: int | None = None,
    to_post: bool = False,
    **values: Any,
) -> Any:
    """A draft entry in ``journal`` with ``lines`` (dicts of move-line fields).

    ``to_post``: the caller posts the entry next, in the same step (an order's
    invoice, a payment's entry). Nothing is written yet: the posting's flush
    writes the entry and its lines once, already posted, instead of inserting a
    draft and updating every row of it moments later (two statements a posting).
    Whatever flushes in between only brings back the draft's INSERT. On SQLite the
    draft is written as usual: its flush would insert the lines one by one
    (:func:`kernel.bulk.batches_returning`).
    """
    Move = env["account.move"]
    Line = env["account.move.line"]
    company = env.get("res.company", journal.company_id)
    move = Move(
        journal_id=journal.id,
        company_id=journal.company_id,
        currency_id=currency_id or company.currency_id,
        date=date or dt.date.today(),
        partner_id=partner_id,
        ref=ref,
        move_type=move_type,
        **values,
    )
    rows = []
    for seq, data in enumerate(lines, start=1):
        row = dict(data)
        row.setdefault("partner_id", partner_id)
        row.setdefault("sequence", seq * 10)
        rows.append(row)
    if to_post and batches_returning(env):
        return _pending_move(env, move, rows)
    env.session.add(move)
    env.session.flush()
    for row in rows:
        row["move_id"] = move.id
    if rows:
        # One executemany: the ORM would insert them one by one on SQLite (it cannot
        # batch INSERT … RETURNING there), a statement per invoice line. Rows must
        # carry the same keys to share a statement (see same_keys). A Core-level
        # insert skips the flush-time access check: check it here.
        env.check("account.move.line", "create")
        added = insert_records(
            env,
            Line,
            same_keys(Line, rows),
            lambda: select(Line).where(Line.move_id == move.id).order_by(Line.id),
            render_nulls=True,
        )
        # a new entry has exactly these lines: posting reads them without a query
        set_committed_value(move, "lines", sorted(added, key=lambda ln: (ln.sequence, ln.id)))
    else:
        env.session.expire(move, ["lines"])
    return move


def _pending_move(env: Env, move: Any, rows: list[dict[str, Any]]) -> Any:
    """``move`` with its lines, added to the session unflushed, with the values a flush
    would default (the workflow reads the state; posting sums debits and credits)."""
    Line = env["account.move.line"]
    move.state = "draft"
    apply_scalar_defaults(move)
    move.lines = [Line(**row) for row in rows]
    for line in move.lines:
        apply_scalar_defaults(line)
    env.session.add(move)
    return move


def same_keys(cls: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give every row the keys any row has, so one executemany inserts them all.

    Product lines carry ``tax_id``, the tax line ``tax_line_id``, the receivable line
    ``date_maturity``: as given, they were three INSERT statements. The insert runs
    with ``render_nulls`` (a ``None`` is written as NULL instead of splitting the
    batch), so a key a row lacks is filled only where NULL is what the column
    would get anyway (nullable, no default), and a ``None`` given for a column
    with a default becomes that default, as the plain insert did.
    """
    columns = sa_inspect(cls).columns
    for row in rows:
        for key, value in list(row.items()):
            column = columns.get(key)
            if value is None and column is not None and column.default is not None:
                if column.default.is_scalar:
                    row[key] = column.default.arg  # type: ignore[attr-defined]
                else:
                    del row[key]
    keys = set().union(*rows)
    fill = [
        key
        for key in keys
        if key in columns
        and columns[key].nullable
        and columns[key].default is None
        and columns[key].server_default is None
    ]
    for row in rows:
        for key in fill:
            row.setdefault(key, None)
    return rows


def post(env: Env, move: Any) -> Any:
    """Post a draft entry (the workflow's ``post`` transition: checks, number, freeze)."""
    fire(env, move, "post")
    return move


def postable_problem(env: Env, move: Any) -> str | LazyString | None:
    """Why ``move`` cannot be posted, or ``None`` (a workflow guard)."""
    lines = list(move.lines)
    if not lines:
        return _("%(entry)s has no lines", entry=_entry_label(move))
    debit = sum((Decimal(line.debit or 0) for line in lines), ZERO)
    credit = sum((Decimal(line.credit or 0) for line in lines), ZERO)
    if debit != credit:
        return _(
            "%(entry)s is not balanced: debits %(debit)s, credits %(credit)s",
            entry=_entry_label(move),
            debit=debit,
            credit=credit,
        )
    if debit == 0:
        return _("%(entry)s has no amount", entry=_entry_label(move))
    for line in lines:
        if Decimal(line.debit or 0) < 0 or Decimal(line.credit or 0) < 0:
            return _("Debit/Credit: amounts must not be negative")
        if Decimal(line.debit or 0) and Decimal(line.credit or 0):
            return _("Debit/Credit: a line is either a debit or a credit, not both")
        if not line.account_id:
            return _("Account: every line needs an account")
    return period_problem(env, move.company_id, move.date)


def period_problem(env: Env, company_id: int, date: dt.date) -> str | LazyString | None:
    """Why nothing can be posted on ``date`` (lock date, closed fiscal year), or ``None``."""
    company = env.get("res.company", company_id)
    if company.account_lock_date and date <= company.account_lock_date:
        return _(
            "Accounting date: %(date)s is on or before the lock date %(lock)s",
            date=date.isoformat(),
            lock=company.account_lock_date.isoformat(),
        )
    FiscalYear = env["account.fiscal.year"]
    stmt = built(
        env.registry,
        "accounting.closed_year",
        lambda: select(FiscalYear.name).where(
            FiscalYear.company_id == bindparam("company_id"),
            FiscalYear.date_from <= bindparam("day"),
            FiscalYear.date_to >= bindparam("day"),
            FiscalYear.state == "closed",
        ),
    )
    with env.session.no_autoflush:  # an entry about to be posted is not written before
        closed = env.session.scalar(stmt, {"company_id": company_id, "day": date})
    if closed:
        return _("Accounting date: fiscal year %(year)s is closed", year=closed)
    return None


def _guard_postable(env: Env, move: Any) -> str | LazyString | None:
    return postable_problem(env, move)


def _on_post(env: Env, move: Any, wf_move: WfMove) -> None:
    """Number, totals and residuals: the last writes a posted entry receives."""
    # The state is already "posted" in memory: nothing may reach the database
    # before the number and totals are set (the CHECK constraints would refuse it),
    # and every figure below must be part of the same, single flush.
    with env.session.no_autoflush:
        lines = list(move.lines)
        # one query for every account of the entry (partner lines are told by account
        # type); held in a variable, the identity map would otherwise drop them
        Account = env["account.account"]
        stmt = built(
            env.registry,
            "accounting.accounts",
            lambda: select(Account).where(Account.id.in_(bindparam("ids", expanding=True))),
        )
        ids = sorted({line.account_id for line in lines})
        accounts = {a.id: a for a in env.session.scalars(stmt, {"ids": ids})}
        # by id, not ``move.journal`` / ``line.account``: an entry created to be posted
        # (``to_post``) is not in the database yet, and SQLAlchemy loads no reference
        # of a pending record
        journal = env.get("account.journal", move.journal_id)
        move.name = env.next_number(journal.sequence_code, move.company_id, move.date)
        move.total_debit = sum((Decimal(line.debit) for line in lines), ZERO)
        move.total_credit = sum((Decimal(line.credit) for line in lines), ZERO)
        move.posted_at = utcnow()
        for line in lines:
            line.parent_state = "posted"
            line.date = move.date
            line.amount_residual = Decimal(line.debit) - Decimal(line.credit)
        if move.move_type != "entry":
            partner_lines = [line for line in lines if _is_partner_line(line, accounts)]
            _invoice_figures(move, lines, partner_lines)
            move.payment_state = "not_paid"
            move.amount_residual = abs(sum((line.amount_residual for line in partner_lines), ZERO))
    env.session.flush()
    faults.point("accounting.posted", env)  # numbered and posted; the order not yet updated
    del accounts


def _invoice_figures(move: Any, lines: list[Any], partner_lines: list[Any]) -> None:
    """Totals and due date of an invoice entered line by line (the services set them already)."""
    if not partner_lines:
        raise ValidationError(
            _("%(entry)s: an invoice needs a receivable or payable line", entry=_entry_label(move)),
            field="lines",
        )
    if not move.amount_total:
        total = abs(sum((line.balance for line in partner_lines), ZERO))
        tax = abs(sum((line.balance for line in lines if line.tax_line_id), ZERO))
        move.amount_total = total
        move.amount_tax = tax
        move.amount_untaxed = total - tax
    if move.invoice_date_due is None:
        dues = [line.date_maturity for line in partner_lines if line.date_maturity]
        move.invoice_date_due = max(dues) if dues else move.date


def _is_partner_line(line: Any, accounts: Mapping[int, Any]) -> bool:
    account = accounts.get(line.account_id)
    return account is not None and account.type in ("receivable", "payable")


def _entry_label(move: Any) -> str:
    return move.name or move.ref or f"#{move.id}"


def require_manager(env: Env, action: str | LazyString) -> None:
    if not env.has_group(MANAGER):
        raise AccessDenied(_("only accounting managers may %(action)s", action=action))


REVERSAL_TYPES = {
    "entry": "entry",
    "out_invoice": "out_refund",
    "out_refund": "out_invoice",
    "in_invoice": "in_refund",
    "in_refund": "in_invoice",
}


def reverse(env: Env, move: Any, date: dt.date | None = None, reason: str = "") -> Any:
    """Post the mirror image of ``move`` (a credit note for an invoice) and match the two.

    The original stays as it was; whatever of it was still open is settled by the
    reversal, so a partly paid invoice leaves the paid part as the customer's credit.
    """
    from addons.accounting.services.reconcile import reconcile_pair_lines

    require_manager(env, _("reverse entries"))
    if move.state != "posted":
        raise ConflictError(_("only posted entries can be reversed; delete the draft instead"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Reason: a reason is required to reverse an entry"), field="reason")
    Move = env["account.move"]
    already = env.session.scalar(
        select(Move.name).where(Move.reversed_entry_id == move.id, Move.state == "posted")
    )
    if already:
        raise ConflictError(
            _("%(entry)s was already reversed by %(reversal)s", entry=move.name, reversal=already)
        )
    lines = [
        {
            "account_id": line.account_id,
            "partner_id": line.partner_id,
            "name": line.name,
            "debit": line.credit,
            "credit": line.debit,
            "currency_id": line.currency_id,
            "amount_currency": -Decimal(line.amount_currency or 0),
            "date_maturity": line.date_maturity,
            "tax_id": line.tax_id,
            "tax_line_id": line.tax_line_id,
        }
        for line in move.lines
    ]
    reversal = create_move(
        env,
        move.journal,
        lines,
        date=date or dt.date.today(),
        partner_id=move.partner_id,
        ref=move.name,
        move_type=REVERSAL_TYPES[move.move_type],
        currency_id=move.currency_id,
        reversed_entry_id=move.id,
        reason=reason,
        origin_model=move.origin_model,
        origin_id=move.origin_id,
        invoice_origin=move.invoice_origin,
        amount_untaxed=move.amount_untaxed,
        amount_tax=move.amount_tax,
        amount_total=move.amount_total,
    )
    post(env, reversal)
    reconcile_pair_lines(env, move, reversal)
    return reversal


def load_moves(env: Env, ids: list[int]) -> list[Any]:
    Move = env["account.move"]
    return list(
        env.session.scalars(select(Move).where(Move.id.in_(ids)).options(selectinload(Move.lines)))
    )

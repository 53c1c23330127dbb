"""Matching debits with credits on receivable/payable accounts (invoices with payments).

A match (``account.reconcile``) settles part or all of a debit line with a credit
line; each line keeps what is still open in ``amount_residual`` (signed: debits
positive, credits negative). The payment state of an invoice follows from the
residuals of its receivable (or payable) lines — nothing else writes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, select

from addons.accounting.hookspecs import AccountingHooks
from kernel.env import Env
from kernel.errors import ValidationError
from kernel.i18n import _
from kernel.statements import built

ZERO = Decimal(0)
PARTNER_TYPES = ("receivable", "payable")


def open_lines(
    env: Env,
    partner_id: int,
    account_type: str,
    *,
    side: str,
    move_ids: Sequence[int] | None = None,
) -> list[Any]:
    """Posted, still open lines of a partner on its receivable/payable accounts, oldest due first.

    ``side`` is ``"debit"`` (invoices on a receivable) or ``"credit"`` (payments, bills).
    """
    shape = (side, move_ids is not None)
    query = built(env.registry, ("accounting.open_lines", shape), lambda: _open_lines(env, *shape))
    values: dict[str, Any] = {"partner_id": partner_id, "account_type": account_type}
    if move_ids is not None:
        values["move_ids"] = list(move_ids)
    return list(env.session.scalars(query, values))


def _open_lines(env: Env, side: str, some_moves: bool) -> Any:
    """:func:`open_lines`' query for one side, of all entries or of some (built once each)."""
    Line = env["account.move.line"]
    Account = env["account.account"]
    query = (
        select(Line)
        .join(Account, Account.id == Line.account_id)
        .where(
            Line.partner_id == bindparam("partner_id"),
            Account.type == bindparam("account_type"),
            Line.parent_state == "posted",
            Line.reconciled.is_(False),
            (Line.amount_residual > 0) if side == "debit" else (Line.amount_residual < 0),
        )
        .order_by(Line.date_maturity, Line.date, Line.id)
    )
    if some_moves:
        query = query.where(Line.move_id.in_(bindparam("move_ids", expanding=True)))
    return query


def reconcile(
    env: Env,
    debits: Iterable[Any],
    credits: Iterable[Any],
    date: dt.date | None = None,
    *,
    limit: Decimal | None = None,
) -> Decimal:
    """Match ``debits`` with ``credits`` in the given order, at most ``limit``; returns the amount matched."""
    Reconcile = env["account.reconcile"]
    debit_list = [d for d in debits if d.amount_residual > 0]
    credit_list = [c for c in credits if c.amount_residual < 0]
    for line in (*debit_list, *credit_list):
        if not line.account.reconcilable:
            raise ValidationError(
                _(
                    "Account: %(account)s is not reconcilable",
                    account=f"{line.account.code} {line.account.name}",
                ),
                field="account_id",
            )
    matched = ZERO
    touched: dict[int, Any] = {}
    di = ci = 0
    while di < len(debit_list) and ci < len(credit_list):
        debit, credit = debit_list[di], credit_list[ci]
        if debit.account_id != credit.account_id:
            raise ValidationError(
                _("Account: only items of the same account can be matched"), field="account_id"
            )
        amount = min(debit.amount_residual, -credit.amount_residual)
        if limit is not None:
            amount = min(amount, limit - matched)
            if amount <= 0:
                break
        env.session.add(
            Reconcile(
                debit_line_id=debit.id,
                credit_line_id=credit.id,
                amount=amount,
                date=date or dt.date.today(),
            )
        )
        debit.amount_residual = debit.amount_residual - amount
        credit.amount_residual = credit.amount_residual + amount
        matched += amount
        for line in (debit, credit):
            line.reconciled = line.amount_residual == 0
            touched[line.move_id] = line.move
        if debit.amount_residual == 0:
            di += 1
        if credit.amount_residual == 0:
            ci += 1
    env.session.flush()
    refresh_payment_state(env, list(touched.values()))
    return matched


def reconcile_pair_lines(env: Env, first: Any, second: Any) -> Decimal:
    """Match the open receivable/payable lines of two entries (an invoice and its reversal)."""
    lines = [
        line
        for line in (*first.lines, *second.lines)
        if line.account.type in PARTNER_TYPES and line.account.reconcilable
    ]
    matched = ZERO
    for account_id in {line.account_id for line in lines}:
        mine = [line for line in lines if line.account_id == account_id]
        matched += reconcile(
            env,
            [line for line in mine if line.amount_residual > 0],
            [line for line in mine if line.amount_residual < 0],
        )
    return matched


def refresh_payment_state(env: Env, moves: Iterable[Any]) -> None:
    """Recompute how much of each invoice is open and its payment state; tell the source documents."""
    Move = env["account.move"]
    paid_origins: list[Any] = []
    for move in moves:
        if move.move_type == "entry":
            continue
        partner_lines = [line for line in move.lines if line.account.type in PARTNER_TYPES]
        residual = abs(sum((line.amount_residual for line in partner_lines), ZERO))
        total = abs(sum((line.debit - line.credit for line in partner_lines), ZERO))
        if residual == 0:
            reversal = built(
                env.registry,
                "accounting.reversal_of",
                lambda: select(Move.id).where(
                    Move.reversed_entry_id == bindparam("move_id"), Move.state == "posted"
                ),
            )
            reversed_by = env.session.scalar(reversal, {"move_id": move.id})
            state = "reversed" if reversed_by else "paid"
        elif residual < total:
            state = "partial"
        else:
            state = "not_paid"
        # both set after the query (its autoflush would write them as two UPDATEs)
        move.amount_residual = residual
        move.payment_state = state
        if move.origin_model:
            paid_origins.append(move)
    env.session.flush()
    if paid_origins:  # sales orders follow through sale_hooks (a when=("sales_order",) part)
        AccountingHooks(env).account_payment_state_changed(env=env, invoices=paid_origins)

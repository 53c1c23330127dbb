"""Registering payments: book the money, then match it with open invoices.

Received money books Dr bank (the journal's account) / Cr receivable; money paid
out to a supplier Dr payable / Cr bank. The payment is then matched with the
partner's open items — oldest due first, or the invoices the user chose. What
is left over (an overpayment) stays open on the receivable as the customer's
credit, visible in the receivables report and matched by later invoices.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from addons.accounting.services.chart import company_account, journal_of
from addons.accounting.services.moves import create_move, post
from addons.accounting.services.reconcile import open_lines, reconcile
from addons.base.services.company import main_company
from kernel.env import Env
from kernel.errors import ConflictError, ValidationError
from kernel.i18n import _
from kernel.workflow import fire


def register_payment(
    env: Env,
    partner_id: int,
    amount: Decimal | str | int,
    *,
    payment_type: str = "inbound",
    journal: Any = None,
    date: dt.date | None = None,
    method: str = "bank_transfer",
    reference: str = "",
    invoices: Sequence[Any] | None = None,
) -> Any:
    """Create and post a payment; match it with ``invoices`` (or the oldest open ones)."""
    value = Decimal(str(amount)) if not isinstance(amount, Decimal) else amount
    if value <= 0:
        raise ValidationError(_("Amount: must be greater than zero"), field="amount")
    company = main_company(env)
    if journal is None:
        journal = journal_of(env, company.id, "cash" if method == "cash" else "bank")
    if journal.type not in ("bank", "cash"):
        raise ValidationError(
            _("Journal: payments go through a bank or cash journal"), field="journal_id"
        )
    Payment = env["account.payment"]
    payment = Payment(
        payment_type=payment_type,
        partner_id=partner_id,
        journal_id=journal.id,
        company_id=journal.company_id,
        currency_id=company.currency_id,
        amount=value,
        date=date or dt.date.today(),
        method=method,
        reference=reference,
    )
    env.session.add(payment)
    env.session.flush()
    return post_payment(env, payment, invoices=invoices)


# session.info key: the invoices post_payment was asked to match, by payment id
CHOSEN_INVOICES = "accounting_payment_invoices"


def post_payment(env: Env, payment: Any, *, invoices: Sequence[Any] | None = None) -> Any:
    """Post a draft payment (its workflow's ``post``) and match it with open invoices."""
    if payment.state != "draft":
        raise ConflictError(_("payment %(name)s is already posted", name=payment.name))
    chosen = env.session.info.setdefault(CHOSEN_INVOICES, {})
    chosen[payment.id] = invoices
    try:
        fire(env, payment, "post")
    finally:
        chosen.pop(payment.id, None)
    return payment


def book_payment(env: Env, payment: Any) -> None:
    """The journal entry of a payment: Dr bank / Cr receivable (or the reverse when paying out).

    This is the ``post`` action, so it also matches the payment with open invoices
    (those :func:`post_payment` was given, else oldest first): a payment posted
    with the form's button or the API's ``actions/post`` settles invoices too.
    """
    journal = payment.journal
    if not journal.default_account_id:
        raise ValidationError(
            _("Journal: %(journal)s has no bank/cash account", journal=journal.name),
            field="default_account_id",
        )
    company = env.get("res.company", payment.company_id)
    inbound = payment.payment_type == "inbound"
    partner_account = company_account(env, company, "receivable" if inbound else "payable")
    amount = Decimal(payment.amount)
    money = {
        "account_id": journal.default_account_id,
        "name": payment.reference,
        "debit": amount if inbound else Decimal(0),
        "credit": Decimal(0) if inbound else amount,
    }
    counterpart = {
        "account_id": partner_account,
        "partner_id": payment.partner_id,
        "name": payment.reference,
        "debit": Decimal(0) if inbound else amount,
        "credit": amount if inbound else Decimal(0),
        "date_maturity": payment.date,
    }
    move = create_move(
        env,
        journal,
        [money, counterpart],
        date=payment.date,
        partner_id=payment.partner_id,
        ref=payment.reference,
    )
    post(env, move)
    payment.move_id = move.id
    payment.name = move.name
    env.session.flush()
    match_payment(env, payment, invoices=env.session.info.get(CHOSEN_INVOICES, {}).get(payment.id))


def match_payment(env: Env, payment: Any, *, invoices: Sequence[Any] | None = None) -> Decimal:
    """Match what is still open of ``payment`` with open invoices (chosen ones, or oldest first)."""
    inbound = payment.payment_type == "inbound"
    account_type = "receivable" if inbound else "payable"
    own = [
        line
        for line in payment.move.lines
        if line.partner_id == payment.partner_id and line.account.type == account_type
    ]
    ids = [inv.id for inv in invoices] if invoices is not None else None
    if inbound:
        targets = open_lines(env, payment.partner_id, account_type, side="debit", move_ids=ids)
        return reconcile(env, targets, own, payment.date)
    targets = open_lines(env, payment.partner_id, account_type, side="credit", move_ids=ids)
    return reconcile(env, own, targets, payment.date)


def unmatched_amount(payment: Any) -> Decimal:
    """What of a posted payment is not matched with any invoice (customer credit)."""
    if payment.move is None:
        return Decimal(payment.amount)
    return abs(
        sum(
            (
                line.amount_residual
                for line in payment.move.lines
                if line.account.type in ("receivable", "payable")
            ),
            Decimal(0),
        )
    )


def apply_open_credits(env: Env, invoice: Any) -> Decimal:
    """Settle ``invoice`` with the partner's open credits (overpayments, credit notes), oldest first."""
    customer = invoice.move_type in ("out_invoice", "in_refund")
    account_type = "receivable" if invoice.move_type in ("out_invoice", "out_refund") else "payable"
    own = [line for line in invoice.lines if line.account.type == account_type]
    if customer:
        credits = open_lines(env, invoice.partner_id, account_type, side="credit")
        return reconcile(env, own, credits, invoice.date)
    debits = open_lines(env, invoice.partner_id, account_type, side="debit")
    return reconcile(env, debits, own, invoice.date)

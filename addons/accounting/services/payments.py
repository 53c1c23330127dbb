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
        state="draft",
    )
    # not flushed: posting writes it once, posted, with its entry and number (book_payment)
    env.session.add(payment)
    return post_payment(env, payment, invoices=invoices)


def pay_invoice(
    env: Env,
    invoice: Any,
    *,
    amount: Decimal | None = None,
    date: dt.date | None = None,
    journal_id: int | None = None,
) -> Any:
    """Register and post a payment of ``invoice`` (its open amount unless ``amount``)."""
    kinds = {"out_invoice": "inbound", "in_invoice": "outbound"}
    if invoice.state != "posted" or invoice.move_type not in kinds:
        raise ValidationError(_("only posted invoices and bills can be paid"), field="state")
    open_amount = abs(Decimal(invoice.amount_residual))
    if open_amount == 0:
        raise ValidationError(
            _("invoice %(name)s is already paid", name=invoice.name), field="amount"
        )
    value = open_amount if amount is None else Decimal(amount)
    journal = env.get("account.journal", journal_id) if journal_id is not None else None
    return register_payment(
        env,
        invoice.partner_id,
        value,
        payment_type=kinds[invoice.move_type],
        journal=journal,
        date=date,
        reference=invoice.name or "",
        invoices=[invoice],
    )


def post_payment(env: Env, payment: Any, *, invoices: Sequence[Any] | None = None) -> Any:
    """Post a draft payment (its workflow's ``post``) and match it with open invoices."""
    if payment.state != "draft":
        raise ConflictError(_("payment %(name)s is already posted", name=payment.name))
    fire(env, payment, "post", invoices=invoices)
    return payment


def book_payment(env: Env, payment: Any, invoices: Sequence[Any] | None = None) -> None:
    """The journal entry of a payment: Dr bank / Cr receivable (or the reverse when paying out).

    This is the ``post`` action, so it also matches the payment with open invoices
    (those :func:`post_payment` was given, else oldest first): a payment posted
    with the form's button or the API's ``actions/post`` settles invoices too.
    """
    journal = env.get("account.journal", payment.journal_id)  # not payment.journal: it
    # may be pending (register_payment), and SQLAlchemy loads no reference of those
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
        to_post=True,
    )
    payment.move = move  # written with the posted entry, which names it (__on_write__)
    post(env, move)
    match_payment(env, payment, invoices=invoices)


def match_payment(env: Env, payment: Any, *, invoices: Sequence[Any] | None = None) -> Decimal:
    """Match what is still open of ``payment`` with open invoices (chosen ones, or oldest first)."""
    inbound = payment.payment_type == "inbound"
    account_type = "receivable" if inbound else "payable"
    own = [
        line
        for line in payment.move.lines
        if line.partner_id == payment.partner_id and line.account.type == account_type
    ]
    if invoices is None and payment.allocations:
        return _match_allocations(env, payment, own, account_type)
    ids = [inv.id for inv in invoices] if invoices is not None else None
    if inbound:
        targets = open_lines(env, payment.partner_id, account_type, side="debit", move_ids=ids)
        return reconcile(env, targets, own, payment.date)
    targets = open_lines(env, payment.partner_id, account_type, side="credit", move_ids=ids)
    return reconcile(env, own, targets, payment.date)


def _match_allocations(env: Env, payment: Any, own: list[Any], account_type: str) -> Decimal:
    """Match the payment with the invoices it names, each up to its allocated amount."""
    inbound = payment.payment_type == "inbound"
    check_allocations(env, payment)
    matched = Decimal(0)
    for alloc in payment.allocations:
        targets = open_lines(
            env,
            payment.partner_id,
            account_type,
            side="debit" if inbound else "credit",
            move_ids=[alloc.move_id],
        )
        pair = (targets, own) if inbound else (own, targets)
        matched += reconcile(env, *pair, payment.date, limit=alloc.amount)
    return matched


def check_allocations(env: Env, payment: Any) -> None:
    """Allocations name posted invoices of the payment's partner and together fit the payment.

    Errors point at the line (``allocations.0.move_id``), counted from 0 like every
    line path of the API.
    """
    customer = payment.payment_type == "inbound"
    kinds = ("out_invoice", "in_refund") if customer else ("in_invoice", "out_refund")
    total = Decimal(0)
    for index, alloc in enumerate(payment.allocations):
        invoice = alloc.move if alloc.move is not None else env.get("account.move", alloc.move_id)
        where = f"allocations.{index}."
        if (
            invoice.partner_id != payment.partner_id
            or invoice.state != "posted"
            or invoice.move_type not in kinds
        ):
            message = _(
                "Invoice: %(name)s is not a posted invoice of this partner to be paid this way",
                name=invoice.name or invoice.id,
            )
            raise ValidationError(message, field=where + "move_id")
        if alloc.amount is not None:
            if alloc.amount <= 0:
                message = _("Amount: must be greater than zero")
                raise ValidationError(message, field=where + "amount")
            total += Decimal(alloc.amount)
    if total > Decimal(payment.amount):
        message = _(
            "the allocations (%(total)s) exceed the payment (%(amount)s)",
            total=total,
            amount=payment.amount,
        )
        raise ValidationError(message, field="allocations")


def fill_defaults(env: Env, payment: Any) -> None:
    """The company's bank (or cash) journal, its company and currency, where not given."""
    if payment.journal_id is None:
        company_id = payment.company_id or main_company(env).id
        kind = "cash" if payment.method == "cash" else "bank"
        payment.journal_id = journal_of(env, company_id, kind).id
    if payment.company_id is None:
        journal = env.get("account.journal", payment.journal_id)
        payment.company_id = journal.company_id
    if payment.currency_id is None:
        payment.currency_id = env.get("res.company", payment.company_id).currency_id


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

"""Invoices and payments linked from the orders they settle, and from each other."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kernel.i18n import _
from kernel.web.related import DocumentLink


def _matched_moves(env: Any, invoices: Any) -> Any:
    """Entries matched (reconciled) with the entries ``invoices`` selects: their payments' entries."""
    Line = env["account.move.line"]
    Reconcile = env["account.reconcile"]
    theirs = select(Line.id).where(Line.move_id.in_(invoices))
    other = Line.__table__.alias("other")
    debit = select(other.c.move_id).join(Reconcile, Reconcile.debit_line_id == other.c.id)
    credit = select(other.c.move_id).join(Reconcile, Reconcile.credit_line_id == other.c.id)
    return debit.where(Reconcile.credit_line_id.in_(theirs)).union(
        credit.where(Reconcile.debit_line_id.in_(theirs))
    )


def _payments_of(env: Any, Payment: Any, invoices: Any) -> Any:
    """Payments allocated to, or matched with, the invoices ``invoices`` selects."""
    Allocation = env["account.payment.allocation"]
    allocated = select(Allocation.payment_id).where(Allocation.move_id.in_(invoices))
    return Payment.id.in_(allocated) | Payment.move_id.in_(_matched_moves(env, invoices))


def _payments_of_origin(model: str) -> Any:
    def where(env: Any, Payment: Any, record: Any) -> Any:
        Move = env["account.move"]
        invoices = select(Move.id).where(Move.origin_model == model, Move.origin_id == record.id)
        return _payments_of(env, Payment, invoices)

    return where


def _payments_of_invoice(env: Any, Payment: Any, invoice: Any) -> Any:
    Move = env["account.move"]
    return _payments_of(env, Payment, select(Move.id).where(Move.id == invoice.id))


def _invoices_of_payment(env: Any, Move: Any, payment: Any) -> Any:
    Allocation = env["account.payment.allocation"]
    allocated = select(Allocation.move_id).where(Allocation.payment_id == payment.id)
    matched = _matched_moves(env, select(Move.id).where(Move.id == payment.move_id))
    return Move.id.in_(allocated) | (Move.id.in_(matched) & (Move.id != payment.move_id))


def _from(model: str) -> Any:
    return lambda record: {"origin_model": model, "origin_id": record.id}


LINKS = [
    DocumentLink(
        "sale.order",
        "account.move",
        _("Invoices"),
        domain=_from("sale.order"),
        milestones=("invoiced",),
        key="invoices",
    ),
    DocumentLink(
        "sale.order",
        "account.payment",
        _("Payments"),
        where=_payments_of_origin("sale.order"),
        milestones=("settled",),
        key="payments",
    ),
    DocumentLink(
        "purchase.order",
        "account.move",
        _("Bills"),
        domain=_from("purchase.order"),
        milestones=("billed",),
        key="bills",
    ),
    DocumentLink(
        "purchase.order",
        "account.payment",
        _("Payments"),
        where=_payments_of_origin("purchase.order"),
        milestones=("paid",),
        key="payments",
    ),
    DocumentLink(
        "account.move",
        "account.payment",
        _("Payments"),
        where=_payments_of_invoice,
        key="payments",
    ),
    DocumentLink(
        "account.payment",
        "account.move",
        _("Invoices"),
        where=_invoices_of_payment,
        key="invoices",
    ),
]

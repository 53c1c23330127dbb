"""Accounting's side of sales orders, reached only through hooks and ``env["sale.order"]``.

sales_order knows nothing about accounting: it announces its events, and this
module answers — expecting the settlement milestones at approval, invoicing when
the company's policy says so (completion by default), reaching ``invoiced`` and,
once the invoice is paid in full, ``settled`` (which closes the order).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, func, inspect, select, type_coerce
from sqlalchemy.orm import selectinload

from addons.accounting.services.invoices import in_company_currency, make_invoice
from addons.accounting.services.moves import post
from addons.accounting.services.payments import apply_open_credits
from kernel.env import Env
from kernel.errors import ValidationError
from kernel.fields import Money
from kernel.i18n import LazyString, _
from kernel.statements import built
from kernel.workflow import expect_milestone, milestones, reach_milestone

ADDON = "accounting"
ORIGIN = "sale.order"


def expect_settlement(env: Env, order: Any) -> None:
    """Expect both milestones before reaching any (see sales_order's hook contract)."""
    expect_milestone(env, order, "invoiced", ADDON)
    expect_milestone(env, order, "settled", ADDON)


def order_invoice(env: Env, order_id: int) -> Any:
    """The order's posted customer invoice, if any."""
    Move = env["account.move"]
    stmt = built(
        env.registry,
        "accounting.order_invoice",
        lambda: (
            select(Move)
            .where(
                Move.origin_model == ORIGIN,
                Move.origin_id == bindparam("order_id"),
                Move.move_type == "out_invoice",
                Move.state == "posted",
            )
            .order_by(Move.id)
            .limit(1)
        ),
    )
    return env.session.scalar(stmt, {"order_id": order_id})


def _may_be_invoiced(env: Env, order: Any) -> bool:
    """Whether the order may have its invoice already, so that it must be looked for.

    Every order invoice is made by :func:`invoice_order`, which reaches the order's
    ``invoiced`` milestone in the same transaction: while that milestone is expected
    and not done, there is no invoice to look for (a query saved on every delivery;
    the step has read the order's milestones already).
    """
    row = milestones(env, order).get("invoiced")
    return row is None or row.done_at is not None


def invoice_order(env: Env, order: Any) -> Any:
    """Create and post the customer invoice of ``order`` from its stored amounts.

    Runs inside the order's transaction: if anything is missing (say, the
    receivable account), this raises and the order's completion rolls back with it.
    """
    if _may_be_invoiced(env, order):
        existing = order_invoice(env, order.id)
        if existing is not None:
            return existing
    if "lines" in inspect(order).unloaded:  # else the step read them (stock's sync)
        Order = env["sale.order"]
        order = env.session.scalar(
            select(Order).where(Order.id == order.id).options(selectinload(Order.lines))
        )
    company = order.company
    convert = order.currency_id != company.currency_id
    items = []
    for line in order.lines:
        untaxed, tax_amount = in_company_currency(
            env,
            (Decimal(line.price_subtotal or 0), Decimal(line.price_tax or 0)),
            order.currency_id,
            company,
            order.date_order,
        )
        items.append(
            {
                "name": line.name or (line.product.name if line.product else ""),
                "untaxed": untaxed,
                "tax_amount": tax_amount,
                "tax": line.tax,
            }
        )
    if not convert:
        lines_untaxed = sum((Decimal(i["untaxed"]) for i in items), Decimal(0))
        lines_tax = sum((Decimal(i["tax_amount"]) for i in items), Decimal(0))
        if lines_untaxed != order.amount_untaxed or lines_tax != order.amount_tax:
            raise ValidationError(
                _(
                    "%(order)s: line amounts do not add up to the order totals; "
                    "recompute the order before invoicing",
                    order=order.name,
                )
            )
    invoice = make_invoice(
        env,
        company,
        order.partner_id,
        "out_invoice",
        items,
        dt.date.today(),
        order.payment_term_id,
        order.name,
        origin_model=ORIGIN,
        origin_id=order.id,
        invoice_origin=order.name,
        to_post=True,
    )
    if convert:
        # the customer owes the order's own currency: keep it on the receivable
        for line in invoice.lines:
            if line.partner_id == order.partner_id and line.date_maturity is not None:
                line.currency_id = order.currency_id
                line.amount_currency = order.amount_total
    post(env, invoice)
    order.invoice_status = "invoiced"
    reach_milestone(
        env, order, "invoiced", ADDON, note=str(_("Invoice %(name)s", name=invoice.name))
    )
    # money the customer paid in advance (or a credit note) settles the new invoice
    apply_open_credits(env, invoice)
    return invoice


def sync_orders(env: Env, invoices: Iterable[Any]) -> None:
    """Follow the payment state of order invoices onto their orders; settle paid ones."""
    Order = env["sale.order"]
    for invoice in invoices:
        if invoice.origin_model != ORIGIN or not invoice.origin_id:
            continue
        if invoice.move_type != "out_invoice":
            continue
        with env.sudo("accounting records an order's payment and settles the paid order"):
            order = env.session.get(Order, invoice.origin_id)
            if order is None:
                continue
            status = {"paid": "paid", "partial": "partial", "reversed": "credited"}.get(
                invoice.payment_state, "invoiced"
            )
            order.invoice_status = status
            if invoice.payment_state in ("paid", "reversed"):
                reach_milestone(
                    env,
                    order,
                    "settled",
                    ADDON,
                    note=str(_("Invoice %(name)s paid", name=invoice.name)),
                )


def cancel_blockers(env: Env, order: Any) -> list[str | LazyString]:
    invoice = order_invoice(env, order.id)
    if invoice is None:
        return []
    return [
        _(
            "invoice %(invoice)s is posted for it; issue a credit note instead",
            invoice=invoice.name,
        )
    ]


def open_receivable(env: Env, partner_id: int) -> Decimal:
    """Posted, unpaid receivables of the partner (and its contacts' invoices), company currency."""
    Line = env["account.move.line"]
    Account = env["account.account"]
    Partner = env["res.partner"]
    ids = select(Partner.id).where((Partner.id == partner_id) | (Partner.parent_id == partner_id))
    total = env.session.scalar(
        select(type_coerce(func.sum(Line.amount_residual), Money()))
        .join(Account, Account.id == Line.account_id)
        .where(
            Account.type == "receivable",
            Line.parent_state == "posted",
            Line.partner_id.in_(ids),
        )
    )
    return Decimal(total or 0)

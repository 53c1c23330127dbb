"""The journal items of a purchase bill, computed from its purchase lines.

A bill's purchase lines (``purchase.bill.line``) carry quantities and prices; the
entry carries what the books need: Dr expense (or, under perpetual inventory
valuation, Dr goods received not invoiced for goods, which clears the receipt's
valuation entry), Dr input VAT, Cr payable. Both are kept in step here, with the
accounting addon's own line builder, so a bill from a purchase order and a bill
keyed in by hand book exactly alike.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from addons.accounting.services.chart import company_account
from addons.accounting.services.invoices import build_invoice_lines, in_company_currency
from addons.base.services import tax as tax_engine
from kernel.env import Env

ZERO = Decimal(0)
SIGNATURE = "_purchase_bill_signature"


def _signature(rows: list[Any]) -> tuple[Any, ...]:
    return tuple((id(r), r.quantity, r.price_unit, r.tax_id) for r in rows)


def bill_items(env: Env, company: Any, order: Any, rows: list[Any]) -> list[dict[str, Any]]:
    """Items for :func:`build_invoice_lines` (one per purchase line); sets each row's subtotal.

    Amounts are computed in the order's currency by the shared tax engine (rounded
    per line, like the order) and converted to the company currency at the order date.
    """
    Tax = env["res.tax"]
    Product = env["product.product"]
    tax_ids = {r.tax_id for r in rows if r.tax_id}
    taxes = env.browse(Tax, tax_ids)
    product_ids = {r.product_id for r in rows}
    goods = set(
        env.session.scalars(
            select(Product.id).where(Product.id.in_(product_ids), Product.type != "service")
        )
    )
    interim = None
    if goods and company.stock_valuation == "perpetual":
        interim = company_account(env, company, "stock_interim")
    order_currency = order.currency if order.currency_id else company.currency
    items = []
    for row in rows:
        tax = taxes.get(row.tax_id) if row.tax_id else None
        result = tax_engine.compute(
            row.price_unit, tax, quantity=row.quantity, currency=order_currency
        )
        row.price_subtotal = result.untaxed
        untaxed, tax_amount = in_company_currency(
            env, (result.untaxed, result.tax), order.currency_id, company, order.date_order
        )
        items.append(
            {
                "name": row.description,
                "untaxed": untaxed,
                "tax_amount": tax_amount,
                "tax": tax,
                "account_id": interim if row.product_id in goods else None,
            }
        )
    return items


def entry_figures(
    env: Env, bill: Any, order: Any, rows: list[Any]
) -> tuple[list[dict[str, Any]], Decimal, Decimal, Decimal]:
    """The journal items and untaxed, tax and total amounts ``rows`` call for on ``bill``."""
    company: Any = env.get("res.company", bill.company_id)
    items = bill_items(env, company, order, rows)
    due = bill.invoice_date_due or bill.date
    label = bill.ref or bill.invoice_origin
    return build_invoice_lines(env, company, "in_invoice", bill.partner_id, items, due, label)


def sync_entry(env: Env, bill: Any) -> None:
    """Rebuild the journal items of a draft bill from its purchase lines.

    Called from the purchase lines' create/write hooks (inside the flush): the
    signature of the lines already booked avoids rebuilding once per line.
    """
    rows = list(bill.purchase_lines)
    signature = _signature(rows)
    if getattr(bill, SIGNATURE, None) == signature:
        return
    order = env.session.get(env["purchase.order"], bill.origin_id)
    lines, untaxed, tax, total = entry_figures(env, bill, order, rows)
    Line = env["account.move.line"]
    bill.lines[:] = [
        Line(**{"partner_id": bill.partner_id, "sequence": seq * 10, **data})
        for seq, data in enumerate(lines, start=1)
    ]
    bill.amount_untaxed, bill.amount_tax, bill.amount_total = untaxed, tax, total
    mark_in_step(bill)


def mark_in_step(bill: Any) -> None:
    """Remember that the bill's journal items match its purchase lines as they are now."""
    setattr(bill, SIGNATURE, _signature(list(bill.purchase_lines)))


def out_of_step(env: Env, bill: Any, order: Any) -> bool:
    """Whether the bill's totals differ from what its purchase lines call for."""
    rows = list(bill.purchase_lines)
    _lines, untaxed, tax, total = entry_figures(env, bill, order, rows)
    payable = sum(
        (
            Decimal(line.credit or 0) - Decimal(line.debit or 0)
            for line in bill.lines
            if line.partner_id == bill.partner_id and line.date_maturity is not None
        ),
        ZERO,
    )
    return (bill.amount_untaxed, bill.amount_tax, bill.amount_total, payable) != (
        untaxed,
        tax,
        total,
        total,
    )

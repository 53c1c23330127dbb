"""Customer invoices and vendor bills: entries with a partner, taxes and a due date.

A customer invoice books Dr receivable (the total, due per the payment terms),
Cr revenue per line and Cr output VAT per tax; a vendor bill the mirror image
(Dr expense, Dr input VAT, Cr payable). Amounts come from the one tax engine
(``addons.base.services.tax``) or, for sales orders, straight from the order's
own stored figures, so the order and its invoice agree to the cent.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from addons.accounting.services.chart import company_account, journal_of
from addons.accounting.services.moves import ZERO, create_move, debit_credit
from addons.base.services import currency as currency_service
from addons.base.services import tax as tax_engine
from addons.base.services.company import main_company
from kernel.env import Env
from kernel.errors import ValidationError
from kernel.i18n import _

SIGN = {"out_invoice": -1, "in_refund": -1, "in_invoice": 1, "out_refund": 1}
"""Sign of the revenue/expense side: a customer invoice credits revenue (−)."""


def due_date(env: Env, date: dt.date, payment_term_id: int | None) -> dt.date:
    """When an invoice dated ``date`` falls due under the payment terms (immediate if none)."""
    if not payment_term_id:
        return date
    term = env.get("res.payment.term", payment_term_id)
    start = date
    if term.end_of_month:
        start = date.replace(day=calendar.monthrange(date.year, date.month)[1])
    return start + dt.timedelta(days=int(term.days or 0))


def in_company_currency(
    env: Env, amounts: Iterable[Decimal], currency_id: int | None, company: Any, date: Any
) -> list[Decimal]:
    """A document's amounts (in ``currency_id``) in the company's currency at ``date``.

    Sales and purchase documents book in the company currency; their amounts stay
    as entered when the document is in that currency (or names none).
    """
    if not currency_id or currency_id == company.currency_id:
        return list(amounts)
    return [
        currency_service.convert(env, amount, currency_id, company.currency_id, date)
        for amount in amounts
    ]


def tax_account(tax: Any) -> int:
    if not tax.account_id:
        raise ValidationError(
            _("Tax account: tax %(tax)s has no account to book it on", tax=tax.name),
            field="account_id",
        )
    return int(tax.account_id)


def build_invoice_lines(
    env: Env,
    company: Any,
    move_type: str,
    partner_id: int,
    items: Iterable[Mapping[str, Any]],
    due: dt.date,
    label: str,
) -> tuple[list[dict[str, Any]], Decimal, Decimal, Decimal]:
    """Move lines of an invoice from items carrying ``untaxed``, ``tax_amount`` and ``tax``.

    Returns the lines and the untaxed, tax and total amounts.
    """
    sign = SIGN[move_type]
    customer = move_type in ("out_invoice", "out_refund")
    default_account = company_account(env, company, "revenue" if customer else "expense")
    partner_account = company_account(env, company, "receivable" if customer else "payable")
    lines: list[dict[str, Any]] = []
    taxes: dict[int, tuple[Any, Decimal]] = {}
    untaxed = tax_total = ZERO
    for item in items:
        amount = Decimal(item["untaxed"])
        tax = item.get("tax")
        tax_amount = Decimal(item.get("tax_amount") or 0)
        untaxed += amount
        tax_total += tax_amount
        if amount:
            debit, credit = debit_credit(sign * amount)
            lines.append(
                {
                    "account_id": item.get("account_id") or default_account,
                    "name": item.get("name", ""),
                    "debit": debit,
                    "credit": credit,
                    "tax_id": tax.id if tax is not None else None,
                }
            )
        if tax is not None and tax_amount:
            _tax, summed = taxes.get(tax.id, (tax, ZERO))
            taxes[tax.id] = (tax, summed + tax_amount)
    for tax, amount in taxes.values():
        debit, credit = debit_credit(sign * amount)
        lines.append(
            {
                "account_id": tax_account(tax),
                "name": tax.name,
                "debit": debit,
                "credit": credit,
                "tax_line_id": tax.id,
            }
        )
    total = untaxed + tax_total
    debit, credit = debit_credit(-sign * total)
    lines.append(
        {
            "account_id": partner_account,
            "partner_id": partner_id,
            "name": label,
            "debit": debit,
            "credit": credit,
            "date_maturity": due,
        }
    )
    return lines, untaxed, tax_total, total


def create_invoice(
    env: Env,
    partner_id: int,
    items: Iterable[Mapping[str, Any]],
    *,
    move_type: str = "out_invoice",
    date: dt.date | None = None,
    payment_term_id: int | None = None,
    ref: str = "",
    company: Any = None,
    **values: Any,
) -> Any:
    """A draft invoice/bill from items ``{name, quantity, price_unit, tax_id, discount, account_id}``.

    Each item is computed by the tax engine (half-up per line, like a 发票).
    """
    if move_type not in SIGN:
        raise ValidationError(
            _("Type: %(value)s is not an invoice type", value=move_type), field="move_type"
        )
    company = company or main_company(env)
    partner = env.get("res.partner", partner_id)
    date = date or dt.date.today()
    term_id = payment_term_id or partner.payment_term_id
    computed = []
    for item in items:
        tax = env.get("res.tax", item["tax_id"]) if item.get("tax_id") else None
        result = tax_engine.compute(
            item.get("price_unit", 0),
            tax,
            quantity=item.get("quantity", 1),
            discount=item.get("discount", 0),
            currency=company.currency,
        )
        computed.append(
            {
                "name": item.get("name", ""),
                "untaxed": result.untaxed,
                "tax_amount": result.tax,
                "tax": tax,
                "account_id": item.get("account_id"),
            }
        )
    return make_invoice(env, company, partner_id, move_type, computed, date, term_id, ref, **values)


def make_invoice(
    env: Env,
    company: Any,
    partner_id: int,
    move_type: str,
    items: list[dict[str, Any]],
    date: dt.date,
    term_id: int | None,
    ref: str,
    **values: Any,
) -> Any:
    """A draft invoice from already computed items (``untaxed``, ``tax_amount``, ``tax``)."""
    customer = move_type in ("out_invoice", "out_refund")
    journal = journal_of(env, company.id, "sale" if customer else "purchase")
    due = due_date(env, date, term_id)
    lines, untaxed, tax_total, total = build_invoice_lines(
        env, company, move_type, partner_id, items, due, ref or values.get("invoice_origin", "")
    )
    return create_move(
        env,
        journal,
        lines,
        date=date,
        partner_id=partner_id,
        ref=ref,
        move_type=move_type,
        invoice_date_due=due,
        payment_term_id=term_id,
        amount_untaxed=untaxed,
        amount_tax=tax_total,
        amount_total=total,
        **values,
    )

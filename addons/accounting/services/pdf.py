"""The printable customer invoice / vendor bill (PDF through WeasyPrint), bilingual.

The layout (company header, page numbers, fonts) is the shared one of
:mod:`addons.base.services.printing`.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from addons.base.services.printing import Printer, is_chinese
from addons.base.services.printing import money as _money
from kernel.env import Env
from kernel.i18n import LazyString, _

PRINTER = Printer(Path(__file__).resolve().parents[1] / "templates" / "accounting")

LABELS: dict[str, LazyString] = {
    "out_invoice": _("Invoice"),
    "out_refund": _("Credit note"),
    "in_invoice": _("Vendor bill"),
    "in_refund": _("Vendor credit note"),
    "entry": _("Journal entry"),
    "number": _("Number"),
    "date": _("Invoice date"),
    "due": _("Due date"),
    "customer": _("Customer"),
    "supplier": _("Supplier"),
    "origin": _("Source"),
    "description": _("Description"),
    "account": _("Account"),
    "tax": _("Tax"),
    "amount": _("Amount"),
    "untaxed": _("Untaxed amount"),
    "taxes": _("Taxes"),
    "total": _("Total"),
    "paid": _("Paid"),
    "due_amount": _("Amount due"),
    "page": _("Page"),
}


def invoice_html(env: Env, move: Any) -> str:
    Move = env["account.move"]
    move = env.session.scalar(
        select(Move).where(Move.id == move.id).options(selectinload(Move.lines))
    )
    lang = env.lang or "en"
    decimals = int(move.currency.decimals if move.currency is not None else 2)
    zh = is_chinese(lang)
    sign = Decimal(-1) if move.move_type in ("out_invoice", "in_refund") else Decimal(1)
    lines = [
        {
            "description": line.name,
            "account": f"{line.account.code} {line.account.name_zh if zh and line.account.name_zh else line.account.name}",
            "amount": _money(sign * line.balance, decimals),
        }
        for line in move.lines
        if line.account.type not in ("receivable", "payable") and not line.tax_line_id
    ]
    taxes = [
        {"name": line.name, "amount": _money(sign * line.balance, decimals)}
        for line in move.lines
        if line.tax_line_id
    ]
    customer = move.move_type in ("out_invoice", "out_refund")
    return PRINTER.html(
        "invoice_pdf.html",
        lang=lang,
        labels=LABELS,
        title=move.move_type,
        number=move.name,
        partner_label="customer" if customer else "supplier",
        move=move,
        company=move.company,
        partner=move.partner,
        currency=move.currency.code if move.currency is not None else "",
        lines=lines,
        taxes=taxes,
        untaxed=_money(move.amount_untaxed, decimals),
        tax_total=_money(move.amount_tax, decimals),
        total=_money(move.amount_total, decimals),
        paid=_money(Decimal(move.amount_total) - Decimal(move.amount_residual), decimals),
        residual=_money(move.amount_residual, decimals),
    )


def render_invoice_pdf(env: Env, move: Any) -> bytes:
    """The invoice as a PDF document (bytes starting with ``%PDF``)."""
    return PRINTER.pdf(invoice_html(env, move))

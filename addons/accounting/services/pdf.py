"""The printable customer invoice / vendor bill (PDF through WeasyPrint), bilingual.

Labels show the reader's language with the other one underneath, as Chinese
business documents exchanged with foreign partners usually do. The font family
"Noto Sans CJK SC" is set on ``html`` *and* on the ``@page`` margin boxes,
otherwise header and page numbers fall back to a font without Chinese glyphs.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kernel.env import Env
from kernel.i18n import LazyString, _, gettext

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "accounting"
FONT_FAMILY = "Noto Sans CJK SC"

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

_jinja = Environment(
    loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"])
)


def _css(value: object) -> Markup:
    """A value quoted for a CSS ``content:`` string (HTML escaping does not apply there)."""
    text = str(value or "")
    escaped = "".join(
        c if c.isalnum() or c in " -_./:()" or ord(c) > 127 else f"\\{ord(c):x} " for c in text
    )
    return Markup(f'"{escaped}"')


_jinja.filters["css"] = _css


def _bilingual(message: LazyString, lang: str) -> tuple[str, str]:
    own = gettext(message.message, locale=lang)
    other = gettext(message.message, locale="en" if lang.startswith("zh") else "zh_CN")
    return own, ("" if other == own else other)


def _money(amount: Decimal | None, decimals: int) -> str:
    return f"{(amount or Decimal(0)).quantize(Decimal(1).scaleb(-decimals)):,}"


def invoice_html(env: Env, move: Any) -> str:
    Move = env["account.move"]
    move = env.session.scalar(
        select(Move).where(Move.id == move.id).options(selectinload(Move.lines))
    )
    lang = env.lang or "en"
    decimals = int(move.currency.decimals if move.currency is not None else 2)
    labels = {key: _bilingual(label, lang) for key, label in LABELS.items()}
    zh = lang.startswith("zh")
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
    return _jinja.get_template("invoice_pdf.html").render(
        font=FONT_FAMILY,
        lang="zh-CN" if zh else "en",
        labels=labels,
        title=labels[move.move_type],
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
    from weasyprint import HTML

    html = invoice_html(env, move)
    return bytes(HTML(string=html, base_url=str(TEMPLATES)).write_pdf())

"""The printable quotation / order confirmation (PDF through WeasyPrint).

Labels are bilingual: the reader's language first, the other one underneath,
as Chinese business documents exchanged with foreign partners usually are.
The font family "Noto Sans CJK SC" is set on the page body *and* on the
``@page`` margin boxes (header/footer); otherwise the page numbers fall back to
a font without Chinese glyphs.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from addons.sales_order.services.loading import load_order
from kernel.i18n import LazyString, _, gettext

if TYPE_CHECKING:
    from kernel.env import Env

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "sales_order"
FONT_FAMILY = "Noto Sans CJK SC"

LABELS: dict[str, LazyString] = {
    "quotation": _("Quotation"),
    "confirmation": _("Order Confirmation"),
    "number": _("Number"),
    "date": _("Order date"),
    "customer": _("Customer"),
    "contact": _("Contact person"),
    "phone": _("Phone"),
    "ship_to": _("Shipping address"),
    "salesperson": _("Salesperson"),
    "payment_method": _("Payment method"),
    "payment_terms": _("Payment terms"),
    "requested_date": _("Requested delivery date"),
    "shipping_method": _("Shipping method"),
    "product": _("Product"),
    "description": _("Specification"),
    "quantity": _("Quantity"),
    "unit": _("Unit"),
    "price": _("Unit price"),
    "discount": _("Discount (%)"),
    "tax": _("Tax"),
    "subtotal": _("Subtotal"),
    "untaxed": _("Untaxed amount"),
    "taxes": _("Taxes"),
    "total": _("Total"),
    "notes": _("Notes"),
    "page": _("Page"),
}

_jinja = Environment(
    loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"])
)


def css_string(value: object) -> Markup:
    """A value quoted for a CSS ``content:`` string inside ``<style>`` (HTML escaping does not apply there)."""
    text = str(value or "")
    escaped = "".join(
        c if c.isalnum() or c in " -_./:()" or ord(c) > 127 else f"\\{ord(c):x} " for c in text
    )
    return Markup(f'"{escaped}"')


_jinja.filters["css"] = css_string


def bilingual(message: LazyString, lang: str) -> tuple[str, str]:
    """(label in the reader's language, label in the other language — empty when identical)."""
    own = gettext(message.message, locale=lang)
    other = gettext(message.message, locale="en" if lang.startswith("zh") else "zh_CN")
    return own, ("" if other == own else other)


def money(amount: Decimal | None, decimals: int) -> str:
    value = (amount or Decimal(0)).quantize(Decimal(1).scaleb(-decimals))
    return f"{value:,}"


def order_html(env: Env, order: Any) -> str:
    lang = env.lang or "en"
    decimals = int(order.currency.decimals if order.currency is not None else 2)
    labels = {key: bilingual(label, lang) for key, label in LABELS.items()}
    Order = type(order)
    selections = {
        col: dict(Order.__table__.c[col].info.get("selection") or [])
        for col in ("payment_method", "shipping_method")
    }
    product_name = (lambda p: p.name_zh or p.name) if lang.startswith("zh") else (lambda p: p.name)
    lines = [
        {
            "code": line.product.default_code or "",
            "product": product_name(line.product),
            "description": line.name if line.name != line.product.name else "",
            "quantity": f"{line.quantity.normalize():f}",
            "unit": (line.uom.name_zh or line.uom.name) if lang.startswith("zh") else line.uom.name,
            "price": money(line.price_unit, max(decimals, 2)),
            "discount": f"{line.discount.normalize():f}" if line.discount else "",
            "tax": line.tax.name if line.tax is not None else "",
            "subtotal": money(line.price_subtotal, decimals),
        }
        for line in order.lines
    ]
    company = order.company
    template = _jinja.get_template("order_pdf.html")
    return template.render(
        font=FONT_FAMILY,
        lang="zh-CN" if lang.startswith("zh") else "en",
        labels=labels,
        title=labels["quotation" if order.state in ("draft", "submitted") else "confirmation"],
        order=order,
        company=company,
        currency=order.currency.code if order.currency is not None else "",
        payment_method=str(selections["payment_method"].get(order.payment_method, "")),
        shipping_method=str(selections["shipping_method"].get(order.shipping_method, "")),
        payment_term=order.payment_term.name if order.payment_term is not None else "",
        salesperson=order.salesperson.name if order.salesperson is not None else "",
        partner=order.partner,
        lines=lines,
        untaxed=money(order.amount_untaxed, decimals),
        taxes=money(order.amount_tax, decimals),
        total=money(order.amount_total, decimals),
    )


def render_order_pdf(env: Env, order: Any) -> bytes:
    """The order as a PDF document (bytes starting with ``%PDF``)."""
    from weasyprint import HTML

    order = load_order(env, order.id)
    html = order_html(env, order)
    return bytes(HTML(string=html, base_url=str(TEMPLATES)).write_pdf())

"""The printable quotation / order confirmation (PDF through WeasyPrint).

Labels are bilingual and the layout (company header, page numbers, fonts) is the
shared one of :mod:`addons.base.services.printing`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from addons.base.services.printing import FONT_FAMILY, Printer, is_chinese, money
from addons.sales_order.services.loading import load_order
from kernel.i18n import LazyString, _

if TYPE_CHECKING:
    from kernel.env import Env

__all__ = ["FONT_FAMILY", "order_html", "render_order_pdf"]

PRINTER = Printer(Path(__file__).resolve().parents[1] / "templates" / "sales_order")

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


def order_html(env: Env, order: Any) -> str:
    lang = env.lang or "en"
    decimals = int(order.currency.decimals if order.currency is not None else 2)
    Order = type(order)
    selections = {
        col: dict(Order.__table__.c[col].info.get("selection") or [])
        for col in ("payment_method", "shipping_method")
    }
    product_name = (lambda p: p.name_zh or p.name) if is_chinese(lang) else (lambda p: p.name)
    lines = [
        {
            "code": line.product.default_code or "",
            "product": product_name(line.product),
            "description": line.name if line.name != line.product.name else "",
            "quantity": f"{line.quantity.normalize():f}",
            "unit": (line.uom.name_zh or line.uom.name) if is_chinese(lang) else line.uom.name,
            "price": money(line.price_unit, max(decimals, 2)),
            "discount": f"{line.discount.normalize():f}" if line.discount else "",
            "tax": line.tax.name if line.tax is not None else "",
            "subtotal": money(line.price_subtotal, decimals),
        }
        for line in order.lines
    ]
    return PRINTER.html(
        "order_pdf.html",
        lang=lang,
        labels=LABELS,
        title="quotation" if order.state in ("draft", "submitted") else "confirmation",
        number=order.name,
        order=order,
        company=order.company,
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
    return PRINTER.pdf(order_html(env, load_order(env, order.id)))

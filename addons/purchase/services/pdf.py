"""The printable request for quotation / purchase order (PDF through WeasyPrint).

Labels are bilingual and the layout (company header, page numbers, fonts) is the
shared one of :mod:`addons.base.services.printing`. The supplier's own product
codes are printed beside ours, since that is what their order desk looks up.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from addons.base.services.company import main_company
from addons.base.services.currency import decimals_of
from addons.base.services.printing import Printer, is_chinese, money
from addons.purchase.services.supplier_prices import best_prices
from addons.stock.services.locations import default_warehouse
from kernel.errors import NotFound
from kernel.i18n import LazyString, _

if TYPE_CHECKING:
    from kernel.env import Env

PRINTER = Printer(Path(__file__).resolve().parents[1] / "templates" / "purchase")

LABELS: dict[str, LazyString] = {
    "rfq": _("Request for Quotation"),
    "order": _("Purchase Order"),
    "supplier": _("Supplier"),
    "supplier_ref": _("Supplier reference"),
    "date": _("Order date"),
    "expected": _("Expected receipt date"),
    "deliver_to": _("Deliver to"),
    "buyer": _("Buyer"),
    "product": _("Product"),
    "supplier_code": _("Supplier's code"),
    "quantity": _("Quantity"),
    "unit": _("Unit"),
    "price": _("Unit price"),
    "tax": _("Tax"),
    "subtotal": _("Subtotal"),
    "untaxed": _("Untaxed amount"),
    "taxes": _("Taxes"),
    "total": _("Total"),
    "notes": _("Notes"),
    "page": _("Page"),
}


def load_order(env: Env, order_id: int) -> Any:
    """The order with lines, products, units and taxes in a fixed number of queries (read-checked)."""
    Order = env["purchase.order"]
    Line = env["purchase.order.line"]
    lines = selectinload(Order.lines)
    order = env.session.scalar(
        select(Order)
        .where(Order.id == order_id)
        .options(
            lines.selectinload(Line.product),
            lines.selectinload(Line.uom),
            lines.selectinload(Line.tax),
            selectinload(Order.partner),
            selectinload(Order.currency),
            selectinload(Order.company),
            selectinload(Order.warehouse),
        )
        .execution_options(populate_existing=True)
    )
    if order is None:
        raise NotFound(
            _("%(model)s #%(id)s does not exist", model=str(Order.__label__), id=order_id)
        )
    return order


def supplier_codes(env: Env, order: Any) -> dict[int, str]:
    """The supplier's product code per product of ``order`` (from its price list), where it has one."""
    prices = best_prices(env, [line.product_id for line in order.lines], on=order.date_order)
    codes: dict[int, str] = {}
    for product_id, rows in prices.items():
        code = next(
            (r.product_code for r in rows if r.partner_id == order.partner_id and r.product_code),
            "",
        )
        if code:
            codes[product_id] = code
    return codes


def order_html(env: Env, order: Any) -> str:
    """The document as HTML: "Request for Quotation" until confirmed, "Purchase Order" after."""
    order = load_order(env, order.id)
    lang = env.lang or "en"
    zh = is_chinese(lang)
    decimals = decimals_of(order.currency)
    codes = supplier_codes(env, order)
    lines = [
        {
            "code": line.product.default_code or "",
            "product": (line.product.name_zh or line.product.name) if zh else line.product.name,
            "description": line.description if line.description != line.product.name else "",
            "supplier_code": codes.get(line.product_id, ""),
            "quantity": f"{line.quantity.normalize():f}",
            "unit": (line.uom.name_zh or line.uom.name) if zh else line.uom.name,
            "price": money(line.price_unit, max(decimals, 2)),
            "tax": line.tax.name if line.tax is not None else "",
            "subtotal": money(line.price_subtotal, decimals),
        }
        for line in order.lines
    ]
    buyer = env.session.get(env["res.user"], order.buyer_id) if order.buyer_id else None
    # where the receipt will go: confirmation fills in the default warehouse the same way
    warehouse = order.warehouse or default_warehouse(env, order.company_id)
    return PRINTER.html(
        "order_pdf.html",
        lang=lang,
        labels=LABELS,
        # a cancelled order keeps the title it was sent under
        title="order" if order.confirmed_at is not None else "rfq",
        number=order.name,
        order=order,
        company=order.company or main_company(env),
        partner=order.partner,
        warehouse=warehouse.name,
        buyer=buyer.name if buyer is not None else "",
        currency=order.currency.code if order.currency is not None else "",
        lines=lines,
        untaxed=money(order.amount_untaxed, decimals),
        taxes=money(order.amount_tax, decimals),
        total=money(order.amount_total, decimals),
    )


def render_order_pdf(env: Env, order: Any) -> bytes:
    """The order as a PDF document (bytes starting with ``%PDF``)."""
    return PRINTER.pdf(order_html(env, order))

"""The printable production order with its pick list (PDF through WeasyPrint).

Labels are bilingual and the layout is the shared one of
:mod:`addons.base.services.printing`; the storekeeper ticks off what was picked
from the warehouse's stock for each component.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from addons.base.services.company import main_company
from addons.base.services.printing import Printer, is_chinese
from addons.stock.services.locations import warehouse_location
from kernel.i18n import LazyString, _

if TYPE_CHECKING:
    from kernel.env import Env

PRINTER = Printer(Path(__file__).resolve().parents[1] / "templates" / "mrp")

LABELS: dict[str, LazyString] = {
    "title": _("Production Order"),
    "product": _("Product"),
    "planned": _("Planned date"),
    "quantity": _("Quantity"),
    "bom": _("Bill of materials"),
    "warehouse": _("Warehouse"),
    "origin": _("Source"),
    "pick_list": _("Pick list"),
    "component": _("Component"),
    "location": _("From"),
    "to_consume": _("To consume"),
    "unit": _("Unit"),
    "reserved": _("Reserved"),
    "picked": _("Picked"),
    "notes": _("Notes"),
    "page": _("Page"),
    "inspection": _("Inspection points"),
    "point": _("Inspection"),
    "instructions": _("Instructions"),
    "passed": _("Passed"),
    "failed": _("Failed"),
}


def _name(record: Any, zh: bool) -> str:
    return str((getattr(record, "name_zh", "") or record.name) if zh else record.name)


def _qty(value: Any) -> str:
    text = f"{value.normalize():f}"
    return text


def production_html(env: Env, production: Any) -> str:
    lang = env.lang or "en"
    zh = is_chinese(lang)
    components = list(production.components)
    products = env.browse(
        "product.product", [c.product_id for c in components] + [production.product_id]
    )
    uoms = env.browse("uom.uom", [c.uom_id for c in components] + [production.uom_id])
    lines = [
        {
            "code": products[c.product_id].default_code or "",
            "product": _name(products[c.product_id], zh),
            "quantity": _qty(c.quantity),
            "unit": _name(uoms[c.uom_id], zh),
            "reserved": _qty(c.reserved_qty),
        }
        for c in components
    ]
    warehouse = env.session.get(env["stock.warehouse"], production.warehouse_id)
    stock = warehouse_location(env, production.warehouse_id, "stock")
    bom = env.session.get(env["mrp.bom"], production.bom_id) if production.bom_id else None
    company = (
        env.session.get(env["res.company"], production.company_id)
        if production.company_id
        else main_company(env)
    )
    return PRINTER.html(
        "production_pdf.html",
        lang=lang,
        labels=LABELS,
        title="title",
        number=production.name,
        company=company,
        production=production,
        product=_name(products[production.product_id], zh),
        quantity=_qty(production.quantity),
        unit=_name(uoms[production.uom_id], zh),
        bom=bom.code if bom is not None else "",
        warehouse=warehouse.name if warehouse is not None else "",
        location=stock.full_name or stock.name,
        lines=lines,
        points=list(bom.quality_points) if bom is not None else [],  # the inspector's checklist
    )


def render_production_pdf(env: Env, production: Any) -> bytes:
    """The production order and its pick list as a PDF (bytes starting with ``%PDF``)."""
    return PRINTER.pdf(production_html(env, production))

"""The printable transfer: delivery slip, receipt or internal transfer (PDF through WeasyPrint).

Bilingual labels and the shared layout come from :mod:`addons.base.services.printing`.
Quantities only, no prices: the slip travels with the goods.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from addons.base.services.company import main_company
from addons.base.services.printing import Printer, is_chinese
from kernel.i18n import LazyString, _

if TYPE_CHECKING:
    from kernel.env import Env

PRINTER = Printer(Path(__file__).resolve().parents[1] / "templates" / "stock")

LABELS: dict[str, LazyString] = {
    "outgoing": _("Delivery slip"),
    "incoming": _("Receipt"),
    "internal": _("Internal transfer"),
    "partner": _("Partner"),
    "origin": _("Source document"),
    "scheduled": _("Scheduled date"),
    "done": _("Done on"),
    "from": _("From"),
    "to": _("To"),
    "product": _("Product"),
    "lot": _("Lot / Serial number"),
    "quantity": _("Quantity"),
    "unit": _("Unit"),
    "notes": _("Notes"),
    "signature": _("Received by (name, signature, date)"),
    "page": _("Page"),
}


def picking_html(env: Env, picking: Any) -> str:
    """The transfer as HTML, its moves with products, units and lots read in bulk."""
    Picking = env["stock.picking"]
    Move = env["stock.move"]
    moves = selectinload(Picking.moves)
    picking = env.session.scalar(
        select(Picking)
        .where(Picking.id == picking.id)
        .options(
            moves.selectinload(Move.product),
            moves.selectinload(Move.uom),
            moves.selectinload(Move.lot),
            selectinload(Picking.partner),
            selectinload(Picking.location),
            selectinload(Picking.location_dest),
        )
        .execution_options(populate_existing=True)
    )
    lang = env.lang or "en"
    zh = is_chinese(lang)
    lines = [
        {
            "code": m.product.default_code or "",
            "product": (m.product.name_zh or m.product.name) if zh else m.product.name,
            "lot": m.lot.name if m.lot is not None else "",
            "quantity": f"{(m.quantity_done or m.quantity).normalize():f}",
            "unit": (m.uom.name_zh or m.uom.name) if zh else m.uom.name,
        }
        for m in picking.moves
        if m.state != "cancelled"
    ]
    company = (
        env.session.get(env["res.company"], picking.company_id) if picking.company_id else None
    )
    kind = picking.picking_type if picking.picking_type in LABELS else "internal"
    return PRINTER.html(
        "picking_pdf.html",
        lang=lang,
        labels=LABELS,
        title=kind,
        number=picking.name,
        picking=picking,
        company=company or main_company(env),
        partner=picking.partner,
        lines=lines,
    )


def render_picking_pdf(env: Env, picking: Any) -> bytes:
    """The transfer as a PDF document (bytes starting with ``%PDF``)."""
    return PRINTER.pdf(picking_html(env, picking))

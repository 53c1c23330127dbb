"""The waybill (label) of a shipment as a PDF: addresses, parcels and a QR code of the
public tracking link, bilingual and CJK-rendered through base's printing layout."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import segno
from markupsafe import Markup

from addons.base.services.printing import Printer, is_chinese
from kernel.i18n import LazyString, _

if TYPE_CHECKING:
    from kernel.env import Env

PRINTER = Printer(Path(__file__).resolve().parents[1] / "templates" / "delivery")

LABELS: dict[str, LazyString] = {
    "waybill": _("Waybill"),
    "tracking_number": _("Tracking number"),
    "carrier": _("Carrier"),
    "ship_date": _("Ship date"),
    "eta": _("Expected arrival"),
    "sender": _("Sender"),
    "recipient": _("Recipient"),
    "origin": _("Source document"),
    "package": _("Package"),
    "weight": _("Weight (kg)"),
    "size": _("Size (cm)"),
    "total": _("Total"),
    "track": _("Track this shipment"),
    "page": _("Page"),
}


def tracking_url(base_url: str, shipment: Any) -> str:
    return f"{base_url.rstrip('/')}/track/{shipment.tracking_token}"


def qr_svg(url: str) -> Markup:
    """The QR code of ``url`` as an inline SVG data URI (segno; error correction M)."""
    return Markup(segno.make(url, error="m").svg_data_uri(scale=4, border=2))


def _address(partner: Any) -> list[str]:
    if partner is None:
        return []
    lines = [partner.name or ""]
    lines += [x for x in (partner.street, getattr(partner, "street2", "")) if x]
    city = " ".join(x for x in (partner.zip, partner.city) if x)
    if city:
        lines.append(city)
    state = getattr(partner, "state", None)
    if state is not None:
        lines.append(state.name)
    phone = partner.phone or getattr(partner, "mobile", "")
    if phone:
        lines.append(phone)
    return lines


def waybill_html(env: Env, shipment: Any, base_url: str) -> str:
    lang = env.lang or "en"
    url = tracking_url(base_url, shipment)
    packages = [
        {
            "name": p.name or str(index + 1),
            "weight": f"{p.weight.normalize():f}",
            "size": " × ".join(f"{x.normalize():f}" for x in (p.length, p.width, p.height)),
        }
        for index, p in enumerate(shipment.packages)
    ]
    company = shipment.company or env.ref("base.main_company")
    return PRINTER.html(
        "waybill.html",
        lang=lang,
        labels=LABELS,
        title="waybill",
        number=shipment.name,
        company=company,
        shipment=shipment,
        carrier=shipment.carrier.name,
        sender=_address(company),
        recipient=_address(shipment.partner),
        packages=packages,
        weight=f"{shipment.weight.normalize():f}",
        qr=qr_svg(url),
        url=url,
        chinese=is_chinese(lang),
    )


def render_waybill(env: Env, shipment: Any, base_url: str) -> bytes:
    """The waybill as a PDF document (bytes starting with ``%PDF``)."""
    return PRINTER.pdf(waybill_html(env, shipment, base_url))

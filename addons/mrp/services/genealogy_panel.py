"""The lot form's genealogy panel: what the lot was made from, and what was made from it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from addons.mrp.services.lots import trace
from kernel.i18n import _, text_of

if TYPE_CHECKING:
    from kernel.env import Env


def _table(title: str, levels: list[list[dict[str, Any]]], empty: str) -> Markup:
    rows = Markup("").join(
        Markup(
            '<tr><td style="padding-left:{}rem"><a href="/app/lots/{}">{}</a></td><td>{}</td>'
            '<td class="text-end">{}</td><td>{}</td></tr>'
        ).format(
            0.5 + depth * 1.25,
            item["lot_id"],
            item["lot"],
            item["product"],
            f"{item['quantity'].normalize():f}",
            item["production"],
        )
        for depth, level in enumerate(levels)
        for item in level
    )
    head = Markup(
        '<thead><tr><th>{}</th><th>{}</th><th class="text-end">{}</th><th>{}</th></tr></thead>'
    ).format(
        text_of(_("Lot / Serial number")),
        text_of(_("Product")),
        text_of(_("Quantity")),
        text_of(_("Production order")),
    )
    body = (
        Markup('<table class="table table-sm mb-2">{}<tbody>{}</tbody></table>').format(head, rows)
        if rows
        else Markup('<p class="small text-body-secondary mb-2">{}</p>').format(empty)
    )
    return Markup('<div class="small fw-semibold mb-1">{}</div>{}').format(title, body)


def render_genealogy(env: Env, lot: Any) -> Any:
    """Both directions, one query per level each; nothing for users who cannot read it."""
    if not env.can("mrp.lot.genealogy", "read"):
        return None
    up = trace(env, lot.id, "up")
    down = trace(env, lot.id, "down")
    if not up and not down:
        return None
    label = text_of(_("Lot genealogy"))
    return Markup(
        '<section class="sp-mrp-genealogy mb-3" aria-label="{}">{}{}'
        '<a class="small" href="/api/v1/mrp/lots/{}/genealogy">JSON</a></section>'
    ).format(
        label,
        _table(text_of(_("Made from")), up, text_of(_("not made from tracked lots"))),
        _table(text_of(_("Used in")), down, text_of(_("not used in production yet"))),
        lot.id,
    )

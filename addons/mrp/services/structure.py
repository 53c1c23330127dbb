"""The bill of materials structure on its form: every level, with what it costs.

The tree is the explosion with every sub-assembly expanded (one query per level);
a leaf costs its quantity at the component's cost, a sub-assembly the sum of its
children, and the bill the sum of its top level — the cost roll-up a shop checks
its prices against.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from addons.mrp.services.boms import Requirement, explode

if TYPE_CHECKING:
    from kernel.env import Env

CENT = Decimal("0.01")


def rolled_cost(req: Requirement) -> Decimal:
    if req.children:
        return sum((rolled_cost(c) for c in req.children), Decimal(0))
    return req.quantity * Decimal(req.product.standard_price or 0)


def _fmt(value: Decimal) -> str:
    text = f"{value.quantize(Decimal('0.0001'), rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _money(value: Decimal) -> str:
    return f"{value.quantize(CENT, rounding=ROUND_HALF_UP):f}"


def render_structure(env: Env, bom: Any) -> Any:
    """The form panel: the component tree for the bill's quantity, with the cost roll-up."""
    from markupsafe import Markup

    from kernel.i18n import _, text_of

    if bom.id is None or not bom.lines:
        return None
    roots = explode(env, bom, Decimal(bom.quantity), expand="all")
    uoms = env.browse("uom.uom", _uom_ids(roots))
    rows: list[Any] = []

    def walk(reqs: list[Requirement]) -> None:
        for req in reqs:
            uom = uoms.get(req.product.uom_id)
            indent = Markup("&nbsp;" * 4 * (req.level - 1))
            marker = "▾ " if req.children else ""
            rows.append(
                Markup(
                    '<tr data-level="{}"><td>{}{}{}</td><td class="text-end sp-num">{}</td>'
                    '<td>{}</td><td class="text-end sp-num">{}</td></tr>'
                ).format(
                    req.level,
                    indent,
                    marker,
                    req.product.display_name(env),
                    _fmt(req.quantity),
                    uom.display_name(env) if uom is not None else "",
                    _money(rolled_cost(req)),
                )
            )
            walk(req.children)

    walk(roots)
    total = sum((rolled_cost(r) for r in roots), Decimal(0))
    title = text_of(_("Structure and cost"))
    head = Markup(
        "<tr><th>{}</th><th class='text-end'>{}</th><th>{}</th><th class='text-end'>{}</th></tr>"
    ).format(
        text_of(_("Component")), text_of(_("Quantity")), text_of(_("Unit")), text_of(_("Cost"))
    )
    foot = Markup(
        "<tr class='fw-semibold'><td colspan='3'>{}</td><td class='text-end sp-num'>{}</td></tr>"
    ).format(text_of(_("Cost of %(qty)s", qty=_fmt(Decimal(bom.quantity)))), _money(total))
    return Markup(
        '<section class="sp-mrp-structure card mb-3" aria-label="{}"><div class="card-header fw-semibold">{}</div>'
        '<table class="table table-sm mb-0"><thead>{}</thead><tbody>{}</tbody><tfoot>{}</tfoot></table></section>'
    ).format(title, title, head, Markup("").join(rows), foot)


def _uom_ids(reqs: list[Requirement]) -> set[int]:
    found: set[int] = set()
    for req in reqs:
        found.add(req.product.uom_id)
        found |= _uom_ids(req.children)
    return found

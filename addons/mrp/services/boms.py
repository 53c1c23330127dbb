"""Bills of materials: defaults, choosing a product's bill, and exploding it level by level.

Explosion reads one level of the tree per query — the lines of every bill of
the products found on the level above, with their components, in one joined
``SELECT`` — so a 200-component, three-level bill costs four queries (the last
one finds nothing more to expand), not one per component.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import select

from addons.base.services.uom import convert
from kernel.errors import ValidationError
from kernel.i18n import _

if TYPE_CHECKING:
    from kernel.env import Env

ZERO = Decimal(0)
HUNDRED = Decimal(100)
FINE = Decimal("0.000001")  # exact enough to absorb 1/3 × 3 before rounding up


def fill_bom(env: Env, bom: Any) -> None:
    """The bill counts in its product's unit unless given one of the same kind; its new
    lines are checked here, so a problem names the line (``lines.2.quantity``)."""
    if bom.product_id is None:
        return
    if bom.quantity is None:  # left out (an API client): the column's default, 1
        bom.quantity = Decimal(1)
    if bom.quantity <= 0:
        raise ValidationError(_("Quantity made: must be greater than zero"), field="quantity")
    product = env.browse("product.product", [int(bom.product_id)])[int(bom.product_id)]
    if bom.uom_id is None:
        bom.uom_id = product.uom_id
    elif bom.uom_id != product.uom_id:
        _same_kind(env, bom.uom_id, product.uom_id, "uom_id")
    if bom.date_start and bom.date_end and bom.date_end < bom.date_start:
        raise ValidationError(
            _("Valid until: must not be before the start of validity"), field="date_end"
        )
    for index, line in enumerate(bom.lines):
        fill_line(env, line, parent=bom, prefix=f"lines.{index}.")
    for index, byproduct in enumerate(bom.byproducts):
        fill_byproduct(env, byproduct, parent=bom, prefix=f"byproducts.{index}.")
    total_share = sum((Decimal(b.cost_share or 0) for b in bom.byproducts), ZERO)
    if total_share >= HUNDRED:
        raise ValidationError(
            _("Cost share %: the by-products together must carry less than 100 %"),
            field="byproducts",
        )


def fill_byproduct(env: Env, byproduct: Any, *, parent: Any = None, prefix: str = "") -> None:
    """A by-product: positive quantity in its unit (or one of its kind), not the product itself."""
    if byproduct.product_id is None:
        return
    if byproduct.quantity is None or byproduct.quantity <= 0:
        raise ValidationError(_("Quantity: must be greater than zero"), field=f"{prefix}quantity")
    if byproduct.cost_share is not None and not (ZERO <= byproduct.cost_share < HUNDRED):
        raise ValidationError(
            _("Cost share %: must be at least 0 and less than 100"), field=f"{prefix}cost_share"
        )
    product = env.browse("product.product", [int(byproduct.product_id)])[int(byproduct.product_id)]
    if byproduct.uom_id is None:
        byproduct.uom_id = product.uom_id
    elif byproduct.uom_id != product.uom_id:
        _same_kind(env, byproduct.uom_id, product.uom_id, f"{prefix}uom_id")
    parent = parent or byproduct.bom
    if parent is not None and parent.product_id == byproduct.product_id:
        raise ValidationError(
            _("By-product: the product itself is not a by-product of its bill"),
            field=f"{prefix}product_id",
        )


def _same_kind(env: Env, uom_id: int, other_id: int, field: str) -> None:
    try:
        convert(env, Decimal(1), uom_id, other_id)
    except ValidationError as exc:
        raise ValidationError(exc.message, field=field) from None


def fill_line(env: Env, line: Any, *, parent: Any = None, prefix: str = "") -> None:
    """A component line: positive quantity, the component's unit (or one of its kind)."""
    if line.product_id is None:
        return
    if line.quantity is None or line.quantity <= 0:
        raise ValidationError(_("Quantity: must be greater than zero"), field=f"{prefix}quantity")
    if line.scrap_percent is not None and not (ZERO <= line.scrap_percent < HUNDRED):
        raise ValidationError(
            _("Scrap %: must be at least 0 and less than 100"), field=f"{prefix}scrap_percent"
        )
    product = env.browse("product.product", [int(line.product_id)])[int(line.product_id)]
    if line.uom_id is None:
        line.uom_id = product.uom_id
    elif line.uom_id != product.uom_id:
        _same_kind(env, line.uom_id, product.uom_id, f"{prefix}uom_id")
    if parent is None:
        parent = line.bom
    if parent is None and line.bom_id is not None:
        parent = env.session.get(env["mrp.bom"], line.bom_id)
    if parent is not None and parent.product_id == line.product_id:
        raise ValidationError(
            _("Component: a product cannot be a component of its own bill"),
            field=f"{prefix}product_id",
        )


def valid_on(Bom: Any, day: dt.date) -> Any:
    """Bills in force on ``day``: active, and the day inside their validity dates."""
    return (
        Bom.active.is_(True)
        & (Bom.date_start.is_(None) | (Bom.date_start <= day))
        & (Bom.date_end.is_(None) | (Bom.date_end >= day))
    )


def bom_for(env: Env, product_ids: Iterable[int], day: dt.date | None = None) -> dict[int, Any]:
    """The bill used for each product on ``day`` (today): its first one in force
    (sequence, then age), so a new version takes over on its start date. One query."""
    ids = sorted(set(product_ids))
    if not ids:
        return {}
    Bom = env["mrp.bom"]
    found: dict[int, Any] = {}
    for bom in env.session.scalars(
        select(Bom)
        .where(Bom.product_id.in_(ids), valid_on(Bom, day or dt.date.today()))
        .order_by(Bom.product_id, Bom.sequence, Bom.id)
    ):
        found.setdefault(bom.product_id, bom)
    return found


@dataclass
class Requirement:
    """One component needed, in the component's own unit (scrap included, not rounded)."""

    product: Any
    quantity: Decimal
    level: int
    parent_product_id: int
    bom_line_id: int
    path: frozenset[int] = field(default_factory=frozenset, repr=False)
    children: list[Requirement] = field(default_factory=list, repr=False)


def round_up(quantity: Decimal, uom: Any) -> Decimal:
    """Up to the unit's precision: a bill never asks for less than it consumes."""
    value = quantity.quantize(FINE, rounding=ROUND_HALF_UP)
    step = Decimal(uom.rounding or 0)
    if step <= 0:
        return value
    steps = (value / step).to_integral_value(rounding=ROUND_CEILING)
    return (steps * step).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _line_quantity(
    env: Env, line: Any, factor: Decimal, uoms: dict[int, Any], product: Any
) -> Decimal:
    scrap = Decimal(line.scrap_percent or 0)
    needed = Decimal(line.quantity) * factor * (1 + scrap / HUNDRED)
    return convert(env, needed, uoms[line.uom_id], uoms[product.uom_id], rounded=False)


def explode(
    env: Env,
    bom: Any,
    quantity: Decimal,
    *,
    expand: Literal["phantom", "all"] = "phantom",
    day: dt.date | None = None,
) -> list[Requirement]:
    """The components ``quantity`` (bill product's unit) of ``bom``'s product needs.

    Sub-assemblies with a bill are expanded into their own components when
    ``expand="all"`` (structure, cost), or only when that bill is a kit
    (``expand="phantom"``: what a production order consumes). Returns the
    top-level requirements; expanded ones hold their ``children`` and the
    leaves are listed by :func:`leaves`. A product that contains itself,
    at any depth, is refused.
    """
    Bom = env["mrp.bom"]
    Line = env["mrp.bom.line"]
    Product = env["product.product"]
    top = env.browse("product.product", [bom.product_id])[bom.product_id]
    roots: list[Requirement] = []
    # level 1: the bill's own lines
    rows = env.session.execute(
        select(Line, Product)
        .join(Product, Product.id == Line.product_id)
        .where(Line.bom_id == bom.id)
        .order_by(Line.sequence, Line.id)
    ).all()
    uoms = _uoms(env, [bom.uom_id, top.uom_id], rows)
    produced = convert(env, Decimal(quantity), uoms[top.uom_id], uoms[bom.uom_id], rounded=False)
    factor = produced / Decimal(bom.quantity)
    path = frozenset({top.id})
    for line, product in rows:
        _no_cycle(product, path)
        roots.append(
            Requirement(
                product=product,
                quantity=_line_quantity(env, line, factor, uoms, product),
                level=1,
                parent_product_id=top.id,
                bom_line_id=line.id,
                path=path | {product.id},
            )
        )
    frontier = roots
    level = 1
    while frontier:
        level += 1
        wanted = sorted({r.product.id for r in frontier})
        query = (
            select(Line, Bom, Product)
            .join(Bom, Bom.id == Line.bom_id)
            .join(Product, Product.id == Line.product_id)
            .where(Bom.product_id.in_(wanted), valid_on(Bom, day or dt.date.today()))
            .order_by(Bom.product_id, Bom.sequence, Bom.id, Line.sequence, Line.id)
        )
        if expand == "phantom":
            query = query.where(Bom.type == "phantom")
        found = env.session.execute(query).all()
        if not found:
            break
        chosen: dict[int, Any] = {}
        lines_of: dict[int, list[tuple[Any, Any]]] = {}
        for line, child_bom, product in found:
            chosen.setdefault(child_bom.product_id, child_bom)
            if chosen[child_bom.product_id].id == child_bom.id:
                lines_of.setdefault(child_bom.id, []).append((line, product))
        uoms = _uoms(
            env,
            [b.uom_id for b in chosen.values()] + [r.product.uom_id for r in frontier],
            found,
        )
        next_frontier: list[Requirement] = []
        for req in frontier:
            child_bom = chosen.get(req.product.id)
            if child_bom is None:
                continue
            made = convert(
                env, req.quantity, uoms[req.product.uom_id], uoms[child_bom.uom_id], rounded=False
            )
            factor = made / Decimal(child_bom.quantity)
            for line, product in lines_of[child_bom.id]:
                _no_cycle(product, req.path)
                child = Requirement(
                    product=product,
                    quantity=_line_quantity(env, line, factor, uoms, product),
                    level=level,
                    parent_product_id=req.product.id,
                    bom_line_id=line.id,
                    path=req.path | {product.id},
                )
                req.children.append(child)
                next_frontier.append(child)
        frontier = next_frontier
    return roots


def leaves(requirements: Iterable[Requirement]) -> list[Requirement]:
    """The requirements that were not expanded, depth first in bill order."""
    out: list[Requirement] = []
    for req in requirements:
        if req.children:
            out.extend(leaves(req.children))
        else:
            out.append(req)
    return out


def merged(env: Env, requirements: Iterable[Requirement]) -> list[tuple[Any, Decimal]]:
    """``(product, quantity)`` per component product, rounded up to its unit, first seen first."""
    totals: dict[int, list[Any]] = {}
    for req in leaves(requirements):
        entry = totals.setdefault(req.product.id, [req.product, ZERO])
        entry[1] += req.quantity
    uoms = env.browse("uom.uom", [p.uom_id for p, _q in totals.values()])
    return [(product, round_up(qty, uoms[product.uom_id])) for product, qty in totals.values()]


def _uoms(env: Env, extra: Iterable[int], rows: Iterable[Any]) -> dict[int, Any]:
    ids = set(extra)
    for row in rows:
        ids.add(row[0].uom_id)
        ids.add(row[-1].uom_id)
    return env.browse("uom.uom", ids)


def _no_cycle(product: Any, path: frozenset[int]) -> None:
    if product.id in path:
        raise ValidationError(
            _(
                "Component: %(product)s is part of its own bill of materials (directly or "
                "through a sub-assembly)",
                product=product.display_name(),
            ),
            field="lines",
        )


def structure_cost(env: Env, bom: Any, quantity: Decimal | None = None) -> Decimal:
    """What ``quantity`` (default: the bill's) of the product costs from its leaf components'
    costs, every level expanded."""
    quantity = Decimal(bom.quantity if quantity is None else quantity)
    total = ZERO
    for req in leaves(explode(env, bom, quantity, expand="all")):
        total += req.quantity * Decimal(req.product.standard_price or 0)
    return total.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)

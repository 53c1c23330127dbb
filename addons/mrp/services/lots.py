"""Lot and serial numbers of finished goods, the lots components came from, and genealogy.

Finishing an order whose product is tracked gives its finished move lot numbers:
the names the user gave (``finished_lots``, separated by commas, spaces or new
lines) or one new number from the ``mrp.lot`` sequence — the lot of a lot-tracked
product, or the stem of the serial numbers of a serial-tracked one
(``LOT2026-00007-01``, ``-02`` …: one per unit, the move split into moves of one).

Which lots the components came from is what stock's ``do_moves`` took: reserved
quants first, then the oldest free ones. It is read, not guessed: the quants of
the tracked components are locked and read before the components are consumed and
read again after (:func:`snapshot` / :func:`record_genealogy`), inside the same
transaction, so the difference per lot is exactly what this order consumed.

The genealogy is written in one batch: each produced lot is made from every
consumed lot in proportion to its share of the quantity made. Tracing reads one
level per statement (every lot of the level at once), so its cost follows the
depth of the tree, never the number of lots in it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select

from addons.mrp.services.production import open_moves
from addons.stock.services.locations import virtual_location
from addons.stock.services.moves import new_move
from addons.stock.services.quants import lock_quants
from kernel.caches import Slot
from kernel.errors import ValidationError
from kernel.i18n import _

if TYPE_CHECKING:
    from kernel.env import Env

ZERO = Decimal(0)
QTY = Decimal("0.0001")
MAX_LEVELS = 100
#: lots on hand before consumption, by production order, until the step consumes them
_SNAPSHOTS: Slot[dict[int, Any]] = Slot("mrp.lot_snapshots", dict, per_transaction=True)


def parse_names(text: str | None) -> list[str]:
    """Lot names as the user typed them: separated by commas, semicolons, spaces or lines."""
    return [n for n in re.split(r"[\s,;，；]+", text or "") if n]


def finished_outputs(env: Env, production: Any) -> list[Any]:
    """The open moves bringing the order's product out of production."""
    production_loc = virtual_location(env, "production").id
    return [
        m
        for m in open_moves(env, production)
        if m.location_id == production_loc and m.product_id == production.product_id
    ]


def check_names(env: Env, production: Any, names: list[str], units: Decimal) -> None:
    """Refuse lot names that cannot serve ``units`` of the order's product (field ``finished_lots``)."""
    tracking = production.product.tracking
    if tracking == "none":
        if names:
            raise ValidationError(
                _(
                    "Finished lots: %(product)s is not tracked by lot or serial number",
                    product=production.product.display_name(env),
                ),
                field="finished_lots",
            )
        return
    if tracking == "lot" and len(names) > 1:
        raise ValidationError(
            _("Finished lots: one lot number per production order"), field="finished_lots"
        )
    if tracking == "serial":
        if units != units.to_integral_value():
            raise ValidationError(
                _("Quantity: serial-tracked goods are made in whole units"), field="quantity"
            )
        if names and len(names) != int(units):
            raise ValidationError(
                _(
                    "Finished lots: %(count)s serial numbers given for %(units)s units",
                    count=len(names),
                    units=int(units),
                ),
                field="finished_lots",
            )
        if len(set(names)) != len(names):
            raise ValidationError(
                _("Finished lots: a serial number is given twice"), field="finished_lots"
            )


def set_finished_lots(env: Env, production: Any, text: str) -> Any:
    """The lot or serial numbers to give the goods when the order is finished."""
    names = parse_names(text)
    outputs = finished_outputs(env, production)
    from addons.mrp.services.quality import failed_qty

    # units sent to rework get their numbers on the rework order
    units = sum((m.product_qty for m in outputs), ZERO) - failed_qty(production, "rework")
    check_names(env, production, names, units)
    production.finished_lots = ", ".join(names)
    env.session.flush()
    return production


def _lots(env: Env, product_id: int, names: list[str], serial: bool) -> dict[str, int]:
    """Lots by name, created when missing (one read, one insert); a serial number is new."""
    Lot = env["stock.lot"]
    found: dict[str, int] = {
        name: lot_id
        for name, lot_id in env.session.execute(
            select(Lot.name, Lot.id).where(Lot.product_id == product_id, Lot.name.in_(names))
        )
    }
    if serial and found:
        raise ValidationError(
            _(
                "Finished lots: serial number %(name)s already exists",
                name=next(iter(found)),
            ),
            field="finished_lots",
        )
    missing = [n for n in names if n not in found]
    if missing:
        env.check("stock.lot", "create")
        env.session.execute(insert(Lot), [{"product_id": product_id, "name": n} for n in missing])
        for name, lot_id in env.session.execute(
            select(Lot.name, Lot.id).where(Lot.product_id == product_id, Lot.name.in_(missing))
        ):
            found[name] = lot_id
    return {n: int(found[n]) for n in names}


def assign_finished_lots(env: Env, production: Any) -> None:
    """Give the finished move its lot, or split it into one move per serial number."""
    product = production.product
    if product.tracking == "none":
        return
    outputs = [m for m in finished_outputs(env, production) if not m.lot_id]
    if not outputs:
        return
    units = sum((m.product_qty for m in outputs), ZERO)
    names = parse_names(production.finished_lots)
    serial = product.tracking == "serial"
    check_names(env, production, names, units)
    if not names:
        # one number drawn per order (one counter lock): serial numbers are its units
        base = env.next_number("mrp.lot", production.company_id)
        count = int(units) if serial else 1
        width = max(2, len(str(count)))
        names = [f"{base}-{i:0{width}d}" for i in range(1, count + 1)] if serial else [base]
    lots = _lots(env, product.id, names, serial)
    if not serial:
        for move in outputs:
            move.lot_id = lots[names[0]]
    else:
        pending = iter(names)
        extra = []
        for move in outputs:
            n = int(move.product_qty)
            first = lots[next(pending)]
            for _i in range(n - 1):
                part = new_move(
                    env,
                    product,
                    Decimal(1),
                    move.location_id,
                    move.location_dest_id,
                    reference=move.reference,
                    warehouse_id=move.warehouse_id,
                    company_id=move.company_id,
                    origin_model=move.origin_model,
                    origin_id=move.origin_id,
                    date=move.date,
                    date_deadline=move.date_deadline,
                    lot_id=lots[next(pending)],
                )
                part.state = move.state
                extra.append(part)
            move.quantity = (move.quantity / move.product_qty).quantize(QTY)
            move.product_qty = Decimal(1)
            move.reserved_qty = min(move.reserved_qty, Decimal(1))
            move.lot_id = first
        if extra:  # one executemany, not an INSERT per serial number
            Move = env["stock.move"]
            env.check("stock.move", "create")
            columns = [c for c in Move.__table__.columns if c.key != "id"]
            env.session.execute(
                insert(Move), [{c.key: getattr(m, c.key) for c in columns} for m in extra]
            )
    production.finished_lots = ", ".join(names)
    env.session.flush()


# --- components consumed from lots --------------------------------------------------------


def _tracked_components(env: Env, production: Any) -> tuple[set[int], set[int]]:
    """Tracked component products of the order and where their moves take them from."""
    Component = env["mrp.production.component"]
    Product = env["product.product"]
    Move = env["stock.move"]
    rows = env.session.execute(
        select(Component.product_id, Move.location_id)
        .join(Product, Product.id == Component.product_id)
        .join(Move, Move.id == Component.move_id)
        .where(
            Component.production_id == production.id,
            Product.tracking != "none",
            Move.state.not_in(("done", "cancelled")),
        )
    ).all()
    return {int(r[0]) for r in rows}, {int(r[1]) for r in rows}


def _on_hand(env: Env, products: set[int], locations: set[int]) -> dict[tuple[int, int], Decimal]:
    out: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for quant in lock_quants(env, products, list(locations)):
        if quant.lot_id and quant.location_id in locations:
            out[(quant.product_id, quant.lot_id)] += Decimal(quant.quantity)
    return out


def snapshot(env: Env, production: Any) -> None:
    """Lock and read the tracked components' lots before they are consumed."""
    products, locations = _tracked_components(env, production)
    if not products:
        return
    env.session.flush()
    env.cache.get(_SNAPSHOTS)[production.id] = (
        products,
        locations,
        _on_hand(env, products, locations),
    )


def consumed_lots(env: Env, production: Any) -> dict[tuple[int, int], Decimal]:
    """What the order took from each lot, by difference with :func:`snapshot`."""
    taken = env.cache.get(_SNAPSHOTS).pop(production.id, None)
    if taken is None:
        return {}
    products, locations, before = taken
    env.session.flush()
    after = _on_hand(env, products, locations)
    out = {}
    for key, qty in before.items():
        used = qty - after.get(key, ZERO)
        if used > 0:
            out[key] = used
    return out


def record_genealogy(env: Env, production: Any, produced: list[tuple[int, Decimal]]) -> int:
    """Write produced lot ← consumed lot rows in one batch; returns how many."""
    consumed = consumed_lots(env, production)
    produced = [(lot, qty) for lot, qty in produced if lot]
    if not consumed or not produced:
        return 0
    total = sum((q for _l, q in produced), ZERO) + Decimal(production.qty_rework or 0)
    rows = [
        {
            "production_id": production.id,
            "reference": production.name,
            "company_id": production.company_id,
            "produced_lot_id": lot,
            "consumed_lot_id": consumed_lot,
            "quantity": (used * qty / total).quantize(QTY, rounding=ROUND_HALF_UP),
        }
        for lot, qty in produced
        for (_product, consumed_lot), used in sorted(consumed.items())
    ]
    Genealogy = env["mrp.lot.genealogy"]
    env.session.execute(insert(Genealogy), rows)  # a system model: only this service writes it
    return len(rows)


def record_rework_genealogy(env: Env, production: Any, produced: list[tuple[int, Decimal]]) -> int:
    """A rework order's lots were made from the lots its original order consumed.

    The original wrote ``used × p ÷ (made + held)`` per produced lot ``p``; so its
    rows sum to ``used × made ÷ (made + held)`` per consumed lot, and the units held
    for rework took ``used × held ÷ (made + held)`` = that sum × held ÷ made. One read
    of the original's rows and moves, one batch insert.
    """
    produced = [(lot, qty) for lot, qty in produced if lot]
    original = (
        env.session.get(env["mrp.production"], production.rework_of_id)
        if production.rework_of_id
        else None
    )
    if not produced or original is None or not original.qty_rework:
        return 0
    Genealogy = env["mrp.lot.genealogy"]
    rows = env.session.execute(
        select(Genealogy.produced_lot_id, Genealogy.consumed_lot_id, Genealogy.quantity).where(
            Genealogy.production_id == original.id
        )
    ).all()
    if not rows:
        return 0
    Move = env["stock.move"]
    made = Decimal(
        env.session.scalar(
            select(func.sum(Move.product_qty)).where(
                Move.origin_model == "mrp.production",
                Move.origin_id == original.id,
                Move.product_id == original.product_id,
                Move.state == "done",
                Move.lot_id.in_({int(r[0]) for r in rows}),
            )
        )
        or 0
    )
    if not made:
        return 0
    per_lot: dict[int, Decimal] = defaultdict(Decimal)
    for _produced, consumed_lot, qty in rows:
        per_lot[int(consumed_lot)] += Decimal(qty)
    held = Decimal(original.qty_rework)
    total = sum((q for _l, q in produced), ZERO)
    batch = [
        {
            "production_id": production.id,
            "reference": production.name,
            "company_id": production.company_id,
            "produced_lot_id": lot,
            "consumed_lot_id": consumed_lot,
            "quantity": (used * held / made * qty / total).quantize(QTY, rounding=ROUND_HALF_UP),
        }
        for lot, qty in produced
        for consumed_lot, used in sorted(per_lot.items())
    ]
    env.session.execute(insert(Genealogy), batch)
    return len(batch)


# --- tracing -------------------------------------------------------------------------------


def trace(env: Env, lot_id: int, direction: str = "up") -> list[list[dict[str, Any]]]:
    """The lots ``lot_id`` was made from (``up``) or went into (``down``), level by level.

    One statement per level, whatever the number of lots on it.
    """
    Genealogy = env["mrp.lot.genealogy"]
    Lot = env["stock.lot"]
    Product = env["product.product"]
    if direction == "up":
        near, far = Genealogy.produced_lot_id, Genealogy.consumed_lot_id
    else:
        near, far = Genealogy.consumed_lot_id, Genealogy.produced_lot_id
    levels: list[list[dict[str, Any]]] = []
    seen = {lot_id}
    frontier = {lot_id}
    while frontier and len(levels) < MAX_LEVELS:
        rows = env.session.execute(
            select(near, far, Genealogy.quantity, Lot.name, Product, Genealogy.reference)
            .join(Lot, Lot.id == far)
            .join(Product, Product.id == Lot.product_id)
            .where(near.in_(frontier))
            .order_by(near, far)
        ).all()
        merged: dict[tuple[int, int], dict[str, Any]] = {}
        for parent, lot, qty, name, product, production in rows:
            item = merged.get((parent, lot))
            if item is None:
                merged[(parent, lot)] = {
                    "lot_id": lot,
                    "lot": name,
                    "product_id": product.id,
                    "product": product.display_name(env),
                    "parent_lot_id": parent,
                    "production": production,
                    "quantity": Decimal(qty),
                }
            else:
                item["quantity"] += Decimal(qty)
        if not merged:
            break
        levels.append(list(merged.values()))
        frontier = {lot for (_p, lot) in merged} - seen
        seen |= frontier
    return levels


def genealogy_json(env: Env, lot_id: int) -> dict[str, Any]:
    """The lot with what it was made from and what it went into, as the API answers."""
    from kernel.errors import NotFound

    lot = env.session.get(env["stock.lot"], lot_id)
    if lot is None:
        raise NotFound(_("Lot / Serial number #%(id)s does not exist", id=lot_id))

    def levels(direction: str) -> list[list[dict[str, Any]]]:
        return [
            [{**item, "quantity": f"{item['quantity']:f}"} for item in level]
            for level in trace(env, lot_id, direction)
        ]

    return {
        "id": lot.id,
        "name": lot.name,
        "product_id": lot.product_id,
        "made_from": levels("up"),
        "used_in": levels("down"),
    }

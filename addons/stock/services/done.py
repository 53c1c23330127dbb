"""Doing moves: the goods leave the source quants and arrive in the destination quants.

One pass for any number of moves, with a bounded number of statements: the
source and destination quants are created if missing and locked in one ordered
``SELECT … FOR UPDATE``, reservation rows are loaded at once, and every change is
flushed in batches. Then ``stock_moves_done`` runs and waiting reservations of
the products that arrived are completed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, select

from addons.stock.hookspecs import StockHooks
from addons.stock.services.locations import allows_negative
from addons.stock.services.quants import ensure_quants, fifo_key, lock_moves, lock_quants, touch
from addons.stock.services.reservation import load_locations, release_waiting
from addons.stock.services.valuation import value_moves
from kernel import faults
from kernel.errors import ConflictError, ValidationError
from kernel.fields import utcnow
from kernel.i18n import _
from kernel.security import system_write
from kernel.statements import built

if TYPE_CHECKING:
    from kernel.env import Env

ZERO = Decimal(0)


def load_products(env: Env, product_ids: Sequence[int]) -> dict[int, Any]:
    return env.browse("product.product", product_ids)


def shortage_error(
    product: Any, location: Any, available: Decimal, requested: Decimal
) -> Exception:
    return ValidationError(
        _(
            "not enough %(product)s in %(location)s: %(available)s available, "
            "%(requested)s requested",
            product=product.display_name(),
            location=location.full_name or location.name,
            available=_fmt(available),
            requested=_fmt(requested),
        ),
        field="quantity",
    )


def _fmt(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _check_tracking(move: Any, product: Any, source: Any) -> None:
    if product.tracking == "none":
        return
    if not source.is_internal and not move.lot_id:
        raise ValidationError(
            _(
                "Lot: %(product)s is tracked by lot or serial number; give one for every receipt",
                product=product.display_name(),
            ),
            field="lot_id",
        )
    if product.tracking == "serial" and move.lot_id and move.product_qty != 1:
        raise ValidationError(
            _(
                "Quantity: serial-tracked %(product)s moves one unit per serial number",
                product=product.display_name(),
            ),
            field="quantity",
        )


def do_moves(env: Env, moves: Sequence[Any]) -> list[Any]:
    """Mark ``moves`` done, updating quants; raises before writing anything on a shortage."""
    Reservation = env["stock.reservation"]
    moves = [m for m in moves if m.state not in ("done", "cancelled")]
    if not moves:
        return []
    for move in moves:
        if move.product_qty <= 0:
            raise ValidationError(
                _("Quantity: a stock move needs a positive quantity"), field="quantity"
            )
    env.session.flush()
    products = load_products(env, [m.product_id for m in moves])
    locations = load_locations(
        env, [m.location_id for m in moves] + [m.location_dest_id for m in moves]
    )

    # Quants the moves will surely touch: the source only when it may be driven
    # negative (virtual, or allowed), the destination when its lot is known now.
    keys = set()
    for m in moves:
        source = locations[m.location_id]
        if not source.is_internal or allows_negative(env, source):
            keys.add((m.product_id, m.location_id, m.lot_id))
        if m.lot_id or products[m.product_id].tracking == "none":
            keys.add((m.product_id, m.location_dest_id, m.lot_id))
    ensure_quants(env, keys)
    quants = lock_quants(
        env,
        (m.product_id for m in moves),
        [m.location_id for m in moves] + [m.location_dest_id for m in moves],
    )
    fresh = lock_moves(env, [m.id for m in moves])
    if any(m.state in ("done", "cancelled") for m in fresh.values()):
        raise ConflictError(
            _("these goods were already processed or cancelled by someone else; reload and retry")
        )
    for move in moves:
        _check_tracking(move, products[move.product_id], locations[move.location_id])
    value_moves(env, moves, products, locations)
    by_key: dict[tuple[int, int, int | None], Any] = {}
    pool: dict[tuple[int, int], list[Any]] = defaultdict(list)
    for quant in sorted(quants, key=fifo_key):
        by_key[(quant.product_id, quant.location_id, quant.lot_id)] = quant
        pool[(quant.product_id, quant.location_id)].append(quant)
    reservations: dict[int, list[Any]] = defaultdict(list)
    reserved_ids = [m.id for m in moves if m.reserved_qty]
    if reserved_ids:
        # flushed above, and nothing since touched reservations: no autoflush, so the
        # moves' valuation (``price_unit``) goes in the one UPDATE that marks them done
        stmt = built(
            env.registry,
            "stock.reservations_of",
            lambda: (
                select(Reservation)
                .where(Reservation.move_id.in_(bindparam("ids", expanding=True)))
                .order_by(Reservation.id)
            ),
        )
        with env.session.no_autoflush:
            found = list(env.session.scalars(stmt, {"ids": reserved_ids}))
        for row in found:
            system_write(env.session, row)
            reservations[row.move_id].append(row)

    now = utcnow()
    arrivals: list[tuple[Any, int | None, Decimal]] = []
    for move in moves:
        source = locations[move.location_id]
        need = move.product_qty
        taken: list[tuple[int | None, Decimal]] = []
        if source.is_internal:
            for row in reservations.get(move.id, []):
                quant = next(
                    q for q in pool[(move.product_id, move.location_id)] if q.id == row.quant_id
                )
                take = min(row.quantity, need)
                quant.reserved_quantity -= row.quantity
                quant.quantity -= take
                taken.append((quant.lot_id, take))
                need -= take
                env.session.delete(row)
            for quant in pool[(move.product_id, move.location_id)]:
                if need <= 0:
                    break
                if move.lot_id and quant.lot_id != move.lot_id:
                    continue
                free = quant.quantity - quant.reserved_quantity
                if free <= 0:
                    continue
                take = min(free, need)
                quant.quantity -= take
                taken.append((quant.lot_id, take))
                need -= take
            if need > 0:
                if not allows_negative(env, source):
                    available = move.product_qty - need
                    raise shortage_error(
                        products[move.product_id], source, available, move.product_qty
                    )
                by_key[(move.product_id, move.location_id, move.lot_id)].quantity -= need
                taken.append((move.lot_id, need))
        else:
            by_key[(move.product_id, move.location_id, move.lot_id)].quantity -= need
            taken.append((move.lot_id, need))
        for lot_id, qty in taken:
            arrivals.append((move, lot_id, qty))
        move.state = "done"
        move.date_done = now
        move.reserved_qty = ZERO
        move.quantity_done = move.product_qty

    missing = {
        (m.product_id, m.location_dest_id, lot)
        for m, lot, _q in arrivals
        if (m.product_id, m.location_dest_id, lot) not in by_key
    }
    if missing:  # lots only known now: flush first, the locked re-read must not drop changes
        env.session.flush()
        ensure_quants(env, missing)
        for quant in lock_quants(env, {k[0] for k in missing}, {k[1] for k in missing}):
            by_key.setdefault((quant.product_id, quant.location_id, quant.lot_id), quant)
    for move, lot_id, qty in arrivals:
        quant = by_key[(move.product_id, move.location_dest_id, lot_id)]
        if quant.quantity <= 0 and qty > 0:
            quant.in_date = now
        quant.quantity += qty
    for quant in by_key.values():
        location = locations.get(quant.location_id)
        if (
            location is not None
            and location.is_internal
            and quant.quantity < quant.reserved_quantity
        ) and not allows_negative(env, location):
            raise ConflictError(
                _(
                    "%(product)s in %(location)s would fall below what is reserved",
                    product=products[quant.product_id].display_name(),
                    location=location.full_name,
                )
            )
    touch(by_key.values(), "quantity", "reserved_quantity", "in_date")
    touch(moves, "state", "date_done", "reserved_qty", "quantity_done", "price_unit")
    env.session.flush()
    faults.point("stock.moves_done", env)  # quants moved; hooks (invoice, receipts) not run yet
    StockHooks(env).stock_moves_done(env=env, moves=list(moves))
    arrived = {
        m.product_id
        for m in moves
        if locations[m.location_dest_id].is_internal and m.location_dest_id != m.location_id
    }
    if arrived:
        release_waiting(env, arrived)
    return list(moves)

"""Reserving stock for open moves and releasing it, first come first served.

A reservation claims free quantity (``quantity − reserved_quantity``) of quants in
the move's source location, oldest stock first; ``stock.reservation`` rows say
which quants were claimed so the same ones are released or shipped later.
Moves are served in priority order, then by date (an order's date), then by id:
that is the FIFO rule when several orders wait for the same goods.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, insert, select

from addons.stock.hookspecs import StockHooks
from addons.stock.services.quants import (
    LockedQuants,
    fifo_key,
    lock_moves,
    lock_quants,
    touch,
)
from kernel import faults
from kernel.security import system_write

if TYPE_CHECKING:
    from kernel.env import Env

ZERO = Decimal(0)


def move_order_key(move: Any) -> tuple[Any, ...]:
    """Urgent first, then the oldest demand, then creation order."""
    return (0 if move.priority == "1" else 1, move.date, move.id)


def load_locations(env: Env, location_ids: Iterable[int]) -> dict[int, Any]:
    ids = sorted(set(location_ids))
    if not ids:
        return {}
    return env.browse("stock.location", ids)


def reserve_moves(
    env: Env,
    moves: Sequence[Any],
    *,
    notify: bool = True,
    whole: bool = False,
    locked: LockedQuants | None = None,
) -> list[Any]:
    """Reserve what is free for ``moves``; returns the moves whose reservation grew.

    Moves leaving a non-internal location (receipts) need no reservation: they
    become ``available`` at once. Bounded statements: one locked select of the
    quants, then the flush (quants, moves and reservation rows in batches).
    ``whole``: ``moves`` are every open move of their transfers (a transfer being
    confirmed), so a transfer this unit made gets its state from them, unread.
    ``locked``: the quants the caller locked just before (:func:`lock_stock`); when they
    cover the moves they are used as they are, not locked and read again.
    """
    Reservation = env["stock.reservation"]
    open_moves = [m for m in moves if m.state in ("draft", "waiting", "available")]
    if not open_moves:
        return []
    locations = load_locations(env, (m.location_id for m in open_moves))
    to_reserve = []
    for move in open_moves:
        if not locations[move.location_id].is_internal:
            move.state = "available"  # goods from a partner or production: nothing to hold
        elif move.reserved_qty < move.product_qty:
            to_reserve.append(move)
        else:
            move.state = "available"
    changed: list[Any] = []
    if to_reserve:
        # Moves this transaction inserted (an approval reserving the delivery it just
        # made) are invisible to every other one: nobody can have served or cancelled
        # them, so they need no locked re-read — and, with no quant change pending that
        # the locked read of the quants would overwrite, no flush before it either: their
        # new state goes in the one UPDATE below with what they reserve.
        created = env.cache.created_records
        # (a move not written yet, of a transfer made to be confirmed, is one of those)
        others = [
            m.id for m in to_reserve if m.id is not None and ("stock.move", m.id) not in created
        ]
        if locked is not None and locked.covers(to_reserve):
            quants = locked.quants
        elif others or _quants_pending(env):
            env.session.flush()
            quants = lock_quants(
                env, (m.product_id for m in to_reserve), (m.location_id for m in to_reserve)
            )
        else:
            with env.session.no_autoflush:
                quants = lock_quants(
                    env, (m.product_id for m in to_reserve), (m.location_id for m in to_reserve)
                )
        lock_moves(env, others)
        to_reserve = [
            m
            for m in to_reserve
            if m.state in ("draft", "waiting", "available") and m.reserved_qty < m.product_qty
        ]
        pool: dict[tuple[int, int], list[Any]] = defaultdict(list)
        for quant in sorted(quants, key=fifo_key):
            pool[(quant.product_id, quant.location_id)].append(quant)
        claims: list[tuple[Any, int, Decimal]] = []
        for move in sorted(to_reserve, key=move_order_key):
            need = move.product_qty - move.reserved_qty
            for quant in pool[(move.product_id, move.location_id)]:
                if need <= 0:
                    break
                if move.lot_id and quant.lot_id != move.lot_id:
                    continue
                free = quant.quantity - quant.reserved_quantity
                if free <= 0:
                    continue
                take = min(free, need)
                quant.reserved_quantity += take
                claims.append((move, quant.id, take))
                move.reserved_qty += take
                need -= take
            move.state = "available" if move.reserved_qty >= move.product_qty else "waiting"
            changed.append(move)
        touch(quants, "reserved_quantity")
        # before the insert, whose autoflush then writes the moves once (not twice)
        touch(open_moves, "state", "reserved_qty")
        settled = _settle_new_pickings(env, open_moves) if whole else []
        if claims:  # one executemany (the ORM would insert row by row on SQLite)
            if any(move.id is None for move, _q, _n in claims):
                env.session.flush()  # the new transfer and its moves, reserved: one INSERT each
            rows = [{"move_id": m.id, "quant_id": q, "quantity": n} for m, q, n in claims]
            # a system model: this service is the one writer (no flush check to pass)
            env.session.execute(insert(Reservation), rows)
    else:
        touch(open_moves, "state", "reserved_qty")
        settled = _settle_new_pickings(env, open_moves) if whole else []
    env.session.flush()
    done = {picking.id for picking in settled}
    sync_picking_states(
        env, {m.picking_id for m in open_moves if m.picking_id and m.picking_id not in done}
    )
    faults.point("stock.reserved", env)  # quants reserved; the order's hooks not run yet
    if notify and changed:
        StockHooks(env).stock_reservation_changed(env=env, moves=changed)
    return changed


def _settle_new_pickings(env: Env, moves: Sequence[Any]) -> list[Any]:
    """Set ``ready``/``waiting`` on the transfers this unit made from ``moves``, all
    their open moves; the transfers so settled.

    What :func:`sync_picking_states` reads from the database, known here already:
    rows this transaction inserted are changed by no other one. Set before the flush,
    the transfer gets one UPDATE (draft → ready), not two and a query — or, made to be
    confirmed and not written yet (``create_transfer(to_confirm=True)``), none.
    """
    created = env.cache.created_records

    def new(move: Any) -> bool:
        return move.id is None or ("stock.move", move.id) in created

    # by transfer id; a transfer not written yet (made to be confirmed) by itself
    groups: dict[Any, list[Any]] = defaultdict(list)
    for move in moves:
        key = move.picking_id or move.picking
        if key is not None:
            groups[key].append(move)
    # only transfers whose moves this unit made, all of them: no other transaction saw those
    mine = {key: held for key, held in groups.items() if all(map(new, held))}
    ids = [key for key in mine if isinstance(key, int) and ("stock.picking", key) in created]
    loaded = env.browse("stock.picking", ids) if ids else {}
    settled: list[Any] = []
    for key, held in mine.items():
        picking = loaded.get(key) if isinstance(key, int) else key
        if picking is None:
            continue
        open_held = [m for m in held if m.state in ("draft", "waiting", "available")]
        if open_held and picking.state in ("waiting", "ready"):
            short = any(m.state != "available" for m in open_held)
            picking.state = "waiting" if short else "ready"
        settled.append(picking)
    return settled


def _quants_pending(env: Env) -> bool:
    """A quant of this session has unflushed changes (a locked re-read would drop them)."""
    Quant = env["stock.quant"]
    session = env.session
    return any(isinstance(obj, Quant) for obj in (*session.new, *session.dirty, *session.deleted))


def release_moves(env: Env, moves: Sequence[Any], *, notify: bool = True) -> list[Any]:
    """Give back everything ``moves`` reserved; returns the moves still open.

    Locks like the other stock services (the quants, then the moves, re-read), so a
    move shipped or cancelled meanwhile by another user is left out instead of
    being released twice.
    """
    Reservation = env["stock.reservation"]
    Quant = env["stock.quant"]
    candidates = [m for m in moves if m.state not in ("done", "cancelled")]
    if not candidates:
        return []
    env.session.flush()
    lock_quants(env, (m.product_id for m in candidates), (m.location_id for m in candidates))
    lock_moves(env, [m.id for m in candidates])
    live = [m for m in candidates if m.state not in ("done", "cancelled")]
    ids = [m.id for m in live if m.reserved_qty]
    if ids:
        rows = list(env.session.scalars(select(Reservation).where(Reservation.move_id.in_(ids))))
        quant_ids = sorted({r.quant_id for r in rows})
        quants = {
            q.id: q for q in env.session.scalars(select(Quant).where(Quant.id.in_(quant_ids)))
        }
        system_write(env.session, *rows, *quants.values())
        for row in rows:
            quants[row.quant_id].reserved_quantity -= row.quantity
            env.session.delete(row)
        for move in live:
            if move.id in ids:
                move.reserved_qty = ZERO
                if move.state == "available":
                    move.state = "waiting"
        env.session.flush()
    if notify and live:
        StockHooks(env).stock_reservation_changed(env=env, moves=live)
    return live


def sync_picking_states(env: Env, picking_ids: Iterable[int]) -> None:
    """A confirmed transfer is ``ready`` when every open move is fully available."""
    ids = sorted(set(picking_ids))
    if not ids:
        return
    Move = env["stock.move"]
    Picking = env["stock.picking"]
    env.session.flush()
    rows = env.session.execute(
        select(
            Move.picking_id,
            func.sum(case((Move.state == "available", 0), else_=1)),
        )
        .where(Move.picking_id.in_(ids), Move.state.in_(("draft", "waiting", "available")))
        .group_by(Move.picking_id)
    ).all()
    waiting = {pid: int(n) for pid, n in rows}
    # the transfers are usually held by the step (flushed above: their state is current)
    for picking in env.browse(Picking, ids).values():
        if picking.state in ("waiting", "ready") and picking.id in waiting:
            picking.state = "waiting" if waiting[picking.id] else "ready"
    env.session.flush()


def release_waiting(env: Env, product_ids: Iterable[int]) -> list[Any]:
    """Complete waiting reservations of these products, oldest demand first.

    Called after goods arrive (a receipt is done, a count found more); the short
    orders waiting longest are served first. Returns the moves that got more.
    """
    products = sorted(set(product_ids))
    if not products:
        return []
    Move = env["stock.move"]
    Location = env["stock.location"]
    waiting = list(
        env.session.scalars(
            select(Move)
            .join(Location, Location.id == Move.location_id)
            .where(
                Move.product_id.in_(products),
                Move.state == "waiting",
                Location.usage == "internal",
            )
            .order_by(Move.priority.desc(), Move.date, Move.id)
        )
    )
    if not waiting:
        return []
    return reserve_moves(env, waiting)

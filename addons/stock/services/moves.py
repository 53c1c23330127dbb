"""Creating, splitting and cancelling moves."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from addons.base.services.uom import convert
from addons.stock.hookspecs import StockHooks
from addons.stock.services.reservation import release_moves
from kernel.bulk import insert_records
from kernel.errors import ConflictError, ValidationError
from kernel.fields import utcnow
from kernel.i18n import _
from kernel.security import system_write

if TYPE_CHECKING:
    from kernel.env import Env

ZERO = Decimal(0)


def new_move(
    env: Env,
    product: Any,
    quantity: Decimal,
    location_id: int,
    location_dest_id: int,
    *,
    uom: Any = None,
    **values: Any,
) -> Any:
    """A draft move (not added to the session); ``quantity`` is in ``uom`` (default: the product's)."""
    quantity = Decimal(quantity)
    if quantity <= 0:
        raise ValidationError(
            _("Quantity: %(product)s needs a positive quantity", product=product.display_name()),
            field="quantity",
        )
    if location_id == location_dest_id:
        raise ValidationError(
            _("To: goods must move to another location than where they are"),
            field="location_dest_id",
        )
    uom = uom or product.uom
    Move = env["stock.move"]
    values.setdefault("date", utcnow())
    values.setdefault("priority", "0")
    values.setdefault("reference", "")
    values.setdefault("origin_model", "")
    if values.get("price_unit") is None:
        values["price_unit"] = ZERO
    return Move(
        product_id=product.id,
        quantity=quantity,
        uom_id=uom.id,
        product_qty=convert(env, quantity, uom, product.uom),
        location_id=location_id,
        location_dest_id=location_dest_id,
        state="draft",
        reserved_qty=ZERO,
        quantity_done=ZERO,
        **values,
    )


def insert_moves(env: Env, picking_id: int, moves: Sequence[Any]) -> list[Any]:
    """Write the transient moves (from :func:`new_move`) of a new transfer in one
    ``INSERT`` and load them back.

    The ORM would send one ``INSERT … RETURNING`` per move on SQLite; an
    executemany keeps a 200-line transfer at one statement (see :mod:`kernel.bulk`). A Core insert skips the
    flush-time access check, so it is made here.
    """
    if not moves:
        return []
    Move = env["stock.move"]
    env.check("stock.move", "create")
    columns = [c for c in Move.__table__.columns if c.key != "id"]
    rows = [{c.key: getattr(m, c.key) for c in columns} for m in moves]
    for row in rows:
        row["picking_id"] = picking_id
    return insert_records(
        env,
        Move,
        rows,
        lambda: select(Move).where(Move.picking_id == picking_id).order_by(Move.id),
    )


def split_move(env: Env, move: Any, keep: Decimal) -> Any:
    """Keep ``keep`` (product unit) on ``move``; return a new move with the rest.

    The reservation beyond ``keep`` goes with the rest, on the same quants, so a
    backorder keeps what was promised to it.
    """
    Move = env["stock.move"]
    Reservation = env["stock.reservation"]
    rest_qty = move.product_qty - keep
    ratio = rest_qty / move.product_qty
    rest = Move(
        reference=move.reference,
        product_id=move.product_id,
        quantity=(move.quantity * ratio).quantize(Decimal("0.0001")),
        uom_id=move.uom_id,
        product_qty=rest_qty,
        location_id=move.location_id,
        location_dest_id=move.location_dest_id,
        lot_id=move.lot_id,
        state=move.state,
        warehouse_id=move.warehouse_id,
        company_id=move.company_id,
        origin_model=move.origin_model,
        origin_id=move.origin_id,
        origin_line_id=move.origin_line_id,
        priority=move.priority,
        date=move.date,
        date_deadline=move.date_deadline,
        price_unit=move.price_unit,
        reserved_qty=ZERO,
        quantity_done=ZERO,
    )
    env.session.add(rest)
    move.quantity = (move.quantity - rest.quantity).quantize(Decimal("0.0001"))
    move.product_qty = keep
    excess = move.reserved_qty - keep
    if excess > 0:
        env.session.flush()
        rows = env.session.scalars(
            select(Reservation)
            .where(Reservation.move_id == move.id)
            .order_by(Reservation.id.desc())
        ).all()
        system_write(env.session, *rows)
        for row in rows:
            if excess <= 0:
                break
            moved = min(row.quantity, excess)
            if moved == row.quantity:
                row.move_id = rest.id
            else:
                row.quantity -= moved
                split = Reservation(move_id=rest.id, quant_id=row.quant_id, quantity=moved)
                system_write(env.session, split)
                env.session.add(split)
            excess -= moved
            rest.reserved_qty += moved
            move.reserved_qty -= moved
    if rest.reserved_qty >= rest.product_qty:
        rest.state = "available"
    elif rest.state == "available":
        rest.state = "waiting"
    return rest


def cancel_moves(env: Env, moves: Sequence[Any]) -> list[Any]:
    """Cancel open moves, releasing their reservations; done moves are left alone."""
    open_moves = [m for m in moves if m.state not in ("done", "cancelled")]
    if not open_moves:
        return []
    live = release_moves(env, open_moves, notify=False)
    if len(live) != len(open_moves):
        raise ConflictError(
            _("these goods were already processed or cancelled by someone else; reload and retry")
        )
    for move in open_moves:
        move.state = "cancelled"
    env.session.flush()
    StockHooks(env).stock_reservation_changed(env=env, moves=open_moves)
    return open_moves

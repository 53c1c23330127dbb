"""Quants under row locks: the only code that changes how much stock a location holds.

Concurrency rule: quant rows are locked with ``SELECT … FOR UPDATE`` **ordered by
id** before they are read for a decision (is there enough? how much is free?), so
two transactions wanting the last units queue on the same rows instead of both
seeing them free, and transactions locking several rows take them in the same
order (no deadlock between two validations of the same products). Moves are
locked and re-read *after* their quants (:func:`lock_moves`), always in that order. Missing quants
are created first with ``INSERT … ON CONFLICT DO NOTHING`` (a unique index keys
them by product, location and lot), so two receipts creating the same quant at
once do not fail. On SQLite write units are serialised by ``BEGIN IMMEDIATE``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.attributes import flag_modified

from kernel.fields import utcnow
from kernel.security import system_write
from kernel.statements import built

if TYPE_CHECKING:
    from kernel.env import Env

QuantKey = tuple[int, int, int | None]  # product, location, lot


def ensure_quants(env: Env, keys: Iterable[QuantKey]) -> None:
    """Create the quants of ``keys`` that do not exist yet (one statement)."""
    wanted = sorted(set(keys), key=lambda k: (k[0], k[1], k[2] or 0))
    if not wanted:
        return
    table = env["stock.quant"].__table__
    dialect = env.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    now = utcnow()
    env.session.execute(
        insert(table).on_conflict_do_nothing(),
        [
            {
                "product_id": p,
                "location_id": loc,
                "lot_id": lot,
                "quantity": Decimal(0),
                "reserved_quantity": Decimal(0),
                "in_date": now,
            }
            for p, loc, lot in wanted
        ],
    )


def lock_quants(env: Env, product_ids: Iterable[int], location_ids: Iterable[int]) -> list[Any]:
    """The quants of these products in these locations, locked, fresh from the database.

    Marked as this service's writes: quants are a system model (kernel.policy), so
    only quants locked here may change, never one a form or the API loaded.
    """
    products = sorted(set(product_ids))
    locations = sorted(set(location_ids))
    if not products or not locations:
        return []
    Quant = env["stock.quant"]
    stmt = built(
        env.registry,
        "stock.lock_quants",
        lambda: (
            select(Quant)
            .where(
                Quant.product_id.in_(bindparam("products", expanding=True)),
                Quant.location_id.in_(bindparam("locations", expanding=True)),
            )
            .order_by(Quant.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ),
    )
    quants = list(env.session.scalars(stmt, {"products": products, "locations": locations}))
    system_write(env.session, *quants)
    return quants


@dataclass(frozen=True)
class LockedQuants:
    """Quants :func:`lock_stock` locked earlier in this transaction, and what it locked.

    The locks last until the transaction ends and only this transaction changes the
    rows meanwhile (through these very objects), so a reservation that follows at
    once uses them as they are instead of locking and reading them again. Quants
    created after the lock are not in it: use it right away, not after a receipt.
    """

    products: frozenset[int]
    locations: frozenset[int]
    quants: list[Any]

    def covers(self, moves: Iterable[Any]) -> bool:
        """Every move takes a product from a location this lock covers."""
        return all(m.product_id in self.products and m.location_id in self.locations for m in moves)


def lock_stock(env: Env, product_ids: Iterable[int], location_ids: Iterable[int]) -> LockedQuants:
    """:func:`lock_quants`, remembered with what was asked (see :class:`LockedQuants`)."""
    products, locations = frozenset(product_ids), frozenset(location_ids)
    return LockedQuants(products, locations, lock_quants(env, products, locations))


def lock_moves(env: Env, move_ids: Iterable[int]) -> dict[int, Any]:
    """Re-read moves under a row lock, after the quants: a concurrent unit that served
    or cancelled them in the meantime is seen, never overwritten."""
    ids = sorted(set(move_ids))
    if not ids:
        return {}
    Move = env["stock.move"]
    stmt = built(
        env.registry,
        "stock.lock_moves",
        lambda: (
            select(Move)
            .where(Move.id.in_(bindparam("ids", expanding=True)))
            .order_by(Move.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ),
    )
    rows = env.session.scalars(stmt, {"ids": ids})
    return {m.id: m for m in rows}


def touch(records: Iterable[Any], *attributes: str) -> None:
    """Mark the same columns changed on every record so the flush sends one batched UPDATE.

    The unit of work batches consecutive updates only when they set the same
    columns; a quant whose ``in_date`` changed among others whose did not would
    split the batch into one statement per row.
    """
    for record in records:
        for attribute in attributes:
            flag_modified(record, attribute)


def fifo_key(quant: Any) -> tuple[Any, int]:
    """First in, first out: the oldest stock is promised and shipped first."""
    return (quant.in_date, quant.id)

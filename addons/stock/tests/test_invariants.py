"""Property: any sequence of receipts, reservations, shipments, cancellations and scraps
keeps the books straight.

* on hand per product and location (quants) == Σ done moves in − Σ done moves out;
* reserved ≤ on hand and on hand ≥ 0 on internal locations (negative stock is off);
* what a move has reserved == its reservation rows == what quants say is reserved.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from addons.stock.services import (
    cancel_picking,
    confirm_picking,
    create_picking,
    receive,
    scrap,
    validate_picking,
)
from addons.stock.services.pickings import picking_moves
from addons.stock.tests.conftest import delivery, make_product
from kernel.errors import UserError
from kernel.instance import Instance

PRODUCTS = 2

operation = st.one_of(
    st.tuples(st.just("receive"), st.integers(0, PRODUCTS - 1), st.integers(1, 6)),
    st.tuples(st.just("deliver"), st.integers(0, PRODUCTS - 1), st.integers(1, 8)),
    st.tuples(st.just("inbound"), st.integers(0, PRODUCTS - 1), st.integers(1, 8)),
    st.tuples(st.just("ship"), st.integers(0, 5), st.integers(0, 8)),
    st.tuples(st.just("cancel"), st.integers(0, 5), st.just(0)),
    st.tuples(st.just("scrap"), st.integers(0, PRODUCTS - 1), st.integers(1, 3)),
)


def _apply(env: Any, op: tuple[str, int, int], products: list[int], open_ids: list[int]) -> None:
    kind, index, qty = op
    if kind == "receive":
        receive(env, products[index], qty)
    elif kind == "deliver":
        open_ids.append(delivery(env, [(products[index], qty)]).id)
    elif kind == "inbound":
        receipt = create_picking(
            env,
            "incoming",
            env.ref("stock.location_suppliers").id,
            env.ref("stock.location_stock").id,
            [{"product_id": products[index], "quantity": Decimal(qty)}],
        )
        confirm_picking(env, receipt)
        open_ids.append(receipt.id)
    elif kind == "scrap":
        scrap(env, products[index], qty)
    elif open_ids:
        picking = env.get("stock.picking", open_ids[index % len(open_ids)])
        if picking.state in ("done", "cancelled"):
            return
        if kind == "cancel":
            cancel_picking(env, picking)
            return
        (move,) = picking_moves(env, picking, open_only=True)
        wanted = Decimal(min(qty, int(move.product_qty))) if qty else None
        backorder = validate_picking(env, picking, {move.id: wanted} if wanted else None)
        if backorder is not None:
            open_ids.append(backorder.id)


def _check(env: Any, products: list[int]) -> None:
    Move = env["stock.move"]
    Quant = env["stock.quant"]
    Location = env["stock.location"]
    Reservation = env["stock.reservation"]
    net: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    done = select(Move).where(Move.product_id.in_(products), Move.state == "done")
    for move in env.session.scalars(done):
        net[(move.product_id, move.location_dest_id)] += move.product_qty
        net[(move.product_id, move.location_id)] -= move.product_qty
    quants: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    internal = set(env.session.scalars(select(Location.id).where(Location.usage == "internal")))
    for quant in env.session.scalars(select(Quant).where(Quant.product_id.in_(products))):
        quants[(quant.product_id, quant.location_id)] += quant.quantity
        if quant.location_id in internal:
            assert quant.quantity >= 0
            assert 0 <= quant.reserved_quantity <= quant.quantity
    keys = set(net) | set(quants)
    assert {k: net[k] for k in keys} == {k: quants[k] for k in keys}
    rows = dict(
        env.session.execute(
            select(Reservation.move_id, func.sum(Reservation.quantity)).group_by(
                Reservation.move_id
            )
        ).all()
    )
    for move in env.session.scalars(select(Move).where(Move.product_id.in_(products))):
        assert move.reserved_qty == Decimal(rows.get(move.id) or 0)
        assert move.reserved_qty <= move.product_qty
        if move.state in ("done", "cancelled"):
            assert move.reserved_qty == 0
    by_quant = env.session.scalar(
        select(func.sum(Quant.reserved_quantity)).where(Quant.product_id.in_(products))
    ) or Decimal(0)
    by_moves = env.session.scalar(
        select(func.sum(Move.reserved_qty)).where(Move.product_id.in_(products))
    ) or Decimal(0)
    assert by_quant == by_moves


def test_any_sequence_keeps_quants_equal_to_done_moves(stock: Instance) -> None:
    counter = iter(range(10_000))

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.lists(operation, min_size=1, max_size=12))
    def run(ops: list[tuple[str, int, int]]) -> None:
        with stock.unit(None, su=True) as env:
            n = next(counter)
            products = [make_product(env, f"Prop {n}-{i}") for i in range(PRODUCTS)]
        open_ids: list[int] = []
        for op in ops:
            try:
                with stock.unit(None, su=True) as env:
                    _apply(env, op, products, open_ids)
            except UserError:
                pass  # refused (e.g. not enough stock): nothing was written
            with stock.unit(None, su=True, readonly=True) as env:
                _check(env, products)

    run()

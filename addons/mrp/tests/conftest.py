"""Shared set-up for manufacturing tests: products, bills and stock to make things from."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from kernel.env import Env

D = Decimal


def product(
    env: Env,
    name: str,
    *,
    uom: str = "uom_unit",
    cost: str = "0",
    route: str = "buy",
    **values: Any,
) -> int:
    """A stockable product (id) counted in ``uom`` at standard cost ``cost``."""
    record = env["product.product"](
        name=name,
        type="stockable",
        uom_id=env.ref(f"base.{uom}").id,
        standard_price=D(cost),
        supply_route=route,
        **values,
    )
    env.session.add(record)
    env.session.flush()
    return int(record.id)


def bom(
    env: Env,
    product_id: int,
    lines: list[tuple[int, str] | tuple[int, str, str] | tuple[int, str, str, str]],
    *,
    quantity: str = "1",
    kind: str = "normal",
    code: str = "",
) -> Any:
    """A bill: ``lines`` are ``(component, quantity[, unit xmlid suffix[, scrap %]])``."""
    Line = env["mrp.bom.line"]
    record = env["mrp.bom"](
        product_id=product_id,
        quantity=D(quantity),
        type=kind,
        code=code,
        lines=[
            Line(
                sequence=index,
                product_id=line[0],
                quantity=D(line[1]),
                uom_id=env.ref(f"base.{line[2]}").id if len(line) > 2 else None,
                scrap_percent=D(line[3]) if len(line) > 3 else D(0),
            )
            for index, line in enumerate(lines)
        ],
    )
    env.session.add(record)
    env.session.flush()
    return record


def stock_in(env: Env, quantities: dict[int, str | int]) -> None:
    """Receive goods into the main stock in one receipt (bounded statements)."""
    from addons.stock.services import create_picking, validate_picking

    picking = create_picking(
        env,
        "incoming",
        env.ref("stock.location_suppliers").id,
        env.ref("stock.location_stock").id,
        [{"product_id": pid, "quantity": D(str(qty))} for pid, qty in quantities.items()],
        warehouse_id=env.ref("stock.warehouse_main").id,
    )
    validate_picking(env, picking)


def on_hand(env: Env, product_id: int) -> Decimal:
    """Quantity in the main warehouse's internal locations."""
    from addons.stock.services import availability

    return availability(env, [product_id])[product_id]["on_hand"]


def quants_match_moves(env: Env) -> None:
    """Every internal quant equals the done moves into its location minus those out."""
    from sqlalchemy import func

    Move = env["stock.move"]
    Quant = env["stock.quant"]
    totals: dict[tuple[int, int], Decimal] = {}
    for pid, loc, qty in env.session.execute(
        select(Move.product_id, Move.location_dest_id, func.sum(Move.product_qty))
        .where(Move.state == "done")
        .group_by(Move.product_id, Move.location_dest_id)
    ):
        totals[(pid, loc)] = totals.get((pid, loc), D(0)) + D(qty)
    for pid, loc, qty in env.session.execute(
        select(Move.product_id, Move.location_id, func.sum(Move.product_qty))
        .where(Move.state == "done")
        .group_by(Move.product_id, Move.location_id)
    ):
        totals[(pid, loc)] = totals.get((pid, loc), D(0)) - D(qty)
    quants: dict[tuple[int, int], Decimal] = {}
    for pid, loc, qty in env.session.execute(
        select(Quant.product_id, Quant.location_id, func.sum(Quant.quantity)).group_by(
            Quant.product_id, Quant.location_id
        )
    ):
        quants[(pid, loc)] = D(qty)
    for key, qty in totals.items():
        assert quants.get(key, D(0)) == qty, key

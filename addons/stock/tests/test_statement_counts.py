"""Validating (and reserving) a transfer costs the same SQL statements for 10 or 200 moves."""

from __future__ import annotations

from decimal import Decimal

from addons.stock.services import availability, create_picking, validate_picking
from kernel.instance import Instance
from kernel.testing import StatementCounter


def _receipt(stock: Instance, n: int) -> tuple[int, list[int]]:
    with stock.unit(None, su=True) as env:
        Product = env["product.product"]
        unit = env.ref("base.uom_unit").id
        products = [Product(name=f"P{n}-{i}", uom_id=unit, type="stockable") for i in range(n)]
        env.session.add_all(products)
        env.session.flush()
        ids = [p.id for p in products]
        wh = env.ref("stock.warehouse_main")
        receipt = create_picking(
            env,
            "incoming",
            env.ref("stock.location_suppliers").id,
            env.ref("stock.location_stock").id,
            [{"product_id": pid, "quantity": Decimal(5), "price_unit": Decimal(2)} for pid in ids],
            warehouse_id=wh.id,
        )
        return receipt.id, ids


def _delivery(stock: Instance, ids: list[int]) -> tuple[int, int]:
    """A delivery of every product, created then confirmed (reserved); returns its id and
    the statements the confirmation took."""
    from addons.stock.services import confirm_picking

    with stock.unit(None, su=True) as env:
        wh = env.ref("stock.warehouse_main")
        out = create_picking(
            env,
            "outgoing",
            env.ref("stock.location_stock").id,
            env.ref("stock.location_customers").id,
            [{"product_id": pid, "quantity": Decimal(3)} for pid in ids],
            warehouse_id=wh.id,
        )
        with StatementCounter(stock.engine) as counter:
            confirm_picking(env, out)
        assert out.state == "ready"
        return int(out.id), counter.count


def _count_validate(stock: Instance, picking_id: int) -> int:
    with stock.unit(None, su=True) as env:
        picking = env.get("stock.picking", picking_id)
        with StatementCounter(stock.engine) as counter:
            validate_picking(env, picking)
        return counter.count


def test_validating_200_moves_issues_as_many_statements_as_10(stock: Instance) -> None:
    small_in, small_ids = _receipt(stock, 10)
    big_in, big_ids = _receipt(stock, 200)
    receipts = (_count_validate(stock, small_in), _count_validate(stock, big_in))
    (small_out, small_reserve), (big_out, big_reserve) = (
        _delivery(stock, small_ids),
        _delivery(stock, big_ids),
    )
    assert small_reserve == big_reserve, (small_reserve, big_reserve)
    deliveries = (_count_validate(stock, small_out), _count_validate(stock, big_out))
    print("statements (10, 200 moves): receipts", receipts, end=" ")
    assert receipts[0] == receipts[1], receipts
    print("deliveries", deliveries, "reservation", (small_reserve, big_reserve))
    assert deliveries[0] == deliveries[1], deliveries
    assert max(receipts + deliveries) <= 40, (receipts, deliveries)
    with stock.unit(None, su=True) as env:
        figures = availability(env, big_ids)
        assert all(f["on_hand"] == Decimal(2) for f in figures.values())

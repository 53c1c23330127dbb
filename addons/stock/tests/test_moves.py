"""Receipts, deliveries, reservations, backorders, shortages, lots, scrap and counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from addons.stock.services import availability, receive, scrap, validate_picking
from addons.stock.services.inventory import create_inventory, start_inventory, validate_inventory
from addons.stock.services.pickings import picking_moves
from addons.stock.tests.conftest import delivery, make_product, on_hand, stock_loc
from kernel.errors import AccessDenied, ValidationError
from kernel.instance import Instance
from kernel.testing import make_user

D = Decimal


def test_receipt_then_delivery_moves_stock_and_figures(stock: Instance) -> None:
    with stock.unit(None, su=True) as env:
        pid = make_product(env, "Widget")
        receive(env, pid, 10)
        assert on_hand(env, pid) == D(10)
        picking = delivery(env, [(pid, 4)])
        assert picking.state == "ready"
        assert picking.name.startswith("WH/OUT/")
        figures = availability(env, [pid])[pid]
        assert figures["reserved"] == D(4)
        assert figures["available"] == D(6)
        assert figures["outgoing"] == D(0)  # reserved already
        assert figures["forecast"] == D(6)
        assert validate_picking(env, picking) is None
        assert picking.state == "done"
        figures = availability(env, [pid])[pid]
        assert (figures["on_hand"], figures["reserved"]) == (D(6), D(0))
        Quant = env["stock.quant"]
        at_customer = env.session.scalar(
            select(Quant.quantity).where(
                Quant.product_id == pid,
                Quant.location_id == env.ref("stock.location_customers").id,
            )
        )
        assert at_customer == D(4)


def test_shortage_waits_and_is_served_when_goods_arrive(stock: Instance) -> None:
    with stock.unit(None, su=True) as env:
        pid = make_product(env, "Widget")
        receive(env, pid, 3)
        first = delivery(env, [(pid, 5)])
        second = delivery(env, [(pid, 2)])
        (m1,) = picking_moves(env, first)
        (m2,) = picking_moves(env, second)
        assert (first.state, m1.reserved_qty) == ("waiting", D(3))
        assert (second.state, m2.reserved_qty) == ("waiting", D(0))
        figures = availability(env, [pid])[pid]
        assert figures["outgoing"] == D(4)
        assert figures["forecast"] == D(-4)
        receive(
            env, pid, 3
        )  # oldest demand first: the first delivery completes, then 1 for the second
        assert (first.state, m1.reserved_qty) == ("ready", D(5))
        assert (second.state, m2.reserved_qty) == ("waiting", D(1))


def test_partial_validation_creates_backorder_with_the_rest(stock: Instance) -> None:
    with stock.unit(None, su=True) as env:
        a = make_product(env, "A")
        b = make_product(env, "B")
        receive(env, a, 10)
        receive(env, b, 10)
        picking = delivery(env, [(a, 6), (b, 4)])
        ma, mb = picking_moves(env, picking)
        backorder = validate_picking(env, picking, {ma.id: D(2), mb.id: D(4)})
        assert picking.state == "done"
        assert backorder is not None and backorder.backorder_of_id == picking.id
        assert backorder.state == "ready"
        (rest,) = picking_moves(env, backorder)
        assert (rest.product_id, rest.product_qty, rest.reserved_qty) == (a, D(4), D(4))
        assert ma.product_qty == D(2) and ma.state == "done"
        figures = availability(env, [a, b])
        assert (figures[a]["on_hand"], figures[a]["reserved"]) == (D(8), D(4))
        assert (figures[b]["on_hand"], figures[b]["reserved"]) == (D(6), D(0))
        assert validate_picking(env, backorder) is None
        assert on_hand(env, a) == D(4)


def test_not_enough_stock_names_product_location_and_quantities(stock: Instance) -> None:
    from addons.stock.services.done import do_moves
    from addons.stock.services.moves import new_move

    with stock.unit(None, su=True) as env:
        pid = make_product(env, "Widget")
        receive(env, pid, 2)
        product = env.get("product.product", pid)
        move = new_move(
            env, product, D(5), stock_loc(env).id, env.ref("stock.location_customers").id
        )
        env.session.add(move)
        with pytest.raises(ValidationError) as err:
            do_moves(env, [move])
        text = str(err.value)
        assert "Widget" in text and "WH/Stock" in text and "2 available" in text
        assert "5 requested" in text


def test_negative_stock_only_where_allowed(stock: Instance) -> None:
    from addons.stock.services.done import do_moves
    from addons.stock.services.moves import new_move

    with stock.unit(None, su=True) as env:
        pid = make_product(env, "Widget")
        location = stock_loc(env)
        location.allow_negative = True
        product = env.get("product.product", pid)
        move = new_move(env, product, D(3), location.id, env.ref("stock.location_customers").id)
        env.session.add(move)
        do_moves(env, [move])
        assert on_hand(env, pid) == D(-3)
        receive(env, pid, 5)
        assert on_hand(env, pid) == D(2)


def test_lots_are_required_for_tracked_products_and_kept_apart(stock: Instance) -> None:
    with stock.unit(None, su=True) as env:
        pid = make_product(env, "Vaccine", tracking="lot")
        Lot = env["stock.lot"]
        lot1, lot2 = Lot(name="L1", product_id=pid), Lot(name="L2", product_id=pid)
        env.session.add_all([lot1, lot2])
        env.session.flush()
        with pytest.raises(ValidationError, match="Lot"):
            receive(env, pid, 5)
    with stock.unit(None, su=True) as env:
        pid = env.session.scalar(
            select(env["product.product"].id).where(env["product.product"].name == "Vaccine")
        )
        receive(env, pid, 5, lot_id=lot1.id)
        receive(env, pid, 3, lot_id=lot2.id)
        Quant = env["stock.quant"]
        rows = dict(
            env.session.execute(
                select(Quant.lot_id, Quant.quantity).where(
                    Quant.product_id == pid, Quant.location_id == stock_loc(env).id
                )
            ).all()
        )
        assert rows == {lot1.id: D(5), lot2.id: D(3)}
        picking = delivery(env, [(pid, 6)])
        validate_picking(env, picking)
        rows = dict(
            env.session.execute(
                select(Quant.lot_id, Quant.quantity).where(
                    Quant.product_id == pid, Quant.location_id == stock_loc(env).id
                )
            ).all()
        )
        assert rows == {lot1.id: D(0), lot2.id: D(2)}  # first in, first out


def test_cancelling_a_transfer_releases_its_reservation(stock: Instance) -> None:
    from addons.stock.services import cancel_picking

    with stock.unit(None, su=True) as env:
        pid = make_product(env, "Widget")
        receive(env, pid, 4)
        picking = delivery(env, [(pid, 4)])
        assert availability(env, [pid])[pid]["available"] == D(0)
        cancel_picking(env, picking)
        assert picking.state == "cancelled"
        assert availability(env, [pid])[pid]["available"] == D(4)
        assert env.session.scalar(select(env["stock.reservation"].id)) is None


def test_scrap_and_inventory_count(stock: Instance) -> None:
    with stock.unit(None, su=True) as env:
        a = make_product(env, "A")
        b = make_product(env, "B")
        receive(env, a, 10)
        scrap(env, a, 2, reason="broken")
        assert on_hand(env, a) == D(8)
        inventory = create_inventory(env, stock_loc(env).id, [(b, 7)])
        start_inventory(env, inventory)
        lines = {ln.product_id: ln for ln in inventory.lines}
        assert lines[a].theoretical_qty == D(8) and lines[b].theoretical_qty == D(0)
        lines[a].counted_qty = D(5)
        moves = validate_inventory(env, inventory)
        assert inventory.state == "done"
        assert len(moves) == 2
        assert on_hand(env, a) == D(5) and on_hand(env, b) == D(7)
        loss = env.ref("stock.location_inventory").id
        assert {(m.product_id, m.location_id == loss) for m in moves} == {(a, False), (b, True)}


def test_average_cost_follows_receipts(stock: Instance) -> None:
    with stock.unit(None, su=True) as env:
        pid = make_product(env, "Bolt", cost_method="average", standard_price=D("0"))
        receive(env, pid, 10, price_unit=D("2.00"))
        receive(env, pid, 5, price_unit=D("3.00"))
        product = env.get("product.product", pid)
        assert product.standard_price == D("2.3333")
        picking = delivery(env, [(pid, 3)])
        validate_picking(env, picking)
        (move,) = picking_moves(env, picking)
        assert move.price_unit == D("2.3333")


def test_moves_done_hook_sees_valued_moves(make_instance, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import importlib
    from pathlib import Path

    fixtures = str(Path(__file__).parent / "fixtures")
    instance = make_instance(["stock_replenish_probe"], addons_path=[fixtures])
    probe = importlib.import_module("stock_replenish_probe.hooks")

    probe.DONE.clear()
    with instance.unit(None, su=True) as env:
        pid = make_product(env, "Nut", standard_price=D("1.5"))
        receive(env, pid, 4, price_unit=D("1.2"))
    assert [(pid, D(4), D("1.2"))] == probe.DONE


def test_stock_user_validates_but_sales_user_only_reads(stock: Instance) -> None:
    clerk = make_user(stock, "clerk", ["stock.group_user"])
    reader = make_user(stock, "reader", ["base.group_user"])
    with stock.unit(None, su=True) as env:
        pid = make_product(env, "Widget")
        receive(env, pid, 5)
        picking_id = delivery(env, [(pid, 5)]).id
    with stock.unit(reader) as env:
        picking = env.get("stock.picking", picking_id)
        assert availability(env, [pid])[pid]["reserved"] == D(5)
        with pytest.raises(AccessDenied):
            validate_picking(env, picking)
    with stock.unit(clerk) as env:
        validate_picking(env, env.get("stock.picking", picking_id))
    with stock.unit(clerk) as env:
        assert on_hand(env, pid) == D(0)


def test_done_moves_are_immutable_and_counts_need_a_manager(stock: Instance) -> None:
    from kernel.errors import ConflictError

    keeper = make_user(stock, "keeper", ["stock.group_user"])
    chief = make_user(stock, "chief", ["stock.group_manager"])
    with stock.unit(None, su=True) as env:
        pid = make_product(env, "Widget")
        move_id = receive(env, pid, 3).id
    with pytest.raises(ConflictError, match="cannot be changed"), stock.unit(None, su=True) as env:
        env.get("stock.move", move_id).product_qty = D(30)
    with stock.unit(keeper) as env:
        receive_id = env.ref("stock.location_stock").id
        inventory = create_inventory(env, receive_id, [(pid, 9)])
        start_inventory(env, inventory)
        with pytest.raises(AccessDenied):
            validate_inventory(env, inventory)
    with stock.unit(chief) as env:
        inventory = create_inventory(env, stock_loc(env).id, [(pid, 9)])
        validate_inventory(env, inventory)
        assert on_hand(env, pid) == D(9)


def test_a_transfer_entered_like_a_form_gets_number_locations_and_units(stock: Instance) -> None:
    with stock.unit(None, su=True) as env:
        pid = make_product(env, "Widget")
        Picking, Move = env["stock.picking"], env["stock.move"]
        receipt = Picking(picking_type="incoming")
        receipt.moves.append(
            Move(product_id=pid, quantity=D(2), uom_id=env.ref("base.uom_dozen").id)
        )
        env.session.add(receipt)
        env.session.flush()
        assert receipt.name.startswith("WH/IN/")
        assert receipt.location_id == env.ref("stock.location_suppliers").id
        assert receipt.location_dest_id == stock_loc(env).id
        (move,) = receipt.moves
        assert (move.location_id, move.reference, move.product_qty) == (
            receipt.location_id,
            receipt.name,
            D(24),
        )
        move.quantity = D(3)  # edited before confirming: the product quantity follows
        validate_picking(env, receipt)
        assert on_hand(env, pid) == D(36)


def test_instance_setting_allows_negative_stock_everywhere(stock: Instance) -> None:
    with stock.unit(None, su=True) as env:
        env.session.add(env["ir.setting"](key="stock_allow_negative", value=True))
    with stock.unit(None, su=True) as env:
        pid = make_product(env, "Widget")
        picking = delivery(env, [(pid, 2)])
        assert picking.state == "waiting"
        validate_picking(env, picking)
        assert on_hand(env, pid) == D(-2)


def test_a_warehouse_clerk_receipt_updates_the_average_cost(stock: Instance) -> None:
    from addons.stock.services import create_picking

    clerk = make_user(stock, "clerk", ["stock.group_user"])
    with stock.unit(None, su=True) as env:
        pid = make_product(env, "Bolt", cost_method="average", standard_price=D("4"))
        receive(env, pid, 2, price_unit=D("4"))
    with stock.unit(clerk) as env:
        receipt = create_picking(
            env,
            "incoming",
            env.ref("stock.location_suppliers").id,
            stock_loc(env).id,
            [{"product_id": pid, "quantity": D(2), "price_unit": D("6")}],
        )
        validate_picking(env, receipt)
    with stock.unit(None, su=True) as env:
        assert env.get("product.product", pid).standard_price == D("5")

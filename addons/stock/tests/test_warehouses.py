"""Warehouses and their locations, units, priorities."""

from __future__ import annotations

from decimal import Decimal

import pytest

from addons.stock.services import availability, receive
from addons.stock.services.locations import create_warehouse, warehouse_location
from addons.stock.services.pickings import picking_moves
from addons.stock.tests.conftest import delivery, make_product
from kernel.errors import ValidationError
from kernel.instance import Instance

D = Decimal


def test_new_warehouse_gets_its_location_tree_and_separate_stock(stock: Instance) -> None:
    with stock.unit(None, su=True) as env:
        company = env.ref("base.main_company").id
        north = create_warehouse(env, "北方仓", "nth", company)
        assert north.code == "NTH"
        roles = {
            role: warehouse_location(env, north.id, role).full_name
            for role in ("view", "stock", "input", "output", "scrap")
        }
        assert roles == {
            "view": "NTH",
            "stock": "NTH/Stock",
            "input": "NTH/Input",
            "output": "NTH/Output",
            "scrap": "NTH/Scrap",
        }
        with pytest.raises(ValidationError, match="already used"):
            create_warehouse(env, "Again", "NTH", company)
        pid = make_product(env, "Widget")
        receive(env, pid, 4, location=warehouse_location(env, north.id, "stock"))
        receive(env, pid, 1)
        main = env.ref("stock.warehouse_main").id
        assert availability(env, [pid], north.id)[pid]["on_hand"] == D(4)
        assert availability(env, [pid], main)[pid]["on_hand"] == D(1)
        assert availability(env, [pid])[pid]["on_hand"] == D(5)


def test_moves_in_another_unit_are_converted_to_the_product_unit(stock: Instance) -> None:
    from addons.stock.services import create_picking

    with stock.unit(None, su=True) as env:
        pid = make_product(env, "Egg")
        receipt = create_picking(
            env,
            "incoming",
            env.ref("stock.location_suppliers").id,
            env.ref("stock.location_stock").id,
            [{"product_id": pid, "quantity": D(2), "uom": env.ref("base.uom_dozen")}],
        )
        from addons.stock.services import validate_picking

        validate_picking(env, receipt)
        (move,) = picking_moves(env, receipt)
        assert (move.quantity, move.product_qty) == (D(2), D(24))
        assert availability(env, [pid])[pid]["on_hand"] == D(24)


def test_urgent_demand_is_served_before_older_normal_demand(stock: Instance) -> None:
    with stock.unit(None, su=True) as env:
        pid = make_product(env, "Widget")
        normal = delivery(env, [(pid, 2)])
        urgent = delivery(env, [(pid, 2)], priority="1")
        receive(env, pid, 2)
        assert (normal.state, urgent.state) == ("waiting", "ready")


def test_serial_numbers_move_one_unit_each(stock: Instance) -> None:
    with stock.unit(None, su=True) as env:
        pid = make_product(env, "Laptop", tracking="serial")
        lot = env["stock.lot"](name="SN-001", product_id=pid)
        env.session.add(lot)
        env.session.flush()
        with pytest.raises(ValidationError, match="one unit per serial"):
            receive(env, pid, 2, lot_id=lot.id)
        receive(env, pid, 1, lot_id=lot.id)
        assert availability(env, [pid])[pid]["on_hand"] == D(1)


def test_locations_made_on_the_form_are_named_by_their_place_in_the_tree(stock: Instance) -> None:
    """A shelf under WH/Stock reads ``WH/Stock/A-01``; renaming Stock renames what is below."""
    with stock.unit(None, su=True) as env:
        Location = env["stock.location"]
        stock_location = env.ref("stock.location_stock")
        shelves = [Location(name=f"A-0{i}", parent_id=stock_location.id) for i in (1, 2)]
        env.session.add_all(shelves)
        env.session.flush()
        assert [s.full_name for s in shelves] == ["WH/Stock/A-01", "WH/Stock/A-02"]
        # several children: the parent is still one location (no SAWarning, no list)
        assert [s.parent.full_name for s in shelves] == ["WH/Stock", "WH/Stock"]
        stock_location.name = "Main stock"
        env.session.flush()
        env.session.expire_all()
        assert {s.full_name for s in shelves} == {"WH/Main stock/A-01", "WH/Main stock/A-02"}
        assert env.ref("stock.location_input").full_name == "WH/Input"
        shelf_id = shelves[0].id
    with (
        pytest.raises(ValidationError, match="inside itself"),
        stock.unit(None, su=True) as env,
    ):
        env.ref("stock.location_stock").parent_id = shelf_id

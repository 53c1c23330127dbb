"""Production orders through stock: reserve, consume, produce, refuse, cancel."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from addons.mrp.services.production import create_production
from addons.mrp.tests.conftest import D, bom, on_hand, product, quants_match_moves, stock_in
from kernel import workflow
from kernel.errors import AccessDenied, ConflictError, ValidationError
from kernel.testing import make_user


def _workshop(instance: Any) -> dict[str, int]:
    """A table made of 4 legs (75 cm of board each, 10 % offcut) and 8 screws."""
    with instance.unit(None, su=True) as env:
        board = product(env, "Board", uom="uom_m", cost="40")
        screw = product(env, "Screw", cost="0.5")
        table = product(env, "Table", route="make", cost_method="average")
        bom(env, table, [(board, "300", "uom_cm", "10"), (screw, "8")])
        return {"board": board, "screw": screw, "table": table}


def test_a_production_order_reserves_consumes_and_produces(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    ids = _workshop(instance)
    worker = make_user(instance, "worker", ["mrp.group_user"])
    with instance.unit(None, su=True) as env:
        stock_in(env, {ids["board"]: 10, ids["screw"]: 100})
    with instance.unit(worker) as env:
        mo = create_production(env, ids["table"], D(2))
        assert (mo.state, mo.bom_id is not None, mo.name.startswith("MO")) == ("draft", True, True)
        workflow.fire(env, mo, "confirm")
        lines = {c.product_id: (c.quantity, c.reserved_qty) for c in mo.components}
        # 2 × 3 m × 1.1 = 6.6 m of board, 16 screws, all reserved
        assert lines == {ids["board"]: (D("6.6"), D("6.6")), ids["screw"]: (D(16), D(16))}
        assert mo.component_status == "available"
        workflow.fire(env, mo, "start")
        workflow.fire(env, mo, "produce")
        mo_id = mo.id
    with instance.unit(None, su=True) as env:
        mo = env.get("mrp.production", mo_id)
        assert mo.state == "done" and mo.date_done is not None
        assert on_hand(env, ids["board"]) == D("3.4")
        assert on_hand(env, ids["screw"]) == D(84)
        assert on_hand(env, ids["table"]) == D(2)
        # 6.6 m × 40 + 16 × 0.5 = 272 for two tables: 136 each, the table's new average cost
        assert (mo.material_cost, mo.unit_cost) == (D(272), D(136))
        assert env.get("product.product", ids["table"]).standard_price == D(136)
        assert [c.consumed_qty for c in mo.components] == [D("6.6"), D(16)]
        History = env["workflow.history"]
        history = env.session.scalars(
            select(History.transition)
            .where(History.model == "mrp.production", History.res_id == mo_id)
            .order_by(History.id)
        ).all()
        assert history == ["confirm", "start", "produce"]
        quants_match_moves(env)


def test_a_short_component_refuses_the_whole_step_and_nothing_moves(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    ids = _workshop(instance)
    with instance.unit(None, su=True) as env:
        stock_in(env, {ids["board"]: 5, ids["screw"]: 100})
        mo = create_production(env, ids["table"], D(2))
        workflow.fire(env, mo, "confirm")
        assert mo.component_status == "partial"
        mo_id = mo.id
    with (
        pytest.raises(ValidationError, match="not enough Board"),
        instance.unit(None, su=True) as env,
    ):
        workflow.fire(env, env.get("mrp.production", mo_id), "produce")
    with instance.unit(None, su=True) as env:
        mo = env.get("mrp.production", mo_id)
        assert mo.state == "confirmed"
        assert (on_hand(env, ids["board"]), on_hand(env, ids["screw"])) == (D(5), D(100))
        assert on_hand(env, ids["table"]) == 0
        assert {c.product_id: c.reserved_qty for c in mo.components} == {
            ids["board"]: D(5),
            ids["screw"]: D(16),
        }
        quants_match_moves(env)


def test_negative_stock_when_configured(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    ids = _workshop(instance)
    with instance.unit(None, su=True) as env:
        env.session.add(env["ir.setting"](key="stock_allow_negative", value=True))
    with instance.unit(None, su=True) as env:
        stock_in(env, {ids["screw"]: 100})
        mo = create_production(env, ids["table"], D(1))
        workflow.fire(env, mo, "confirm")
        workflow.fire(env, mo, "produce")
        assert on_hand(env, ids["board"]) == D("-3.3")
        assert on_hand(env, ids["table"]) == D(1)


def test_cancelling_releases_the_reserved_components(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    ids = _workshop(instance)
    with instance.unit(None, su=True) as env:
        stock_in(env, {ids["board"]: 10, ids["screw"]: 100})
        mo = create_production(env, ids["table"], D(1))
        workflow.fire(env, mo, "confirm")
        from addons.stock.services import availability

        assert availability(env, [ids["board"]])[ids["board"]]["reserved"] == D("3.3")
        with pytest.raises(ValidationError):
            workflow.fire(env, mo, "cancel")  # a reason is required
        workflow.fire(env, mo, "cancel", reason="customer changed the design")
        figures = availability(env, [ids["board"], ids["table"]])
        assert figures[ids["board"]]["reserved"] == 0
        assert figures[ids["table"]]["incoming"] == 0
        assert mo.component_status == "none" and mo.cancel_reason


def test_confirmed_orders_keep_their_product_and_quantity(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    ids = _workshop(instance)
    with instance.unit(None, su=True) as env:
        mo = create_production(env, ids["table"], D(1))
        workflow.fire(env, mo, "confirm")
        mo_id = mo.id
    with (
        pytest.raises(ConflictError, match="no longer a draft"),
        instance.unit(None, su=True) as env,
    ):
        env.get("mrp.production", mo_id).quantity = D(5)
        env.session.flush()


def test_a_product_without_a_bill_cannot_be_confirmed(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    with instance.unit(None, su=True) as env:
        lamp = product(env, "Lamp")
        mo = create_production(env, lamp, D(1))
        with pytest.raises(ValidationError, match="no bill of materials"):
            workflow.fire(env, mo, "confirm")


def test_only_production_users_run_orders(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    ids = _workshop(instance)
    clerk = make_user(instance, "clerk", ["stock.group_user"])
    with pytest.raises(AccessDenied), instance.unit(clerk) as env:
        create_production(env, ids["table"], D(1))
    with instance.unit(clerk) as env:  # bills are readable by every employee
        assert env.session.scalars(select(env["mrp.bom"])).all()


def test_two_orders_are_served_first_come_first_served(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    ids = _workshop(instance)
    with instance.unit(None, su=True) as env:
        stock_in(env, {ids["board"]: 5, ids["screw"]: 100})
        first = create_production(env, ids["table"], D(1))
        second = create_production(env, ids["table"], D(1))
        workflow.fire(env, first, "confirm")
        workflow.fire(env, second, "confirm")
        assert (first.component_status, second.component_status) == ("available", "partial")
        # more board arrives: the second order's reservation is completed
        stock_in(env, {ids["board"]: 5})
        env.session.refresh(second)
        assert second.component_status == "available"
        Quant = env["stock.quant"]
        reserved = env.session.scalar(
            select(Quant.reserved_quantity).where(
                Quant.product_id == ids["board"],
                Quant.location_id == env.ref("stock.location_stock").id,
            )
        )
        assert reserved == D("6.6")


def test_a_service_cannot_be_manufactured(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    with instance.unit(None, su=True) as env:
        board = product(env, "Board")
        fitting = product(env, "Fitting service")
        env.get("product.product", fitting).type = "service"
        bom(env, fitting, [(board, "1")])
        mo = create_production(env, fitting, D(1))
        with pytest.raises(ValidationError, match="is a service"):
            workflow.fire(env, mo, "confirm")


def test_scrap_during_production_leaves_stock_and_is_costed_on_the_order(
    make_instance: Any,
) -> None:
    from addons.mrp.services.scrap import scrap

    instance = make_instance(["mrp"])
    ids = _workshop(instance)
    with instance.unit(None, su=True) as env:
        stock_in(env, {ids["board"]: 10, ids["screw"]: 100})
        mo = create_production(env, ids["table"], D(1))
        workflow.fire(env, mo, "confirm")
        workflow.fire(env, mo, "start")
        scrap(env, mo, ids["board"], D("1.5"), "split")
        with pytest.raises(ValidationError) as foreign:
            scrap(env, mo, product(env, "Unrelated"), D(1))
        assert foreign.value.fields.keys() == {"product_id"}
        workflow.fire(env, mo, "produce")
        # 3.3 m used, 1.5 m spoilt at 40 each
        assert on_hand(env, ids["board"]) == D("5.2")
        assert mo.scrap_cost == D(60)
        (board_line,) = [c for c in mo.components if c.product_id == ids["board"]]
        assert (board_line.consumed_qty, board_line.scrapped_qty) == (D("3.3"), D("1.5"))
        scrap(env, mo, ids["table"], D(1), "failed inspection")  # the finished table failed
        assert on_hand(env, ids["table"]) == 0
        quants_match_moves(env)


def test_producing_part_leaves_a_backorder_with_the_rest_reserved(make_instance: Any) -> None:
    from addons.mrp.services.production import produce_part
    from addons.stock.services import availability

    instance = make_instance(["mrp"])
    ids = _workshop(instance)
    with instance.unit(None, su=True) as env:
        stock_in(env, {ids["board"]: 20, ids["screw"]: 100})
        mo = create_production(env, ids["table"], D(5))
        workflow.fire(env, mo, "confirm")
        backorder = produce_part(env, mo, D(2))
        assert (mo.state, mo.qty_produced) == ("done", D(2))
        assert (backorder.state, backorder.quantity, backorder.backorder_of_id) == (
            "confirmed",
            D(3),
            mo.id,
        )
        assert backorder.component_status == "available"
        # 2 tables made from 6.6 m and 16 screws; 9.9 m and 24 screws stay promised
        assert on_hand(env, ids["table"]) == D(2)
        assert on_hand(env, ids["board"]) == D("13.4")
        figures = availability(env, [ids["board"], ids["screw"], ids["table"]])
        assert figures[ids["board"]]["reserved"] == D("9.9")
        assert figures[ids["screw"]]["reserved"] == D(24)
        assert figures[ids["table"]]["incoming"] == D(3)
        assert {c.product_id: c.quantity for c in backorder.components} == {
            ids["board"]: D("9.9"),
            ids["screw"]: D(24),
        }
        assert [c.consumed_qty for c in mo.components] == [D("6.6"), D(16)]
        workflow.fire(env, backorder, "produce")
        assert on_hand(env, ids["table"]) == D(5)
        assert on_hand(env, ids["board"]) == D("3.5")
        quants_match_moves(env)


def test_by_products_come_into_stock_carrying_their_cost_share(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    with instance.unit(None, su=True) as env:
        log = product(env, "Oak log", uom="uom_m", cost="50")
        plank = product(env, "Plank", cost_method="average")
        sawdust = product(env, "Sawdust", uom="uom_kg", cost_method="average")
        b = bom(env, plank, [(log, "2")], quantity="4")
        b.byproducts.append(
            env["mrp.bom.byproduct"](
                product_id=sawdust,
                quantity=D(500),
                uom_id=env.ref("base.uom_g").id,
                cost_share=D(10),
            )
        )
        env.session.flush()
        stock_in(env, {log: 10})
        mo = create_production(env, plank, D(8))
        workflow.fire(env, mo, "confirm")
        from addons.stock.services import availability

        assert availability(env, [sawdust])[sawdust]["incoming"] == D(1)  # 2 × 500 g
        workflow.fire(env, mo, "produce")
        # 4 m of log at 50 = 200: sawdust carries 10 % (20 for 1 kg), planks 180 (22.5 each)
        assert (on_hand(env, plank), on_hand(env, sawdust), on_hand(env, log)) == (D(8), D(1), D(6))
        assert mo.unit_cost == D("22.5")
        assert env.get("product.product", sawdust).standard_price == D(20)
        quants_match_moves(env)
    with pytest.raises(ValidationError) as itself, instance.unit(None, su=True) as env:
        bad = env.get("mrp.bom", b.id)
        bad.byproducts.append(env["mrp.bom.byproduct"](product_id=plank, quantity=D(1)))
        env.session.flush()
    assert "product_id" in next(iter(itself.value.fields))

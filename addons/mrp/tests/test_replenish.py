"""The make route: reorder rules and component shortages raise production orders."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from addons.mrp.services.production import create_production
from addons.mrp.tests.conftest import D, bom, product, stock_in
from addons.stock.services import run_reorder_rules
from kernel import workflow


def _rule(env: Any, product_id: int, minimum: str, maximum: str) -> None:
    env.session.add(
        env["stock.reorder.rule"](
            product_id=product_id,
            warehouse_id=env.ref("stock.warehouse_main").id,
            minimum=D(minimum),
            maximum=D(maximum),
            multiple=D(1),
        )
    )
    env.session.flush()


def test_a_reorder_rule_on_a_make_product_raises_a_confirmed_production_order(
    make_instance: Any,
) -> None:
    instance = make_instance(["mrp", "purchase"])
    with instance.unit(None, su=True) as env:
        cloth = product(env, "Cloth", uom="uom_m")
        shirt = product(env, "Shirt", route="make")
        socks = product(env, "Socks")  # bought
        bom(env, shirt, [(cloth, "1.5")])
        stock_in(env, {cloth: 100})
        _rule(env, shirt, "10", "30")
        _rule(env, socks, "5", "20")
        raised = {r.product_id: r.reference for r in run_reorder_rules(env)}
        Production = env["mrp.production"]
        (mo,) = env.session.scalars(select(Production)).all()
        assert raised[shirt] == mo.name and raised[socks].startswith("PR")
        assert (mo.product_id, mo.quantity, mo.state) == (shirt, D(30), "confirmed")
        assert (mo.origin_model, mo.component_status) == ("stock.reorder.rule", "available")
        # the order's finished goods count as incoming: running the rules again raises nothing
        Requisition = env["purchase.requisition"]
        assert env.session.scalars(select(Requisition.product_id)).all() == [socks]
        assert all(r.product_id != shirt for r in run_reorder_rules(env))
        assert len(env.session.scalars(select(Production)).all()) == 1


def test_short_components_become_requisitions_and_sub_assemblies_production_orders(
    make_instance: Any,
) -> None:
    instance = make_instance(["mrp", "purchase"])
    with instance.unit(None, su=True) as env:
        board = product(env, "Board", uom="uom_m")
        screw = product(env, "Screw")
        leg = product(env, "Leg", route="make")
        table = product(env, "Table", route="make")
        bom(env, leg, [(board, "0.8")])
        bom(env, table, [(leg, "4"), (screw, "8")])
        stock_in(env, {board: 2, leg: 1})
        mo = create_production(env, table, D(1), origin="SO-TEST")
        workflow.fire(env, mo, "confirm")
        Production = env["mrp.production"]
        Requisition = env["purchase.requisition"]
        child = env.session.scalar(select(Production).where(Production.origin_id == mo.id))
        # 3 legs short → a production order for them (2.4 m of board: 2 on hand, 0.4 short);
        # the screws are bought
        assert (child.product_id, child.quantity, child.origin) == (leg, D(3), mo.name)
        wanted = {
            r.product_id: (r.quantity, r.origin) for r in env.session.scalars(select(Requisition))
        }
        assert wanted == {screw: (D(8), mo.name), board: (D("0.4"), child.name)}


def test_without_a_bill_the_make_route_leaves_it_to_purchase(make_instance: Any) -> None:
    instance = make_instance(["mrp", "purchase"])
    with instance.unit(None, su=True) as env:
        lamp = product(env, "Lamp", route="make")
        _rule(env, lamp, "2", "4")
        (raised,) = run_reorder_rules(env)
        assert raised.reference.startswith("PR")

"""Bills of materials: units, scrap, levels, kits, cycles, and one query per level."""

from __future__ import annotations

from typing import Any

import pytest

from addons.mrp.services.boms import explode, leaves, merged, structure_cost
from addons.mrp.tests.conftest import D, bom, product
from kernel.errors import ValidationError
from kernel.testing import StatementCounter


def test_components_in_other_units_are_converted_and_scrap_rounds_up(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    with instance.unit(None, su=True) as env:
        board = product(env, "Oak board", uom="uom_m")
        glue = product(env, "Glue", uom="uom_kg")
        screw = product(env, "Screw")
        leg = product(env, "Leg")
        # 75 cm of board per leg (5 % offcut), 20 g of glue, 3 screws (10 % dropped)
        b = bom(
            env,
            leg,
            [(board, "75", "uom_cm", "5"), (glue, "20", "uom_g"), (screw, "3", "uom_unit", "10")],
        )
        need = {p.id: q for p, q in merged(env, explode(env, b, D(4)))}
    # 4 × 0.75 m × 1.05 = 3.15 m; 4 × 20 g = 0.08 kg; 4 × 3 × 1.1 = 13.2 → 14 screws (whole units)
    assert need == {board: D("3.15"), glue: D("0.08"), screw: D(14)}


def test_a_bill_made_for_a_dozen_scales_to_the_quantity_asked(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    with instance.unit(None, su=True) as env:
        cotton = product(env, "Cotton", uom="uom_kg")
        shirt = product(env, "Shirt")
        b = bom(env, shirt, [(cotton, "2.4")], quantity="12")
        b.uom_id = env.ref("base.uom_dozen").id
        env.session.flush()
        # the bill makes 12 dozen from 2.4 kg: 30 shirts (2.5 dozen) need 0.5 kg
        (need,) = merged(env, explode(env, b, D(30)))
    assert need[1] == D("0.5")


def test_multi_level_kits_are_exploded_and_sub_assemblies_kept(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    with instance.unit(None, su=True) as env:
        board = product(env, "Board", uom="uom_m")
        screw = product(env, "Screw")
        leg = product(env, "Leg", route="make")
        fixings = product(env, "Fixing kit")
        table = product(env, "Table", route="make")
        bom(env, leg, [(board, "0.5")])
        bom(env, fixings, [(screw, "8")], kind="phantom")
        b = bom(env, table, [(leg, "4"), (fixings, "2"), (board, "1.2")])
        made = {p.id: q for p, q in merged(env, explode(env, b, D(2)))}
        full = leaves(explode(env, b, D(2), expand="all"))
        env.session.get(env["product.product"], board).standard_price = D("40")
        env.session.get(env["product.product"], screw).standard_price = D("0.25")
        cost = structure_cost(env, b)
    # the kit's screws replace it, the leg (a normal bill) is consumed as a part
    assert made == {leg: D(8), screw: D(32), board: D("2.4")}
    # the full structure goes down to the board of the legs
    assert sorted((r.product.id, r.level, r.quantity) for r in full) == sorted(
        [(board, 2, D("4.0")), (screw, 2, D(32)), (board, 1, D("2.4"))]
    )
    # one table: 4 × 0.5 m + 1.2 m board at 40 = 128, 16 screws at 0.25 = 4
    assert cost == D("132.0000")


def test_a_product_inside_its_own_bill_is_refused(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    with instance.unit(None, su=True) as env:
        a, b = product(env, "A"), product(env, "B")
    with pytest.raises(ValidationError) as direct, instance.unit(None, su=True) as env:
        bom(env, a, [(a, "1")])
    assert direct.value.fields.keys() == {"lines.0.product_id"}
    with instance.unit(None, su=True) as env:
        bom(env, a, [(b, "1")])
        loop = bom(env, b, [(a, "2")])
        with pytest.raises(ValidationError, match="part of its own bill"):
            explode(env, loop, D(1), expand="all")


def test_zero_quantities_and_foreign_units_are_refused(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    with instance.unit(None, su=True) as env:
        cloth = product(env, "Cloth", uom="uom_m")
        shirt = product(env, "Shirt")
    with pytest.raises(ValidationError) as zero, instance.unit(None, su=True) as env:
        bom(env, shirt, [(cloth, "0")])
    assert zero.value.fields.keys() == {"lines.0.quantity"}
    with pytest.raises(ValidationError) as kind, instance.unit(None, su=True) as env:
        bom(env, shirt, [(cloth, "2", "uom_kg")])
    assert kind.value.fields.keys() == {"lines.0.uom_id"}
    with instance.unit(None, su=True) as env:
        assert env.session.query(env["mrp.bom"]).count() == 0  # nothing half-made was kept


def _tree(env: Any, width: int) -> Any:
    """A three-level bill: ``width`` sub-assemblies (kits) of ``width`` kits of 2 parts each."""
    Product = env["product.product"]
    unit = env.ref("base.uom_unit").id
    parts = [
        Product(name=f"part {width}-{i}", uom_id=unit, type="stockable")
        for i in range(2 * width * width)
    ]
    middles = [
        Product(name=f"kit {width}-{i}", uom_id=unit, type="stockable")
        for i in range(width * width)
    ]
    tops = [
        Product(name=f"assembly {width}-{i}", uom_id=unit, type="stockable") for i in range(width)
    ]
    final = Product(name=f"machine {width}", uom_id=unit, type="stockable")
    env.session.add_all([*parts, *middles, *tops, final])
    env.session.flush()
    for i, middle in enumerate(middles):
        bom(env, middle.id, [(parts[2 * i].id, "1"), (parts[2 * i + 1].id, "2")], kind="phantom")
    for i, top in enumerate(tops):
        bom(
            env, top.id, [(m.id, "1") for m in middles[i * width : (i + 1) * width]], kind="phantom"
        )
    root = bom(env, final.id, [(t.id, "1") for t in tops])
    env.session.expunge_all()
    return root.id, len(parts)


@pytest.mark.parametrize("width", [2, 10])
def test_explosion_costs_one_query_per_level(make_instance: Any, width: int) -> None:
    instance = make_instance(["mrp"])
    with instance.unit(None, su=True) as env:
        root_id, n_parts = _tree(env, width)
    with instance.unit(None, su=True) as env:
        root = env.session.get(env["mrp.bom"], root_id)
        env.browse("product.product", [root.product_id])
        with StatementCounter(instance.engine) as counter:
            found = merged(env, explode(env, root, D(1)))
    assert len(found) == n_parts  # 8 or 200 parts
    # levels 1–3 and the empty fourth, plus the units once — whatever the width
    assert counter.count == 5, counter.statements


def test_a_new_version_takes_over_on_its_start_date(make_instance: Any) -> None:
    import datetime as dt

    from addons.mrp.services.production import create_production

    today = dt.date.today()
    instance = make_instance(["mrp"])
    with instance.unit(None, su=True) as env:
        board = product(env, "Board")
        shelf = product(env, "Shelf")
        old = bom(env, shelf, [(board, "2")], code="V1")
        old.date_end = today - dt.timedelta(days=1)
        new = bom(env, shelf, [(board, "3")], code="V2")
        new.date_start = today
        env.session.flush()
        assert create_production(env, shelf, D(1)).bom_id == new.id
        planned = create_production(env, shelf, D(1), date_planned=today - dt.timedelta(days=3))
        assert planned.bom_id == old.id
        old_id = old.id
    with pytest.raises(ValidationError) as wrong, instance.unit(None, su=True) as env:
        env.get("mrp.bom", old_id).date_start = today
        env.session.flush()
    assert wrong.value.fields.keys() == {"date_end"}

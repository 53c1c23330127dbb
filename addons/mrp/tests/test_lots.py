"""Tracked finished goods: lots and serial numbers given or numbered, components' lots
recorded, and the genealogy traced up and down across levels, one query per level."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import select

from addons.mrp.services.lots import genealogy_json, set_finished_lots, trace
from addons.mrp.services.production import create_production
from addons.mrp.tests.conftest import D, bom, product, quants_match_moves
from addons.stock.services import receive
from kernel import workflow
from kernel.apikeys import create_api_key
from kernel.errors import ValidationError
from kernel.testing import StatementCounter, make_user
from kernel.web.app import create_app


def _lot(env: Any, product_id: int, name: str, qty: str) -> int:
    lot = env["stock.lot"](product_id=product_id, name=name)
    env.session.add(lot)
    env.session.flush()
    receive(env, product_id, D(qty), price_unit=D(10), lot_id=lot.id)
    return int(lot.id)


def _lots_of(env: Any, production: Any) -> dict[str, Decimal]:
    Move = env["stock.move"]
    Lot = env["stock.lot"]
    rows = env.session.execute(
        select(Lot.name, Move.product_qty)
        .join(Lot, Lot.id == Move.lot_id)
        .where(
            Move.origin_model == "mrp.production",
            Move.origin_id == production.id,
            Move.product_id == production.product_id,
            Move.state == "done",
        )
    ).all()
    return {name: Decimal(qty) for name, qty in rows}


def _make(env: Any, product_id: int, qty: str, lots: str = "") -> Any:
    mo = create_production(env, product_id, D(qty))
    workflow.fire(env, mo, "confirm")
    if lots:
        set_finished_lots(env, mo, lots)
    workflow.fire(env, mo, "produce")
    return mo


def _two_levels(env: Any) -> dict[str, Any]:
    """Wood (lots W1, W2) → leg (lot-tracked) → chair (serial-tracked)."""
    wood = product(env, "Wood", uom="uom_m", tracking="lot")
    leg = product(env, "Leg", route="make", tracking="lot")
    chair = product(env, "Chair", route="make", tracking="serial")
    bom(env, leg, [(wood, "0.5")])
    bom(env, chair, [(leg, "4")])
    w1 = _lot(env, wood, "W1", "3")
    w2 = _lot(env, wood, "W2", "3")
    legs = _make(env, leg, "8", "LEG-A")  # 4 m of wood: 3 of W1 (oldest), 1 of W2
    chairs = _make(env, chair, "2", "CH-1, CH-2")
    return {
        "wood": wood,
        "leg": leg,
        "chair": chair,
        "w1": w1,
        "w2": w2,
        "legs": legs,
        "chairs": chairs,
    }


def test_genealogy_up_and_down_across_two_levels(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    with instance.unit(None, su=True) as env:
        t = _two_levels(env)
        assert _lots_of(env, t["legs"]) == {"LEG-A": D(8)}
        assert _lots_of(env, t["chairs"]) == {"CH-1": D(1), "CH-2": D(1)}
        assert t["chairs"].finished_lots == "CH-1, CH-2"
        Lot = env["stock.lot"]
        ch1 = env.session.scalar(select(Lot.id).where(Lot.name == "CH-1"))
        leg_a = env.session.scalar(select(Lot.id).where(Lot.name == "LEG-A"))
        up = trace(env, ch1, "up")
        # CH-1 is half of the chairs: 4 of the 8 legs of LEG-A; LEG-A took 3 m of W1, 1 m of W2
        assert [[(i["lot"], i["quantity"]) for i in level] for level in up] == [
            [("LEG-A", D(4))],
            [("W1", D(3)), ("W2", D(1))],
        ]
        down = trace(env, t["w2"], "down")
        assert [[i["lot"] for i in level] for level in down] == [["LEG-A"], ["CH-1", "CH-2"]]
        assert [[i["quantity"] for i in level] for level in down][1] == [D(4), D(4)]
        data = genealogy_json(env, leg_a)
        assert [i["lot"] for i in data["made_from"][0]] == ["W1", "W2"]
        assert [i["lot"] for i in data["used_in"][0]] == ["CH-1", "CH-2"]
        assert data["made_from"][0][0]["quantity"] == "3.0000"
        quants_match_moves(env)


def test_lots_are_numbered_when_none_are_given_and_serials_checked(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    with instance.unit(None, su=True) as env:
        wood = product(env, "Wood", uom="uom_m")
        chair = product(env, "Chair", route="make", tracking="serial")
        bom(env, chair, [(wood, "1")])
        receive(env, wood, D(10), price_unit=D(10))
        mo = create_production(env, chair, D(3))
        workflow.fire(env, mo, "confirm")
        with pytest.raises(ValidationError) as short:
            set_finished_lots(env, mo, "S1, S2")
        assert "finished_lots" in short.value.fields
        with pytest.raises(ValidationError) as twice:
            set_finished_lots(env, mo, "S1 S1 S2")
        assert "finished_lots" in twice.value.fields
        workflow.fire(env, mo, "produce")
        lots = _lots_of(env, mo)
        assert len(lots) == 3 and set(lots.values()) == {D(1)}
        assert all(name.startswith("LOT") for name in lots)
        quants_match_moves(env)


def test_tracing_fifty_ancestors_costs_what_two_do(make_instance: Any) -> None:
    instance = make_instance(["mrp"])

    def build(env: Any, width: int, tag: str) -> int:
        wood = product(env, f"Wood {tag}", uom="uom_m", tracking="lot")
        leg = product(env, f"Leg {tag}", route="make", tracking="lot")
        bom(env, leg, [(wood, str(width))])
        for i in range(width):
            _lot(env, wood, f"{tag}-{i}", "1")
        _make(env, leg, "1", f"LEG-{tag}")
        Lot = env["stock.lot"]
        return int(env.session.scalar(select(Lot.id).where(Lot.name == f"LEG-{tag}")))

    with instance.unit(None, su=True) as env:
        small, large = build(env, 2, "S"), build(env, 50, "L")
    counts = []
    for lot_id, width in ((small, 2), (large, 50), (small, 2)):
        with instance.unit(None, su=True) as env:
            with StatementCounter(instance.engine) as counter:
                levels = trace(env, lot_id, "up")
            assert len(levels[0]) == width
            counts.append(counter.count)
    print(f"\nstatements tracing 2 ancestors: {counts[2]}, 50 ancestors: {counts[1]}")
    assert counts[1] == counts[2] <= 3, counts


def test_lot_genealogy_over_the_api_and_on_the_lot_form(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    clerk = make_user(instance, "clerk", ["stock.group_user"], lang="zh_CN")
    with instance.unit(None, su=True) as env:
        t = _two_levels(env)
        Lot = env["stock.lot"]
        leg_a = env.session.scalar(select(Lot.id).where(Lot.name == "LEG-A"))
        key = create_api_key(env, clerk, "tests")
    client = TestClient(create_app(instance), base_url="http://suanpan.localhost")
    client.headers["Authorization"] = f"Bearer {key}"
    with client:
        answer = client.get(f"/api/v1/mrp/lots/{leg_a}/genealogy")
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert [i["lot"] for i in body["made_from"][0]] == ["W1", "W2"]
        assert [i["lot"] for i in body["used_in"][0]] == ["CH-1", "CH-2"]
        missing = client.get("/api/v1/mrp/lots/999999/genealogy")
        assert missing.status_code == 404
        assert missing.headers["content-type"].startswith("application/problem+json")
    # the lot's form shows what it was made from and what it went into, in Chinese
    browser = TestClient(create_app(instance), base_url="http://suanpan.localhost")
    with browser:
        browser.get("/login")
        browser.post(
            "/login",
            data={
                "login": "clerk",
                "password": "pw",
                "_csrf_token": browser.cookies.get("csrftoken"),
            },
        )
        page = browser.get(f"/app/lots/{leg_a}")
        assert page.status_code == 200
        panel = page.text.split("sp-mrp-genealogy", 1)[1]
        assert "由以下批次制成" in panel and "用于以下批次" in panel
        assert panel.index("W1") < panel.index("W2") < panel.index("CH-1") < panel.index("CH-2")
        assert t["legs"].name in panel


def test_reworked_units_trace_to_the_lots_their_first_order_consumed(make_instance: Any) -> None:
    from addons.mrp.services.quality import record_check

    instance = make_instance(["mrp"])
    with instance.unit(None, su=True) as env:
        wood = product(env, "Wood", uom="uom_m", tracking="lot")
        leg = product(env, "Leg", route="make", tracking="lot")
        bill = bom(env, leg, [(wood, "0.5")])
        bill.quality_points = [env["mrp.quality.point"](name="Straight")]
        _lot(env, wood, "W1", "3")
        _lot(env, wood, "W2", "3")
        mo = create_production(env, leg, D(8))
        for step in ("confirm", "start", "inspect"):
            workflow.fire(env, mo, step)
        set_finished_lots(env, mo, "LEG-A")
        record_check(env, mo, D(8), D(6), D(2), "rework")
        workflow.fire(env, mo, "produce")
        # 4 m of wood (3 of W1, 1 of W2) for 8 legs: the 6 good ones took 3/4 of it
        assert _lots_of(env, mo) == {"LEG-A": D(6)}
        (rework,) = env.session.scalars(
            select(env["mrp.production"]).where(env["mrp.production"].rework_of_id == mo.id)
        ).all()
        set_finished_lots(env, rework, "LEG-R")
        for step in ("start", "inspect"):
            workflow.fire(env, rework, step)
        record_check(env, rework, D(2), D(2))
        workflow.fire(env, rework, "produce")
        Lot = env["stock.lot"]
        ids = dict(env.session.execute(select(Lot.name, Lot.id)).all())
        first = trace(env, ids["LEG-A"], "up")
        again = trace(env, ids["LEG-R"], "up")
        assert [(i["lot"], i["quantity"]) for i in first[0]] == [
            ("W1", D("2.25")),
            ("W2", D("0.75")),
        ]
        assert [(i["lot"], i["quantity"]) for i in again[0]] == [
            ("W1", D("0.75")),
            ("W2", D("0.25")),
        ]
        down = trace(env, ids["W2"], "down")
        assert [i["lot"] for i in down[0]] == ["LEG-A", "LEG-R"]
        quants_match_moves(env)


def test_numbering_serials_costs_the_same_for_2_or_40_units(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    worker = make_user(instance, "worker", ["mrp.group_user"])

    def measure(units: int) -> int:
        with instance.unit(None, su=True) as env:
            wood = product(env, f"Wood {units}", uom="uom_m", tracking="lot")
            chair = product(env, f"Chair {units}", route="make", tracking="serial")
            bom(env, chair, [(wood, "1")])
            _lot(env, wood, f"W-{units}", str(units))
            mo = create_production(env, chair, D(units))
            workflow.fire(env, mo, "confirm")
            mo_id = mo.id
        with instance.unit(worker) as env:
            mo = env.get("mrp.production", mo_id)
            with StatementCounter(instance.engine) as counter:
                workflow.fire(env, mo, "produce")
            assert len(_lots_of(env, mo)) == units
        return counter.count

    measure(2)  # warms the per-process memos
    small, large = measure(2), measure(40)
    print(f"\nstatements finishing 2 serial-numbered units: {small}, 40: {large}")
    assert abs(large - small) <= 2, (small, large)

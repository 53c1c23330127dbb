"""Reorder rules ask ``stock_replenish`` for max − forecast, rounded up to the multiple."""

from __future__ import annotations

import importlib
from decimal import Decimal
from pathlib import Path
from typing import Any

from addons.stock.dashboard import late_reservations, render_alerts
from addons.stock.services import receive, run_reorder_rules
from addons.stock.services.reorder import quantity_to_order
from addons.stock.tests.conftest import delivery, make_product
from kernel.testing import MakeInstance

FIXTURES = str(Path(__file__).parent / "fixtures")
D = Decimal


def _probe(make_instance: MakeInstance) -> tuple[Any, Any]:
    instance = make_instance(["stock_replenish_probe"], addons_path=[FIXTURES])
    probe = importlib.import_module("stock_replenish_probe.hooks")
    probe.REQUESTS.clear()
    return instance, probe


def test_rule_under_minimum_requests_up_to_maximum_in_multiples(
    make_instance: MakeInstance,
) -> None:
    instance, probe = _probe(make_instance)
    with instance.unit(None, su=True) as env:
        wh = env.ref("stock.warehouse_main")
        low = make_product(env, "Men's Low")
        fine = make_product(env, "Fine")
        receive(env, low, 12)
        receive(env, fine, 50)
        delivery(env, [(low, 15)])  # 12 reserved, 3 short: forecast −3
        Rule = env["stock.reorder.rule"]
        env.session.add_all(
            [
                Rule(
                    product_id=low, warehouse_id=wh.id, minimum=D(10), maximum=D(40), multiple=D(12)
                ),
                Rule(
                    product_id=fine, warehouse_id=wh.id, minimum=D(10), maximum=D(40), multiple=D(1)
                ),
            ]
        )
        env.session.flush()
        raised = run_reorder_rules(env)
    # forecast = 12 on hand − 12 reserved + 0 incoming − 3 outgoing = −3; 40 − (−3) = 43 → 48
    assert [(r["product_id"], r["quantity"], r["origin_model"]) for r in probe.REQUESTS] == [
        (low, D(48), "stock.reorder.rule")
    ]
    assert raised[0].reference == "PROBE-1" and raised[0].forecast == D(-3)
    with instance.unit(None, su=True) as env:
        rule = env.session.get(env["stock.reorder.rule"], raised[0].rule_id)
        assert rule.last_request == "PROBE-1"
        html = str(render_alerts(env))
        assert "1 products under their minimum" in html
        assert "Men&#39;s Low" in html  # escaped once


def test_incoming_goods_count_in_the_forecast(make_instance: MakeInstance) -> None:
    from addons.stock.services import create_picking

    instance, probe = _probe(make_instance)
    with instance.unit(None, su=True) as env:
        wh = env.ref("stock.warehouse_main")
        pid = make_product(env, "Incoming")
        receipt = create_picking(
            env,
            "incoming",
            env.ref("stock.location_suppliers").id,
            env.ref("stock.location_stock").id,
            [{"product_id": pid, "quantity": D(30)}],
            warehouse_id=wh.id,
        )
        from addons.stock.services import confirm_picking

        confirm_picking(env, receipt)
        env.session.add(
            env["stock.reorder.rule"](
                product_id=pid, warehouse_id=wh.id, minimum=D(20), maximum=D(40), multiple=D(1)
            )
        )
        env.session.flush()
        assert run_reorder_rules(env) == []
    assert probe.REQUESTS == []


def test_quantity_rounding() -> None:
    class Rule:
        minimum = D(5)
        maximum = D(20)
        multiple = D(6)

    assert quantity_to_order(Rule, D(5)) == 0
    assert quantity_to_order(Rule, D(4)) == D(18)  # 16 → 18
    assert quantity_to_order(Rule, D(-4)) == D(24)


def test_late_reservations_are_counted(stock: Any) -> None:
    import datetime as dt

    with stock.unit(None, su=True) as env:
        pid = make_product(env, "Late")
        picking = delivery(env, [(pid, 2)])
        for move in picking.moves:
            move.date_deadline = dt.date.today() - dt.timedelta(days=1)
        env.session.flush()
        assert late_reservations(env) == 1
        receive(env, pid, 2)
        assert late_reservations(env) == 0


def test_reorder_rules_run_from_the_cli_and_as_a_job(make_instance: MakeInstance) -> None:
    from click.testing import CliRunner

    from addons.stock.hooks import reorder_command, reorder_job

    instance, probe = _probe(make_instance)
    jobs: list[tuple[Any, ...]] = []
    for impl in instance.registry.pm.hook.register_jobs.get_hookimpls():
        impl.function(register=lambda *args, **_kw: jobs.append(args))
    assert ("stock.reorder_rules", reorder_job, 3600) in jobs
    with instance.unit(None, su=True) as env:
        pid = make_product(env, "Empty")
        env.session.add(
            env["stock.reorder.rule"](
                product_id=pid,
                warehouse_id=env.ref("stock.warehouse_main").id,
                minimum=D(1),
                maximum=D(5),
            )
        )
    result = CliRunner().invoke(reorder_command, ["--db", instance.url, "--addons-path", FIXTURES])
    assert result.exit_code == 0, result.output
    assert "PROBE-1" in result.output and "1 replenishment requests raised" in result.output
    with instance.unit(None, su=True) as env:
        reorder_job(env)  # the same request again: nothing arrived meanwhile
    assert [r["quantity"] for r in probe.REQUESTS] == [D(5), D(5)]

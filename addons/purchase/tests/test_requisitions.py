"""Requisitions from reorder rules and by hand, consolidated per supplier into RFQs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from addons.purchase.services.requisitions import create_rfqs, raise_requisition
from addons.purchase.tests.conftest import make_goods
from kernel.errors import ValidationError


def test_requisitions_are_consolidated_per_supplier_with_merged_lines(purchase_instance):
    ids = make_goods(purchase_instance, 2)
    a, b = ids["products"]
    with purchase_instance.unit(ids["buyer"]) as env:
        r1 = raise_requisition(env, a, Decimal("30"))
        r2 = raise_requisition(env, a, Decimal("80"))
        r3 = raise_requisition(env, b, Decimal("5"))
        assert r1.supplier_id == ids["supplier"]
        orders = create_rfqs(env)
        assert len(orders) == 1
        order = orders[0]
        qty = {line.product_id: line.quantity for line in order.lines}
        assert qty == {a: Decimal("110"), b: Decimal("5")}
        # the merged 110 units reach the 100+ price break
        assert {line.product_id: line.price_unit for line in order.lines}[a] == Decimal("8.80")
        assert {r1.state, r2.state, r3.state} == {"rfq"}


def test_requisition_without_supplier_price_blocks_rfq_with_a_clear_reason(purchase_instance):
    ids = make_goods(purchase_instance, 1)
    with purchase_instance.unit(None, su=True) as env:
        product = env["product.product"](
            name="Unsourced", type="stockable", uom_id=env.ref("base.uom_unit").id
        )
        env.session.add(product)
        env.session.flush()
        req = raise_requisition(env, product.id, Decimal("3"))
        assert req.supplier_id is None
        with pytest.raises(ValidationError) as err:
            create_rfqs(env, [req.id])
        assert req.name in str(err.value)
    assert ids


def test_reorder_rule_raises_a_requisition_through_the_stock_hook(purchase_instance):
    ids = make_goods(purchase_instance, 1)
    pid = ids["products"][0]
    with purchase_instance.unit(None, su=True) as env:
        from addons.stock.services.locations import default_warehouse
        from addons.stock.services.reorder import run_reorder_rules

        warehouse = default_warehouse(env)
        Rule = env["stock.reorder.rule"]
        env.session.add(
            Rule(
                product_id=pid,
                warehouse_id=warehouse.id,
                minimum=Decimal("20"),
                maximum=Decimal("100"),
                multiple=Decimal("12"),
            )
        )
        env.session.flush()
        run_reorder_rules(env)
        Requisition = env["purchase.requisition"]
        reqs = list(env.session.scalars(select(Requisition).where(Requisition.product_id == pid)))
        assert len(reqs) == 1
        # 100 wanted from 0 forecast, rounded up to a multiple of 12
        assert reqs[0].quantity == Decimal("108")
        assert reqs[0].origin_model == "stock.reorder.rule"


def test_the_scheduled_reorder_job_raises_a_requisition_with_no_user_action(purchase_instance):
    """The in-process runner (what `suanpan serve` starts) finds the rule due and buys."""
    import time

    from addons.stock.services.locations import default_warehouse
    from kernel.jobs.local import LocalRunner

    ids = make_goods(purchase_instance, 1)
    pid = ids["products"][0]
    with purchase_instance.unit(None, su=True) as env:
        env.session.add(
            env["stock.reorder.rule"](
                product_id=pid,
                warehouse_id=default_warehouse(env).id,
                minimum=Decimal("5"),
                maximum=Decimal("24"),
            )
        )

    def requisitions() -> list[tuple[Decimal, str]]:
        with purchase_instance.unit(None, su=True, readonly=True) as env:
            R = env["purchase.requisition"]
            rows = env.session.execute(
                select(R.quantity, R.origin_model).where(R.product_id == pid)
            ).all()
            return [(q, o) for q, o in rows]

    runner = LocalRunner(purchase_instance, poll=0.1)
    runner.start()
    try:
        deadline = time.monotonic() + 20
        while not requisitions() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        runner.stop()
    assert requisitions() == [(Decimal("24"), "stock.reorder.rule")]
    with purchase_instance.unit(None, su=True, readonly=True) as env:
        Job = env["ir.job"]
        job = env.session.scalar(select(Job).where(Job.name == "stock.reorder_rules"))
        assert job.last_status == "ok" and job.next_run_at > job.last_started_at

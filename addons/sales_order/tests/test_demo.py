"""Demo data: a year of orders in every state, loaded through the real workflow, quickly."""

from __future__ import annotations

from sqlalchemy import func, select

from addons.sales_order.demo.loader import load
from addons.sales_order.tests.conftest import build_world
from kernel.testing import MakeInstance, StatementCounter


def test_demo_orders_cover_the_year_and_the_states(make_instance: MakeInstance) -> None:
    world = build_world(make_instance(["sales_order"]))
    with (
        world.instance.unit(None, su=True) as env,
        StatementCounter(world.instance.engine) as counter,
    ):
        load(env)
    # The statement count is the stable measure of the demo's speed (wall time is the
    # benchmarks' job: on a loaded machine it varies tenfold).
    assert counter.count < 300 * 40, counter.count
    with world.instance.unit(None, su=True) as env:
        Order = env["sale.order"]
        states = dict(
            env.session.execute(select(Order.state, func.count()).group_by(Order.state)).all()
        )
        assert sum(states.values()) == 300
        assert {"draft", "submitted", "closed", "cancelled"} <= set(states), states
        first, last = env.session.execute(
            select(func.min(Order.date_order), func.max(Order.date_order))
        ).one()
        assert (last - first).days > 300
        rejected = env.session.scalar(select(func.count()).where(Order.reject_reason != ""))
        assert rejected > 0
        assert (
            env.session.scalar(select(func.count()).select_from(env["sale.order.exception"])) == 3
        )

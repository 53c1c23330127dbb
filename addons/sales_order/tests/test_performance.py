"""Statement counts do not grow with the number of lines."""

from __future__ import annotations

from addons.sales_order.services import orders
from addons.sales_order.tests.conftest import World
from kernel.testing import StatementCounter


def _order(world: World, n: int) -> int:
    with world.unit() as env:
        lines = [
            {"product_id": (world.widget, world.gadget, world.service)[i % 3], "quantity": i + 1}
            for i in range(n)
        ]
        return orders.create_order(env, world.customer, lines).id


def _count(world: World, uid: int, fn) -> int:
    with world.unit(uid) as env:
        with StatementCounter(world.instance.engine) as counter:
            fn(env)
            env.session.flush()
        return counter.count


def test_submit_and_approve_statements_do_not_depend_on_line_count(world: World) -> None:
    # a first submission reads the configuration (then kept per process: kernel.rowcache)
    _count(world, world.clerk, lambda env, o=_order(world, 1): orders.submit(env, o))
    small, large = _order(world, 10), _order(world, 200)
    submit = [
        _count(world, world.clerk, lambda env, o=o: orders.submit(env, o)) for o in (small, large)
    ]
    # the manager's first approval reads their groups and rights, and the taxes as
    # they may see them (then cached per user: kernel.rowcache): not per line
    warm = _order(world, 3)
    _count(world, world.clerk, lambda env: orders.submit(env, warm))
    _count(world, world.manager, lambda env: orders.approve(env, warm))
    approve = [
        _count(world, world.manager, lambda env, o=o: orders.approve(env, o))
        for o in (small, large)
    ]
    assert submit[0] == submit[1], submit
    assert approve[0] == approve[1], approve
    assert approve[1] < 40, approve


def test_creating_lines_is_bulk(world: World) -> None:
    _order(world, 1)  # the year's first number creates its counter row
    counts = []
    for n in (10, 200):
        with world.unit() as env:
            lines = [{"product_id": world.widget, "quantity": 1} for _ in range(n)]
            with StatementCounter(world.instance.engine) as counter:
                orders.create_order(env, world.customer, lines)
            counts.append(counter.count)
    assert counts[0] == counts[1], counts

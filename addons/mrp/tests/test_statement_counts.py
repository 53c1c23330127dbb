"""Confirming and finishing a production order costs the same statements for 8 or 200
components over three levels of bills (issue 10: bounded statements per step)."""

from __future__ import annotations

from typing import Any

from addons.mrp.services.production import create_production
from addons.mrp.tests.conftest import D, stock_in
from addons.mrp.tests.test_boms import _tree
from kernel import workflow
from kernel.testing import StatementCounter, make_user


def _measure(instance: Any, width: int, worker: int) -> tuple[int, int, int]:
    with instance.unit(None, su=True) as env:
        root_id, n_parts = _tree(env, width)
        root = env.session.get(env["mrp.bom"], root_id)
        Line = env["mrp.bom.line"]
        from addons.mrp.services.boms import explode, leaves

        parts = {r.product.id for r in leaves(explode(env, root, D(1), expand="all"))}
        stock_in(env, dict.fromkeys(parts, 10))
        product_id = root.product_id
        assert Line is not None
    with instance.unit(worker) as env:
        mo = create_production(env, product_id, D(2))
        mo_id = mo.id
    with instance.unit(worker) as env:
        mo = env.get("mrp.production", mo_id)
        with StatementCounter(instance.engine) as confirm:
            workflow.fire(env, mo, "confirm")
        assert mo.component_status == "available" and len(mo.components) == n_parts
    with instance.unit(worker) as env:
        mo = env.get("mrp.production", mo_id)
        with StatementCounter(instance.engine) as produce:
            workflow.fire(env, mo, "produce")
        assert mo.state == "done"
    return n_parts, confirm.count, produce.count


def test_confirm_and_produce_do_not_grow_with_the_components(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    worker = make_user(instance, "worker", ["mrp.group_user"])
    _measure(instance, 2, worker)  # warms the per-process memos (rights, configuration rows)
    small = _measure(instance, 2, worker)
    large = _measure(instance, 10, worker)
    print(
        f"\nstatements: {small[0]} parts → confirm {small[1]}, produce {small[2]}; "
        f"{large[0]} parts → confirm {large[1]}, produce {large[2]}"
    )
    assert (small[0], large[0]) == (8, 200)
    # ± a constant: the first unit of a worker warms per-process caches
    assert abs(large[1] - small[1]) <= 2 and large[1] <= 35, (small, large)
    assert abs(large[2] - small[2]) <= 2 and large[2] <= 25, (small, large)

"""Confirming (and finishing) a production order whose three-level bill has 200 components
and 20 operations costs the statements one with 5 components and 1 operation does."""

from __future__ import annotations

from typing import Any

from addons.mrp.services.production import create_production
from addons.mrp.tests.conftest import D, bom, stock_in
from addons.mrp.tests.workcenter_setup import operations, workcenter
from kernel import workflow
from kernel.testing import StatementCounter, make_user


def _tree(env: Any, tag: str, tops: int, middles: int, parts: int, steps: int) -> tuple[int, int]:
    """machine ← ``tops`` assemblies (kits) ← ``middles`` kits each ← ``parts`` parts each;
    the machine's bill has ``steps`` operations over two work centres."""
    Product = env["product.product"]
    unit = env.ref("base.uom_unit").id

    def make(name: str) -> Any:
        return Product(name=name, uom_id=unit, type="stockable")

    leaves: list[Any] = []
    assemblies = []
    for t in range(tops):
        kits = []
        for m in range(middles):
            group = [make(f"{tag} part {t}-{m}-{p}") for p in range(parts)]
            kit = make(f"{tag} kit {t}-{m}")
            env.session.add_all([*group, kit])
            env.session.flush()
            bom(env, kit.id, [(p.id, "1") for p in group], kind="phantom")
            leaves += group
            kits.append(kit)
        top = make(f"{tag} assembly {t}")
        env.session.add(top)
        env.session.flush()
        bom(env, top.id, [(k.id, "1") for k in kits], kind="phantom")
        assemblies.append(top)
    machine = make(f"{tag} machine")
    env.session.add(machine)
    env.session.flush()
    root = bom(env, machine.id, [(a.id, "1") for a in assemblies])
    centres = [
        workcenter(env, f"{tag}A", efficiency="80", labour="50"),
        workcenter(env, f"{tag}B", overhead="20"),
    ]
    operations(env, root, [(f"step {i}", centres[i % 2], "5", "3") for i in range(steps)])
    stock_in(env, {p.id: 10 for p in leaves})
    return machine.id, len(leaves)


def _measure(instance: Any, worker: int, tag: str, shape: tuple[int, int, int, int]) -> Any:
    with instance.unit(None, su=True) as env:
        product_id, n_parts = _tree(env, tag, *shape)
    with instance.unit(worker) as env:
        mo_id = create_production(env, product_id, D(2)).id
    with instance.unit(worker) as env:
        mo = env.get("mrp.production", mo_id)
        with StatementCounter(instance.engine) as confirm:
            workflow.fire(env, mo, "confirm")
        assert len(mo.components) == n_parts and len(mo.operations) == shape[3]
    with instance.unit(worker) as env:
        mo = env.get("mrp.production", mo_id)
        with StatementCounter(instance.engine) as produce:
            workflow.fire(env, mo, "produce")
        assert mo.state == "done" and mo.conversion_cost > 0
    return n_parts, shape[3], confirm.count, produce.count


def test_operations_do_not_grow_the_statements(make_instance: Any) -> None:
    instance = make_instance(["mrp"])
    worker = make_user(instance, "worker", ["mrp.group_user"])
    _measure(instance, worker, "warm", (1, 1, 5, 1))  # per-process memos
    small = _measure(instance, worker, "small", (1, 1, 5, 1))
    large = _measure(instance, worker, "large", (10, 10, 2, 20))
    print(
        f"\nstatements: {small[0]} parts, {small[1]} operation → confirm {small[2]}, "
        f"produce {small[3]}; {large[0]} parts, {large[1]} operations → confirm {large[2]}, "
        f"produce {large[3]}"
    )
    assert (small[:2], large[:2]) == ((5, 1), (200, 20))
    assert abs(large[2] - small[2]) <= 2, (small, large)
    assert abs(large[3] - small[3]) <= 2, (small, large)

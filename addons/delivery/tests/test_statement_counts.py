"""Making the shipment of a validated delivery costs a fixed number of statements,
whatever the number of lines and packages."""

from __future__ import annotations

from decimal import Decimal

from addons.delivery.tests.conftest import make_carrier
from addons.stock.services import receive, validate_picking
from addons.stock.tests.conftest import delivery, make_product
from kernel.testing import MakeInstance, StatementCounter


def _validate(instance, lines: int, packages: int, carrier: bool) -> int:  # type: ignore[no-untyped-def]
    with instance.unit(None, su=True) as env:
        pids = [make_product(env, f"P{lines}-{i}-{carrier}") for i in range(lines)]
        for pid in pids:
            receive(env, pid, 5)
        picking = delivery(env, [(pid, 1) for pid in pids])
        if carrier:
            picking.carrier_id = make_carrier(env, f"C{lines}-{packages}").id
        env.session.add_all(
            env["delivery.package"](picking_id=picking.id, name=str(i), weight=Decimal(1))
            for i in range(packages)
        )
        picking_id = picking.id
    with StatementCounter(instance.engine) as counter, instance.unit(None, su=True) as env:
        validate_picking(env, env.get("stock.picking", picking_id))
    return counter.count


def test_shipment_statements_do_not_grow_with_lines_or_packages(
    make_instance: MakeInstance,
) -> None:
    instance = make_instance(["stock", "delivery"], demo=False)
    small = _validate(instance, 2, 1, carrier=True) - _validate(instance, 2, 1, carrier=False)
    big = _validate(instance, 200, 20, carrier=True) - _validate(instance, 200, 20, carrier=False)
    print("statements for the shipment:", small, big)
    assert small <= 16, small
    assert big <= small + 2, (small, big)

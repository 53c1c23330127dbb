"""Child process of the crash-safety tests: take one user action, usually to die in it.

    python tests/e2e/fault_driver.py URL UID ACTION ID [ID2]

with ``SUANPAN_FAULT_POINTS`` naming the point to die at (kernel/faults.py).
Actions are what a user's click calls: ``approve`` (submit, then approve the order
ID), ``deliver`` (validate picking ID2 of order ID), ``receive`` (validate the
open receipt of purchase order ID).
"""

from __future__ import annotations

import sys
from typing import Any

from benchmarks import steps
from kernel.instance import Instance


def receive(env: Any, order_id: int) -> None:
    from addons.purchase.services.receipts import receipts_of
    from addons.stock.services.pickings import validate_picking

    order = env.get("purchase.order", order_id)
    picking = next(p for p in receipts_of(env, order) if p.state not in ("done", "cancelled"))
    validate_picking(env, picking)


def act(instance: Instance, uid: int, action: str, ids: list[int]) -> None:
    def run(fn: Any, *args: Any) -> Any:
        return instance.run(lambda env: fn(env, *args), uid)

    if action == "approve":
        with instance.unit(uid) as env:
            state = env.get("sale.order", ids[0]).state
        if state == "draft":
            run(steps.submit, ids[0])
        run(steps.approve, ids[0])
    elif action == "deliver":
        run(steps.deliver, ids[0], ids[1])
    elif action == "receive":
        run(receive, ids[0])
    else:
        raise SystemExit(f"unknown action {action}")


if __name__ == "__main__":
    url, uid, action, *rest = sys.argv[1:]
    act(Instance(url), int(uid), action, [int(x) for x in rest])

"""Put orders in every state into an instance built by the *previous release*.

Run with the previous release's code first on ``PYTHONPATH`` (``.ci/upgrade-from-release``
does that), after ``setup_instance.py --all --demo`` of that release: demo data gives
drafts, cancelled, rejected, submitted and approved orders; this adds delivered
(invoice posted) and paid (closed) ones, and one approved but not yet delivered,
through the services a user's clicks call.

    python tests/upgrade/seed_release.py URL
"""

from __future__ import annotations

import random
import sys
from decimal import Decimal

from benchmarks import o2c, steps
from kernel.instance import Instance


def main(url: str) -> None:
    instance = Instance(url)
    ids = o2c.seed(instance, random.Random(7))
    uid = ids["user"]

    def run(fn, *args):  # type: ignore[no-untyped-def]
        return instance.run(lambda env: fn(env, *args), uid)

    for n in range(8):
        lines = [
            {
                "product_id": ids["products"][(n + k) % len(ids["products"])],
                "quantity": Decimal(k + 1),
            }
            for k in range(3)
        ]
        order_id = run(steps.create, ids["customers"][n], lines)
        run(steps.submit, order_id)
        run(steps.approve, order_id)
        if n == 7:
            continue  # approved, goods reserved, not delivered
        picking_id = run(steps.reserve, order_id)
        run(steps.deliver, order_id, picking_id)
        if n >= 5:
            continue  # delivered, invoice posted and open
        run(steps.pay, order_id)
    print(f"seeded 8 orders on {url}")


if __name__ == "__main__":
    main(sys.argv[1])

"""A large order costs the statements of a small one: create, save, submit, approve, deliver.

    python -m benchmarks.large_order [--db URL] [--lines 500] [--small 3]

On a fresh instance seeded like :mod:`benchmarks.o2c` (20 stocked products, 50
customers, one clerk), a ``--small``-line order and then a ``--lines``-line order
go through the same steps, each its own unit of work as a user takes it: create
the order, save it after changing one line's quantity (the form's save), submit,
approve (stock reserves every line and plans the delivery), find the delivery and
deliver it (the order completes, accounting posts the invoice). It prints the SQL
statements and milliseconds per step of both orders; statements per step must be
the same, or the run fails (exit code 1). See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from decimal import Decimal
from typing import Any

from benchmarks import o2c

STEPS = ["create", "save", "submit", "approve", "reserve", "deliver"]
#: statements a step of the large order may need beyond the small one's: none
SLACK = 0


def save_line(env: Any, order_id: int) -> None:
    """The form's save after one quantity changed: the order is read with its lines, the
    line written and the order's totals recomputed."""
    from addons.sales_order.services.loading import load_order

    order = load_order(env, order_id)
    total = order.amount_total
    line = order.lines[len(order.lines) // 2]
    line.quantity = line.quantity + 1
    env.session.flush()
    if order.amount_total <= total:
        raise AssertionError(f"{order.name}: the totals did not follow the changed line")


def run_order(
    driver: o2c.ServicesDriver, customer_id: int, lines: list[dict[str, Any]]
) -> dict[str, tuple[int, float]]:
    """Statements and milliseconds per step of one order."""
    figures: dict[str, tuple[int, float]] = {}

    def step(name: str, fn: Any) -> Any:
        before = driver.statements()
        start = time.perf_counter()
        result = fn()
        figures[name] = (driver.statements() - before, (time.perf_counter() - start) * 1000)
        return result

    order_id = step("create", lambda: driver.create(customer_id, lines))
    step("save", lambda: driver._run(save_line, order_id))
    state = step("submit", lambda: driver.submit(order_id))
    step("approve", lambda: driver.approve(order_id, state))
    picking_id = step("reserve", lambda: driver.reserve(order_id))
    step("deliver", lambda: driver.deliver(order_id, picking_id))
    return figures


def bench(db: str | None, n_lines: int, n_small: int, seed_value: int = 7) -> dict[str, Any]:
    """Two warm-up small orders, then a small and a large one; figures per step of the last two."""
    with o2c.fresh_database(db) as url:
        instance, _setup = o2c.create_instance(url)
        try:
            ids = o2c.seed(instance, random.Random(seed_value))
            rng = random.Random(seed_value)

            def lines(n: int) -> list[dict[str, Any]]:
                return [
                    {
                        "product_id": rng.choice(ids["products"]),
                        "quantity": Decimal(rng.randint(1, 20)),
                    }
                    for _ in range(n)
                ]

            driver = o2c.ServicesDriver(instance, ids["user"])
            try:
                for _ in range(2):  # the first orders of a process read the configuration
                    run_order(driver, ids["customers"][0], lines(n_small))
                small = run_order(driver, ids["customers"][1], lines(n_small))
                large = run_order(driver, ids["customers"][2], lines(n_lines))
            finally:
                driver.detach()
            return {"database": instance.dialect, "small": small, "large": large}
        finally:
            from kernel.instance import Instance

            Instance.forget(instance.url)
            instance.engine.dispose()


def grown(report: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """Steps whose statements grew from the small to the large order (small, large)."""
    small, large = report["small"], report["large"]
    return {
        step: (small[step][0], large[step][0])
        for step in STEPS
        if large[step][0] > small[step][0] + SLACK
    }


def render(report: dict[str, Any], n_lines: int, n_small: int) -> str:
    rows = [
        f"== {n_small}-line and {n_lines}-line orders on {report['database']} ==",
        f"  {'step':<9}{'SQL ' + str(n_small):>10}{'SQL ' + str(n_lines):>10}"
        f"{'ms ' + str(n_small):>10}{'ms ' + str(n_lines):>10}",
    ]
    for step in STEPS:
        (s_sql, s_ms), (l_sql, l_ms) = report["small"][step], report["large"][step]
        rows.append(f"  {step:<9}{s_sql:>10}{l_sql:>10}{s_ms:>10.0f}{l_ms:>10.0f}")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.large_order", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument("--db", default=None, help="as benchmarks.o2c's --db")
    parser.add_argument("--lines", type=int, default=500, help="lines of the large order")
    parser.add_argument("--small", type=int, default=3, help="lines of the small order")
    args = parser.parse_args(argv)
    report = bench(args.db, args.lines, args.small)
    print(render(report, args.lines, args.small))
    more = grown(report)
    if more:
        print(f"FAILED: statements grow with the lines: {more}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

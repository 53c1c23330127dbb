"""Order-to-cash benchmark: drive N orders through the whole cycle and report figures.

    python -m benchmarks.o2c [--db URL] [--orders 200] [--lines 3] [--via services|api] [--scaling]

On a fresh instance with base, sales_order, stock, purchase and accounting it
creates 20 stocked products and 50 customers, then takes each order through
create → submit → approve (reserves stock) → deliver → completed (invoice posted
by accounting's hook) → full payment → closed, every step its own unit of work as
a user would do it. It prints and writes JSON: set-up time, orders per second,
median and p95 milliseconds per step, SQL statements per order and per step, peak
memory; and it checks that stock fell by exactly the delivered quantities and
that receivables equal posted invoices minus payments — a failed check fails the run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text

ADDONS = ["base", "sales_order", "stock", "purchase", "accounting"]
STEPS = ["create", "submit", "approve", "deliver", "pay"]
N_PRODUCTS = 20
N_CUSTOMERS = 50


@dataclass
class Counter:
    """SQL statements per step, counted on the engine."""

    current: str | None = None
    counts: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    _n: int = 0

    def attach(self, engine: Any) -> None:
        event.listen(engine, "before_cursor_execute", self._on)

    def _on(self, *args: Any) -> None:
        self._n += 1

    def measure(self, step: str, fn: Callable[[], Any], timings: dict[str, list[float]]) -> Any:
        start_n = self._n
        start = time.perf_counter()
        result = fn()
        timings[step].append((time.perf_counter() - start) * 1000)
        self.counts[step].append(self._n - start_n)
        return result


def make_db(url: str | None) -> tuple[str, Callable[[], None]]:
    """A fresh database: a temp SQLite file, or a new PostgreSQL database on the given server."""
    if url is None or url == "sqlite":
        path = Path(tempfile.mkdtemp()) / "bench.db"
        return f"sqlite:///{path}", lambda: None
    if url.startswith("sqlite"):
        return url, lambda: None
    base, _sep, _db = url.rpartition("/")
    name = f"suanpan_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(
        f"{base}/postgres".replace("postgresql://", "postgresql+psycopg://"),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        from kernel.instance import Instance

        Instance.forget(f"{base}/{name}")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return f"{base}/{name}", drop


def setup_instance(url: str) -> tuple[Any, float]:
    from kernel import lifecycle
    from kernel.instance import Instance

    start = time.perf_counter()
    instance = Instance(url)
    lifecycle.initialize(instance, admin_password="bench-admin")
    lifecycle.install(instance, ADDONS, user="bench")
    return instance, time.perf_counter() - start


def seed(instance: Any, rng: random.Random) -> dict[str, Any]:
    """20 stocked products, 50 customers, a sales manager who also handles stock and accounting."""
    from addons.stock.services.receive import receive
    from kernel.testing import make_user

    with instance.unit(None, su=True) as env:
        Product = env["product.product"]
        Partner = env["res.partner"]
        unit = env.ref("base.uom_unit")
        tax = env.ref("base.vat_13_sale")
        products = []
        for i in range(N_PRODUCTS):
            cost = Decimal(rng.randint(500, 5000)) / 100
            product = Product(
                default_code=f"BENCH-{i:03d}",
                name=f"Bench product {i}",
                type="stockable",
                uom_id=unit.id,
                list_price=(cost * Decimal("1.6")).quantize(Decimal("0.01")),
                standard_price=cost,
                sale_tax_id=tax.id,
            )
            env.session.add(product)
            products.append(product)
        customers = [
            Partner(name=f"Bench customer {i}", is_company=True, is_customer=True)
            for i in range(N_CUSTOMERS)
        ]
        env.session.add_all(customers)
        env.session.flush()
        for product in products:
            receive(env, product.id, Decimal(100000))
        ids = {"products": [p.id for p in products], "customers": [c.id for c in customers]}
    ids["user"] = make_user(
        instance,
        "bench",
        [
            "sales_order.group_manager",
            "stock.group_manager",
            "accounting.group_manager",
            "purchase.group_manager",
        ],
    )
    return ids


def run_services(
    instance: Any,
    ids: dict[str, Any],
    n_orders: int,
    n_lines: int,
    rng: random.Random,
    counter: Counter,
) -> dict[str, Any]:
    """Drive each order through the cycle with the Python services, one unit of work per step."""
    from benchmarks import steps

    timings: dict[str, list[float]] = defaultdict(list)
    delivered: dict[int, Decimal] = defaultdict(Decimal)
    uid = ids["user"]
    start = time.perf_counter()
    for _ in range(n_orders):
        customer = rng.choice(ids["customers"])
        lines = [
            {"product_id": rng.choice(ids["products"]), "quantity": Decimal(rng.randint(1, 20))}
            for _ in range(n_lines)
        ]
        for line in lines:
            delivered[line["product_id"]] += line["quantity"]
        order_id = counter.measure(
            "create",
            lambda c=customer, ls=lines: instance.run(lambda env: steps.create(env, c, ls), uid),
            timings,
        )
        counter.measure(
            "submit", lambda: instance.run(lambda env: steps.submit(env, order_id), uid), timings
        )
        counter.measure(
            "approve", lambda: instance.run(lambda env: steps.approve(env, order_id), uid), timings
        )
        counter.measure(
            "deliver", lambda: instance.run(lambda env: steps.deliver(env, order_id), uid), timings
        )
        counter.measure(
            "pay", lambda: instance.run(lambda env: steps.pay(env, order_id), uid), timings
        )
    elapsed = time.perf_counter() - start
    return {"elapsed": elapsed, "timings": timings, "delivered": delivered}


def run_api(
    instance: Any,
    url: str,
    ids: dict[str, Any],
    n_orders: int,
    n_lines: int,
    rng: random.Random,
    counter: Counter,
) -> dict[str, Any]:
    """The same steps through the HTTP JSON API with an API key, against a server we start."""
    from benchmarks import api_steps

    return api_steps.run(instance, url, ids, n_orders, n_lines, rng, counter)


def checks(instance: Any, ids: dict[str, Any], delivered: dict[int, Decimal]) -> dict[str, Any]:
    from benchmarks import steps

    with instance.unit(None, su=True, readonly=True) as env:
        return steps.consistency(env, ids, delivered)


def summarize(counter: Counter, result: dict[str, Any], n_orders: int) -> dict[str, Any]:
    per_step = {}
    for step in STEPS:
        values = result["timings"].get(step, [])
        if not values:
            continue
        ordered = sorted(values)
        per_step[step] = {
            "median_ms": round(statistics.median(ordered), 2),
            "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 2),
            "statements_median": statistics.median(counter.counts[step]),
            "statements_max": max(counter.counts[step]),
        }
    total_statements = sum(sum(v) for v in counter.counts.values())
    return {
        "orders_per_second": round(n_orders / result["elapsed"], 2),
        "statements_per_order": round(total_statements / n_orders, 1),
        "steps": per_step,
    }


def bench(
    db: str | None, n_orders: int, n_lines: int, via: str, seed_value: int = 7
) -> dict[str, Any]:
    url, drop = make_db(db)
    try:
        instance, setup_seconds = setup_instance(url)
        rng = random.Random(seed_value)
        ids = seed(instance, rng)
        counter = Counter()
        counter.attach(instance.engine)
        if via == "api":
            result = run_api(instance, url, ids, n_orders, n_lines, rng, counter)
        else:
            result = run_services(instance, ids, n_orders, n_lines, rng, counter)
        verdict = checks(instance, ids, result["delivered"])
        report = {
            "database": instance.dialect,
            "via": via,
            "orders": n_orders,
            "lines_per_order": n_lines,
            "setup_seconds": round(setup_seconds, 2),
            **summarize(counter, result, n_orders),
            "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "checks": verdict,
        }
        instance.engine.dispose()
        return report
    finally:
        drop()


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db",
        default=None,
        help="sqlite (default: a temp file) or a PostgreSQL server URL, e.g. postgresql://postgres@127.0.0.1:5432/postgres",
    )
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--lines", type=int, default=3)
    parser.add_argument("--via", choices=["services", "api"], default="services")
    parser.add_argument(
        "--scaling", action="store_true", help="also run with 1, 10 and 100 lines per order"
    )
    parser.add_argument("--out", default="benchmarks/results", help="folder for the JSON report")
    args = parser.parse_args(argv)
    os.environ.setdefault("SUANPAN_FAST_HASH", "1")

    reports = [bench(args.db, args.orders, args.lines, args.via)]
    if args.scaling:
        for lines in (1, 10, 100):
            reports.append(bench(args.db, max(5, args.orders // 10), lines, args.via))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = out / f"o2c-{reports[0]['database']}-{args.via}-{stamp}.json"
    path.write_text(json.dumps({"machine": machine(), "runs": reports}, indent=2, default=str))
    ok = True
    for report in reports:
        print(render(report))
        ok = ok and all(c["ok"] for c in report["checks"].values())
    print(f"report written to {path}")
    if not ok:
        print("FAILED: a consistency check did not hold", file=sys.stderr)
        return 1
    return 0


def render(report: dict[str, Any]) -> str:
    lines = [
        f"== {report['database']} via {report['via']}: {report['orders']} orders × {report['lines_per_order']} lines ==",
        f"instance set-up: {report['setup_seconds']} s   throughput: {report['orders_per_second']} orders/s   "
        f"SQL/order: {report['statements_per_order']}   peak memory: {report['peak_memory_mb']} MB",
        f"{'step':<10}{'median ms':>12}{'p95 ms':>10}{'SQL median':>12}{'SQL max':>10}",
    ]
    for step, figures in report["steps"].items():
        lines.append(
            f"{step:<10}{figures['median_ms']:>12}{figures['p95_ms']:>10}{figures['statements_median']:>12}{figures['statements_max']:>10}"
        )
    for name, check in report["checks"].items():
        lines.append(f"check {name}: {'OK' if check['ok'] else 'FAILED'} ({check['detail']})")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())

"""Order-to-cash benchmark: drive N orders through the whole cycle and report figures.

    python -m benchmarks.o2c [--db URL] [--orders 200] [--lines 3] [--via services|api]
                             [--scaling] [--out DIR]

On a fresh instance with base, sales_order, stock, purchase and accounting it
creates 20 stocked products and 50 customers, then takes each order through
create → submit → approve → reserve → deliver (the order completes and
accounting posts its invoice) → pay in full (the order closes), every step its
own unit of work as a user would do it — through the Python services, or with
``--via api`` through the HTTP JSON API of a server it starts. It prints and
writes JSON: set-up time, orders per second, median and p95 milliseconds per
step, SQL statements per order and per step, peak memory; and it checks that
stock fell by exactly the delivered quantities and that receivables equal
posted invoices minus payments — a failed check fails the run (exit code 1).

``--scaling`` runs the cycle again with 1, 10 and 100 lines per order on the
same instance and checks that statements per step do not grow with the lines.
``--clients 1,2,4,8 --workers 1,2,4`` runs many clerks at once through the API
of a server with that many workers (:mod:`benchmarks.clients`).
See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import math
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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import create_engine, event, make_url, text

ADDONS = ["base", "sales_order", "stock", "purchase", "accounting"]
STEPS = ["create", "submit", "approve", "reserve", "deliver", "pay"]
N_PRODUCTS = 20
N_CUSTOMERS = 50
START_QUANTITY = Decimal(100000)
SCALING_LINES = (1, 10, 100)
# Statements a step may gain between 1 and 100 lines before "flat" is false:
# none are expected; the slack covers a lookup that happens once per distinct
# product unit or tax, which is bounded by the catalogue, not by the lines.
SCALING_SLACK = 2


class Driver(Protocol):
    """One way of taking the steps: Python services or the HTTP API."""

    def statements(self) -> int: ...
    def create(self, customer_id: int, lines: list[dict[str, Any]]) -> int: ...
    def submit(self, order_id: int) -> str: ...
    def approve(self, order_id: int, state: str) -> None: ...
    def reserve(self, order_id: int) -> int: ...
    def deliver(self, order_id: int, picking_id: int) -> None: ...
    def pay(self, order_id: int) -> None: ...


class ServicesDriver:
    """Each step is ``instance.run(step, uid)``: one unit of work, retried on conflicts."""

    def __init__(self, instance: Any, uid: int) -> None:
        self.instance = instance
        self.uid = uid
        self._count = 0
        event.listen(instance.engine, "before_cursor_execute", self._on_statement)

    def _on_statement(self, *_args: Any) -> None:
        self._count += 1

    def detach(self) -> None:
        event.remove(self.instance.engine, "before_cursor_execute", self._on_statement)

    def statements(self) -> int:
        return self._count

    def _run(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self.instance.run(lambda env: fn(env, *args), self.uid)

    def create(self, customer_id: int, lines: list[dict[str, Any]]) -> int:
        from benchmarks import steps

        return int(self._run(steps.create, customer_id, lines))

    def submit(self, order_id: int) -> str:
        from benchmarks import steps

        return str(self._run(steps.submit, order_id))

    def approve(self, order_id: int, state: str) -> None:
        from benchmarks import steps

        self._run(steps.approve, order_id)

    def reserve(self, order_id: int) -> int:
        from benchmarks import steps

        return int(self._run(steps.reserve, order_id))

    def deliver(self, order_id: int, picking_id: int) -> None:
        from benchmarks import steps

        self._run(steps.deliver, order_id, picking_id)

    def pay(self, order_id: int) -> None:
        from benchmarks import steps

        self._run(steps.pay, order_id)


@dataclass
class Recorder:
    """Milliseconds and SQL statements per step."""

    driver: Driver
    ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    sql: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def __call__(self, step: str, fn: Callable[[], Any]) -> Any:
        before = self.driver.statements()
        start = time.perf_counter()
        result = fn()
        self.ms[step].append((time.perf_counter() - start) * 1000)
        self.sql[step].append(self.driver.statements() - before)
        return result


# --- the database -------------------------------------------------------------------


@contextmanager
def fresh_database(url: str | None) -> Iterator[str]:
    """A database with nothing in it, dropped afterwards when we made it.

    ``None``/``sqlite``: a temporary SQLite file. ``sqlite:///path``: that file
    (it must not hold an instance yet). A PostgreSQL URL naming a database: that
    database (it must be empty). A PostgreSQL server URL without a database (or
    naming ``postgres``): a new database on it, dropped at the end.
    """
    if url is None or url == "sqlite":
        with tempfile.TemporaryDirectory(prefix="suanpan-bench-") as folder:
            yield f"sqlite:///{Path(folder) / 'o2c.db'}"
        return
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" or parsed.database not in (None, "", "postgres"):
        yield url
        return
    name = f"suanpan_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(
        parsed.set(drivername="postgresql+psycopg", database="postgres"),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield parsed.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def create_instance(url: str) -> tuple[Any, float]:
    """Create the instance and install the addons; the seconds it took."""
    from kernel import lifecycle
    from kernel.instance import Instance

    start = time.perf_counter()
    instance = Instance(url)
    if instance.is_initialized():
        raise SystemExit(f"{url} already holds an instance: give the benchmark a fresh database")
    lifecycle.initialize(instance, admin_password=uuid.uuid4().hex)
    lifecycle.install(instance, ADDONS, user="benchmark")
    return instance, time.perf_counter() - start


def seed(instance: Any, rng: random.Random) -> dict[str, Any]:
    """20 stocked products, 50 customers and the user who works the orders."""
    from sqlalchemy import select

    from addons.stock.services.receive import receive

    with instance.unit(None, su=True) as env:
        Product = env["product.product"]
        Partner = env["res.partner"]
        unit = env.ref("base.uom_unit")
        tax = env.ref("base.vat_13_sale")
        products = []
        for i in range(N_PRODUCTS):
            cost = Decimal(rng.randint(500, 5000)) / 100
            products.append(
                Product(
                    default_code=f"BENCH-{i:03d}",
                    name=f"Bench product {i}",
                    type="stockable",
                    uom_id=unit.id,
                    list_price=(cost * Decimal("1.6")).quantize(Decimal("0.01")),
                    standard_price=cost,
                    sale_tax_id=tax.id,
                )
            )
        customers = [
            Partner(name=f"Bench customer {i:02d}", is_company=True, is_customer=True)
            for i in range(N_CUSTOMERS)
        ]
        env.session.add_all([*products, *customers])
        env.session.flush()
        for product in products:
            receive(env, product.id, START_QUANTITY, price_unit=product.standard_price)
        ids: dict[str, Any] = {
            "products": [p.id for p in products],
            "customers": [c.id for c in customers],
        }
        User = env["res.user"]
        Group = env["res.group"]
        UserGroup = env["res.user.group"]
        user = User(login="bench", name="Bench Clerk", lang="en", password_hash="")
        env.session.add(user)
        env.session.flush()
        groups = [
            "kernel.group_user",
            "sales_order.group_manager",
            "stock.group_manager",
            "accounting.group_manager",
            "purchase.group_manager",
        ]
        for gid in env.session.scalars(select(Group.id).where(Group.xmlid.in_(groups))):
            env.session.add(UserGroup(user_id=user.id, group_id=gid))
        ids["user"] = int(user.id)
    return ids


def stock_on_hand(instance: Any, product_ids: list[int]) -> dict[int, Decimal]:
    from benchmarks import steps

    with instance.unit(None, su=True, readonly=True) as env:
        return steps.on_hand(env, product_ids)


# --- the timed phase ------------------------------------------------------------------


def make_orders(
    ids: dict[str, Any], n_orders: int, n_lines: int, rng: random.Random
) -> list[tuple[int, list[dict[str, Any]]]]:
    """Seeded random customers, products and quantities, decided before the clock starts."""
    return [
        (
            rng.choice(ids["customers"]),
            [
                {"product_id": rng.choice(ids["products"]), "quantity": Decimal(rng.randint(1, 20))}
                for _ in range(n_lines)
            ],
        )
        for _ in range(n_orders)
    ]


def drive(driver: Driver, orders: list[tuple[int, list[dict[str, Any]]]]) -> dict[str, Any]:
    """Take every order through the cycle; wall time, per-step figures and what was delivered."""
    record = Recorder(driver)
    delivered: dict[int, Decimal] = defaultdict(Decimal)
    start = time.perf_counter()
    cpu_start = time.process_time()
    for customer_id, lines in orders:
        order_id = record("create", lambda c=customer_id, ls=lines: driver.create(c, ls))
        state = record("submit", lambda o=order_id: driver.submit(o))
        record("approve", lambda o=order_id, s=state: driver.approve(o, s))
        picking_id = record("reserve", lambda o=order_id: driver.reserve(o))
        record("deliver", lambda o=order_id, p=picking_id: driver.deliver(o, p))
        record("pay", lambda o=order_id: driver.pay(o))
        for line in lines:
            delivered[line["product_id"]] += line["quantity"]
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    return {"elapsed": elapsed, "cpu": cpu, "record": record, "delivered": delivered}


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summarize(result: dict[str, Any], n_orders: int, n_lines: int) -> dict[str, Any]:
    record: Recorder = result["record"]
    steps = {
        step: {
            "median_ms": round(statistics.median(record.ms[step]), 2),
            "p95_ms": round(percentile(record.ms[step], 0.95), 2),
            "sql_median": statistics.median(record.sql[step]),
            "sql_max": max(record.sql[step]),
        }
        for step in STEPS
        if record.ms.get(step)
    }
    total_sql = sum(sum(values) for values in record.sql.values())
    return {
        "orders": n_orders,
        "lines_per_order": n_lines,
        "seconds": round(result["elapsed"], 2),
        "orders_per_second": round(n_orders / result["elapsed"], 2),
        # CPU of this process only: the services' cost without the waits for a busy
        # machine (with --via api it is the client's share, not the server's)
        "cpu_ms_per_order": round(result["cpu"] * 1000 / n_orders, 1),
        "sql_per_order": round(total_sql / n_orders, 1),
        "steps": steps,
    }


def phase(
    driver: Driver, instance: Any, ids: dict[str, Any], n_orders: int, n_lines: int, seed_value: int
) -> dict[str, Any]:
    """One timed run of ``n_orders`` orders with its own consistency checks."""
    from benchmarks import steps

    orders = make_orders(ids, n_orders, n_lines, random.Random(seed_value))
    before = stock_on_hand(instance, ids["products"])
    result = drive(driver, orders)
    summary = summarize(result, n_orders, n_lines)
    with instance.unit(None, su=True, readonly=True) as env:
        summary["checks"] = steps.consistency(env, ids, before, result["delivered"])
    return summary


# --- one benchmark run ----------------------------------------------------------------


@contextmanager
def open_driver(via: str, instance: Any, ids: dict[str, Any]) -> Iterator[tuple[Driver, Any]]:
    """The driver, and a function giving the server's stats (API) or None (services)."""
    if via == "services":
        services = ServicesDriver(instance, ids["user"])
        try:
            yield services, None
        finally:
            services.detach()
        return
    from benchmarks.api_steps import ApiClient, ApiDriver, ApiServer
    from kernel.apikeys import create_api_key

    with instance.unit(None, su=True) as env:
        key = create_api_key(env, ids["user"], "order-to-cash benchmark")
    server = ApiServer(instance.url)
    client = ApiClient(server.port, key)
    try:
        yield ApiDriver(client), client.stats
    finally:
        client.close()
        server.stop()


def bench(
    db: str | None,
    n_orders: int,
    n_lines: int,
    via: str,
    *,
    scaling_orders: int = 0,
    seed_value: int = 7,
) -> dict[str, Any]:
    """Create the instance, seed it, run the timed phase (and the scaling phases)."""
    with fresh_database(db) as url:
        instance, setup_seconds = create_instance(url)
        try:
            ids = seed(instance, random.Random(seed_value))
            report: dict[str, Any] = {
                "database": instance.dialect,
                "via": via,
                "setup_seconds": round(setup_seconds, 2),
            }
            with open_driver(via, instance, ids) as (driver, server_stats):
                report.update(phase(driver, instance, ids, n_orders, n_lines, seed_value))
                if scaling_orders:
                    report["scaling"] = [
                        phase(driver, instance, ids, scaling_orders, lines, seed_value + lines)
                        for lines in SCALING_LINES
                    ]
                    report["checks"].update(scaling_checks(report["scaling"]))
                report["peak_memory_mb"] = round(
                    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
                )
                if server_stats is not None:
                    report["server_peak_memory_mb"] = server_stats()["peak_memory_mb"]
            return report
        finally:
            from kernel.instance import Instance

            Instance.forget(instance.url)
            instance.engine.dispose()


def scaling_checks(runs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Statements per step may not grow with the lines per order; each phase's checks hold."""
    first, last = runs[0], runs[-1]
    grown = {
        step: (first["steps"][step]["sql_max"], last["steps"][step]["sql_max"])
        for step in STEPS
        if last["steps"][step]["sql_max"] > first["steps"][step]["sql_max"] + SCALING_SLACK
    }
    failed = [
        f"{run['lines_per_order']} lines: {name}"
        for run in runs
        for name, check in run["checks"].items()
        if not check["ok"]
    ]
    return {
        "statements_flat_as_lines_grow": {
            "ok": not grown,
            "detail": f"{first['lines_per_order']} → {last['lines_per_order']} lines"
            + (f"; grew {grown}" if grown else ": no step needs more statements"),
        },
        "scaling_runs_consistent": {
            "ok": not failed,
            "detail": "stock and receivables checks hold in every scaling run"
            if not failed
            else "; ".join(failed),
        },
    }


# --- output ---------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return info


def render(report: dict[str, Any]) -> str:
    server = (
        f" (server {report['server_peak_memory_mb']} MB)"
        if "server_peak_memory_mb" in report
        else ""
    )
    out = [
        f"== order-to-cash on {report['database']} via {report['via']}: "
        f"{report['orders']} orders × {report['lines_per_order']} lines ==",
        f"instance set-up (all addons): {report['setup_seconds']} s",
        f"throughput: {report['orders_per_second']} orders/s ({report['seconds']} s, "
        f"{report['cpu_ms_per_order']} ms CPU per order)   "
        f"SQL per order: {report['sql_per_order']}   "
        f"peak memory: {report['peak_memory_mb']} MB{server}",
        *step_table(report),
    ]
    for run in report.get("scaling", []):
        out.append(
            f"-- scaling: {run['orders']} orders × {run['lines_per_order']} lines: "
            f"{run['orders_per_second']} orders/s, SQL per order {run['sql_per_order']}"
        )
        out.extend(step_table(run))
    for name, check in report["checks"].items():
        out.append(f"check {name}: {'OK' if check['ok'] else 'FAILED'} — {check['detail']}")
    return "\n".join(out)


def step_table(run: dict[str, Any]) -> list[str]:
    rows = [f"  {'step':<9}{'median ms':>11}{'p95 ms':>10}{'SQL median':>12}{'SQL max':>9}"]
    for step, f in run["steps"].items():
        rows.append(
            f"  {step:<9}{f['median_ms']:>11}{f['p95_ms']:>10}{f['sql_median']:>12}{f['sql_max']:>9}"
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.o2c", description=(__doc__ or "").splitlines()[0]
    )
    parser.add_argument(
        "--db",
        default=None,
        help="sqlite (default: a temporary file), sqlite:///FILE, a PostgreSQL database URL "
        "(must be empty) or a PostgreSQL server URL (a database is created and dropped)",
    )
    parser.add_argument("--orders", type=int, default=200, help="orders in the timed phase")
    parser.add_argument("--lines", type=int, default=3, help="lines per order")
    parser.add_argument("--via", choices=["services", "api"], default="services")
    parser.add_argument(
        "--scaling",
        action="store_true",
        help="also run with 1, 10 and 100 lines per order (--scaling-orders orders each)",
    )
    parser.add_argument("--scaling-orders", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7, help="seed of the random orders")
    parser.add_argument("--out", default="benchmarks/results", help="folder for the JSON report")
    parser.add_argument(
        "--clients",
        type=_counts,
        default=None,
        help="many-clients mode: comma-separated client counts (e.g. 1,2,4,8), each client "
        "driving its own orders through the HTTP API at the same time",
    )
    parser.add_argument(
        "--workers",
        type=_counts,
        default=[1],
        help="with --clients: comma-separated worker counts of the server (e.g. 1,2,4)",
    )
    parser.add_argument(
        "--orders-per-client", type=int, default=10, help="with --clients: orders per client"
    )
    parser.add_argument(
        "--hot-share",
        type=float,
        default=0.3,
        help="with --clients: share of orders taking all lines from the same 2 products",
    )
    args = parser.parse_args(argv)
    if args.orders < 1 or args.lines < 1:
        parser.error("--orders and --lines must be at least 1")
    if args.clients is not None:
        return _main_clients(args)

    report = bench(
        args.db,
        args.orders,
        args.lines,
        args.via,
        scaling_orders=args.scaling_orders if args.scaling else 0,
        seed_value=args.seed,
    )
    print(render(report))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = out / f"o2c-{report['database']}-{args.via}-{stamp}-{uuid.uuid4().hex[:4]}.json"
    path.write_text(json.dumps({"machine": machine(), "run": report}, indent=2, default=str))
    print(f"report written to {path}")
    if not all(check["ok"] for check in report["checks"].values()):
        print("FAILED: a consistency check did not hold", file=sys.stderr)
        return 1
    return 0


def _counts(value: str) -> list[int]:
    """``"1,2,4"`` → ``[1, 2, 4]`` (each at least 1)."""
    counts = [int(part) for part in value.split(",") if part.strip()]
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError("give counts of at least 1, separated by commas")
    return counts


def _main_clients(args: argparse.Namespace) -> int:
    """The many-clients mode: a table per worker and client count, checks after each run."""
    from benchmarks import clients

    report = clients.bench_clients(
        args.db,
        args.clients,
        args.workers,
        orders_per_client=args.orders_per_client,
        n_lines=args.lines,
        hot_share=args.hot_share,
        seed_value=args.seed,
    )
    print(clients.render(report))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = out / f"o2c-{report['database']}-clients-{stamp}-{uuid.uuid4().hex[:4]}.json"
    path.write_text(json.dumps({"machine": machine(), "run": report}, indent=2, default=str))
    print(f"report written to {path}")
    if not all(check["ok"] for check in report["checks"].values()):
        print("FAILED: a check did not hold", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

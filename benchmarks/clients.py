"""Many clerks at once: N concurrent API clients against a server with W workers.

    python -m benchmarks.o2c --clients 1,2,4,8 --workers 1,2,4 --db postgresql://…

One instance is created and seeded; for each worker count a real web host
(granian, ``--workers W``, see :mod:`benchmarks.api_server`) is started on it,
and for each client count N threads each drive their own orders through the
whole cycle over HTTP with their own API key and keep-alive connection. A share
of the orders (``--hot-share``) takes all its lines from the same two "hot"
products, so clients compete for the same stock rows (reservation and delivery
lock them).

A step refused for a concurrency conflict (409, 503, or a deadlock/serialization
failure reported as a 500 that names it) is retried by the client after a short
back-off, and counted; anything else is an error. After every run the checks of
the single-clerk benchmark hold or the run fails: stock fell by exactly what was
delivered and nothing is left reserved or below zero (no oversell), receivables
equal invoices minus payments (books balanced), every order closed.

While a run lasts, a sampler reads ``pg_stat_activity`` every 50 ms (how many
backends of the benchmark database are running, how many wait for a lock, and
which statements were waiting), and the CPU time of the server's processes and
of the benchmark database's backends is taken before and after, so the report
can say what saturates: the workers' CPU, the database's, or lock waits.
"""

from __future__ import annotations

import random
import statistics
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, make_url, text

HOT_PRODUCTS = 2
MAX_RETRIES = 8
MAX_ERROR_MESSAGES = 20  # kept in the report, each cut at 300 characters
CONFLICT_WORDS = ("deadlock", "could not serialize", "lock timeout", "retry", "conflict")


@dataclass
class ClientLog:
    """What one client saw: milliseconds per step, retries, errors, delivered goods."""

    ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    retries: int = 0
    errors: list[str] = field(default_factory=list)
    delivered: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    closed: int = 0


def is_conflict(exc: Exception) -> bool:
    """A refusal the client should retry: the server's answer to a concurrent change."""
    status = getattr(exc, "status", 0)
    message = str(exc).lower()
    if status in (409, 503):
        return True
    return status == 500 and any(word in message for word in CONFLICT_WORDS)


def timed_step(log: ClientLog, name: str, fn: Callable[[], Any]) -> Any:
    """Run one step, retrying it after a conflict; its time counts every attempt."""
    delay = 0.02
    start = time.perf_counter()
    for attempt in range(MAX_RETRIES + 1):
        try:
            result = fn()
        except Exception as exc:
            if attempt == MAX_RETRIES or not is_conflict(exc):
                raise
            log.retries += 1
            time.sleep(delay * (1 + random.random()))
            delay *= 2
            continue
        log.ms[name].append((time.perf_counter() - start) * 1000)
        return result
    raise AssertionError("unreachable")


def client_orders(
    ids: dict[str, Any], n_orders: int, n_lines: int, hot_share: float, rng: random.Random
) -> list[tuple[int, list[dict[str, Any]]]]:
    """This client's orders; a ``hot_share`` of them only uses the hot products."""
    hot = ids["products"][:HOT_PRODUCTS]
    orders = []
    for _ in range(n_orders):
        pool = hot if rng.random() < hot_share else ids["products"]
        lines = [
            {"product_id": rng.choice(pool), "quantity": Decimal(rng.randint(1, 20))}
            for _ in range(n_lines)
        ]
        orders.append((rng.choice(ids["customers"]), lines))
    return orders


def drive_client(
    driver: Any, orders: list[tuple[int, list[dict[str, Any]]]], log: ClientLog
) -> None:
    """One clerk taking their orders through the cycle; an order that fails is left and logged."""
    for customer_id, lines in orders:
        try:
            one_order(driver, log, customer_id, lines)
        except Exception as exc:  # reported, never hidden: any error fails the run
            log.errors.append(f"{type(exc).__name__}: {str(exc)[:300]}")
            continue
        log.closed += 1
        for line in lines:
            log.delivered[line["product_id"]] += line["quantity"]


def one_order(driver: Any, log: ClientLog, customer_id: int, lines: list[dict[str, Any]]) -> None:
    """create → submit → approve → reserve → deliver → pay, each step timed and retried."""
    order_id = timed_step(log, "create", lambda: driver.create(customer_id, lines))
    state = timed_step(log, "submit", lambda: driver.submit(order_id))
    timed_step(log, "approve", lambda: driver.approve(order_id, state))
    picking_id = timed_step(log, "reserve", lambda: driver.reserve(order_id))
    timed_step(log, "deliver", lambda: driver.deliver(order_id, picking_id))
    timed_step(log, "pay", lambda: driver.pay(order_id))


# --- what the machine did -------------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / 100  # utime + stime, in clock ticks


def _processes() -> list[tuple[int, int, str]]:
    """(pid, parent pid, command name) of every process."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        ppid = int(raw.rsplit(")", 1)[1].split()[1])
        found.append((int(entry.name), ppid, name))
    return found


def tree_cpu(root: int) -> float:
    """CPU seconds of ``root`` and its descendants (the server and its workers)."""
    children: dict[int, list[int]] = defaultdict(list)
    for pid, ppid, _name in _processes():
        children[ppid].append(pid)
    total, stack = 0.0, [root]
    while stack:
        pid = stack.pop()
        total += _cpu_seconds(pid)
        stack.extend(children.get(pid, []))
    return total


class ActivitySampler(threading.Thread):
    """Samples ``pg_stat_activity`` of the benchmark database: running and lock-waiting backends."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        parsed = make_url(url)
        self.database = parsed.database
        self.engine = create_engine(parsed.set(drivername="postgresql+psycopg"), pool_size=1)
        self.stop_event = threading.Event()
        self.samples = 0
        self.active = 0
        self.waiting = 0
        self.waits: dict[str, int] = defaultdict(int)  # what waiting backends were running
        self.backends: set[int] = set()  # the benchmark database's backends (for their CPU)

    def run(self) -> None:
        query = text(
            "SELECT pid, state, wait_event_type, left(regexp_replace(query, '\\s+', ' ', 'g'), 48) "
            "FROM pg_stat_activity WHERE datname = :db AND pid <> pg_backend_pid()"
        )
        with self.engine.connect() as conn:
            while not self.stop_event.is_set():
                rows = conn.execute(query, {"db": self.database}).all()
                conn.rollback()
                self.samples += 1
                for pid, state, wait, statement in rows:
                    self.backends.add(int(pid))
                    self.active += state == "active"
                    if wait == "Lock":
                        self.waiting += 1
                        self.waits[str(statement)] += 1
                self.stop_event.wait(0.05)

    def finish(self) -> dict[str, Any]:
        self.stop_event.set()
        self.join(timeout=5)
        self.engine.dispose()
        n = max(self.samples, 1)
        top = sorted(self.waits.items(), key=lambda kv: -kv[1])[:4]
        return {
            "db_backends_running_avg": round(self.active / n, 2),
            "db_backends_waiting_for_locks_avg": round(self.waiting / n, 2),
            # statements seen waiting for a lock, by share of the waiting samples
            "lock_waits": {stmt: round(k / max(self.waiting, 1), 2) for stmt, k in top},
        }

    def backend_cpu(self) -> float:
        """CPU seconds of the benchmark database's backends seen so far (they outlive a run)."""
        return sum(_cpu_seconds(pid) for pid in self.backends)


# --- one run: N clients against a server ---------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(share * len(ordered) + 0.999999) - 1)]


def run_clients(
    instance: Any,
    ids: dict[str, Any],
    port: int,
    keys: list[str],
    server_pid: int,
    *,
    workers: int,
    orders_per_client: int,
    n_lines: int,
    hot_share: float,
    seed_value: int,
) -> dict[str, Any]:
    """N = ``len(keys)`` clients at once; throughput, latency per step, retries, errors, checks."""
    from benchmarks import steps
    from benchmarks.api_steps import ApiClient, ApiDriver
    from benchmarks.o2c import STEPS, stock_on_hand

    n = len(keys)
    plans = [
        client_orders(ids, orders_per_client, n_lines, hot_share, random.Random(seed_value + i))
        for i in range(n)
    ]
    clients = [ApiClient(port, key) for key in keys]
    drivers = [ApiDriver(client) for client in clients]
    logs = [ClientLog() for _ in range(n)]
    threads = [
        threading.Thread(target=drive_client, args=(drivers[i], plans[i], logs[i]))
        for i in range(n)
    ]
    before = stock_on_hand(instance, ids["products"])
    sampler = ActivitySampler(instance.url) if instance.dialect == "postgresql" else None
    server_cpu = tree_cpu(server_pid)
    cpu_start, start = time.process_time(), time.perf_counter()
    if sampler is not None:
        sampler.start()
        time.sleep(0.1)  # one sample: the backends of the server's pools, and their CPU so far
        db_cpu = sampler.backend_cpu()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    client_cpu = time.process_time() - cpu_start
    server_cpu = tree_cpu(server_pid) - server_cpu
    db_cpu = sampler.backend_cpu() - db_cpu if sampler is not None else 0.0
    activity = sampler.finish() if sampler is not None else {}
    spread = clients_per_worker(clients, workers)
    for client in clients:
        client.close()

    delivered: dict[int, Decimal] = defaultdict(Decimal)
    for log in logs:
        for pid, qty in log.delivered.items():
            delivered[pid] += qty
    closed = sum(log.closed for log in logs)
    errors = [e for log in logs for e in log.errors]
    with instance.unit(None, su=True, readonly=True) as env:
        checks = steps.consistency(env, ids, before, delivered)
        checks["no_oversell"] = nothing_oversold(env, ids["products"])
    checks["no_errors"] = {
        "ok": not errors,
        "detail": f"{len(errors)} errors" + (f"; first: {errors[0]}" if errors else ""),
    }
    total = n * orders_per_client
    return {
        "clients": n,
        "orders": total,
        "closed": closed,
        "seconds": round(elapsed, 2),
        "orders_per_second": round(closed / elapsed, 2),
        "clients_per_worker": spread,
        "retries": sum(log.retries for log in logs),
        "errors": len(errors),
        "error_messages": errors[:MAX_ERROR_MESSAGES],
        "cpu_ms_per_order": {
            "server": round(server_cpu * 1000 / max(closed, 1), 1),
            "database": round(db_cpu * 1000 / max(closed, 1), 1),
            "clients": round(client_cpu * 1000 / max(closed, 1), 1),
        },
        "cpu_busy_share": round((server_cpu + db_cpu + client_cpu) / elapsed / _cpus(), 2),
        **activity,
        "steps": {
            step: {
                "p50_ms": round(statistics.median(values), 1),
                "p95_ms": round(percentile(values, 0.95), 1),
            }
            for step in STEPS
            if (values := [ms for log in logs for ms in log.ms.get(step, [])])
        },
        "checks": checks,
    }


def clients_per_worker(clients: list[Any], workers: int) -> list[int]:
    """How many clients each server process served, busiest first (idle ones as 0).

    A keep-alive connection stays with the worker that accepted it, so a few clients
    can all land on one worker while the others idle: the run then measures one
    worker, whatever W is.
    """
    per_pid: Counter[str] = Counter(
        client.served_by.most_common(1)[0][0] for client in clients if client.served_by
    )
    counts = sorted(per_pid.values(), reverse=True)
    return counts + [0] * max(workers - len(counts), 0)


def _cpus() -> int:
    import os

    return os.cpu_count() or 1


def nothing_oversold(env: Any, product_ids: list[int]) -> dict[str, Any]:
    """No internal quant below zero, nothing left reserved: every reservation was delivered."""
    Quant = env["stock.quant"]
    Location = env["stock.location"]
    from sqlalchemy import func, select

    row = env.session.execute(
        select(func.min(Quant.quantity), func.coalesce(func.sum(Quant.reserved_quantity), 0))
        .join(Location, Location.id == Quant.location_id)
        .where(Quant.product_id.in_(product_ids), Location.usage == "internal")
    ).one()
    lowest, reserved = Decimal(row[0] or 0), Decimal(row[1] or 0)
    return {
        "ok": lowest >= 0 and reserved == 0,
        "detail": f"lowest internal quant {lowest}, still reserved {reserved}",
    }


def bench_clients(
    db: str | None,
    client_counts: list[int],
    worker_counts: list[int],
    *,
    orders_per_client: int,
    n_lines: int,
    hot_share: float,
    seed_value: int,
) -> dict[str, Any]:
    """One instance; a server per worker count; a run per client count."""
    from benchmarks.api_steps import ApiServer
    from benchmarks.o2c import create_instance, fresh_database, seed
    from kernel.apikeys import create_api_key
    from kernel.instance import Instance

    with fresh_database(db) as url:
        instance, setup_seconds = create_instance(url)
        try:
            ids = seed(instance, random.Random(seed_value))
            with instance.unit(None, su=True) as env:
                keys = [
                    create_api_key(env, ids["user"], f"order-to-cash client {i}")
                    for i in range(max(client_counts))
                ]
            runs = []
            for workers in worker_counts:
                server = ApiServer(instance.url, workers=workers)
                try:
                    for n in client_counts:
                        run = run_clients(
                            instance,
                            ids,
                            server.port,
                            keys[:n],
                            server.process.pid,
                            workers=workers,
                            orders_per_client=orders_per_client,
                            n_lines=n_lines,
                            hot_share=hot_share,
                            seed_value=seed_value + 1000 * workers + n,
                        )
                        run["workers"] = workers
                        runs.append(run)
                        print(render_run(run), flush=True)
                finally:
                    server.stop()
            checks = {
                f"W={run['workers']} N={run['clients']}: {name}": check
                for run in runs
                for name, check in run["checks"].items()
            }
            return {
                "database": instance.dialect,
                "via": "clients",
                "setup_seconds": round(setup_seconds, 2),
                "orders_per_client": orders_per_client,
                "lines_per_order": n_lines,
                "hot_share": hot_share,
                "runs": runs,
                "checks": checks,
            }
        finally:
            Instance.forget(instance.url)
            instance.engine.dispose()


def render_run(run: dict[str, Any]) -> str:
    cpu = run["cpu_ms_per_order"]
    steps = "  ".join(
        f"{step} {f['p50_ms']:.0f}/{f['p95_ms']:.0f}" for step, f in run["steps"].items()
    )
    failed = [name for name, check in run["checks"].items() if not check["ok"]]
    waits = (
        f"  db running {run['db_backends_running_avg']}, lock-waiting "
        f"{run['db_backends_waiting_for_locks_avg']}"
        if "db_backends_running_avg" in run
        else ""
    )
    locks = f"    waiting for locks: {run['lock_waits']}\n" if run.get("lock_waits") else ""
    return (
        f"W={run['workers']} N={run['clients']}: {run['orders_per_second']} orders/s "
        f"({run['closed']}/{run['orders']} closed, {run['seconds']} s), retries {run['retries']}, "
        f"errors {run['errors']}, CPU ms/order server {cpu['server']} db {cpu['database']} "
        f"clients {cpu['clients']}, machine busy {run['cpu_busy_share']:.0%}{waits}, "
        f"clients per worker {run['clients_per_worker']}\n"
        f"{locks}"
        f"    p50/p95 ms: {steps}\n"
        f"    checks: {'all OK' if not failed else 'FAILED ' + ', '.join(failed)}"
        + "".join(f"\n    error: {message}" for message in run.get("error_messages", []))
    )


def render(report: dict[str, Any]) -> str:
    out = [
        f"== order-to-cash, many clients, on {report['database']}: "
        f"{report['orders_per_client']} orders × {report['lines_per_order']} lines per client, "
        f"{report['hot_share']:.0%} on {HOT_PRODUCTS} hot products ==",
        f"instance set-up (all addons): {report['setup_seconds']} s",
        "| workers | clients | clients per worker | orders/s | retries | errors "
        "| server / db CPU ms per order |",
        "| ---: | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for run in report["runs"]:
        cpu = run["cpu_ms_per_order"]
        out.append(
            f"| {run['workers']} | {run['clients']} | {run['clients_per_worker']} | "
            f"{run['orders_per_second']} | "
            f"{run['retries']} | {run['errors']} | {cpu['server']} / {cpu['database']} |"
        )
    failed = [name for name, check in report["checks"].items() if not check["ok"]]
    out.append(f"checks: {'all OK' if not failed else 'FAILED: ' + '; '.join(failed)}")
    out.extend(f"  {name}: {report['checks'][name]['detail']}" for name in failed)
    return "\n".join(out)

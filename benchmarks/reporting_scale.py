"""Reporting at scale: 1,000,000 sales order lines over three years on PostgreSQL.

    python -m benchmarks.reporting_scale --db postgresql://postgres@127.0.0.1:5432
        [--orders 100000] [--lines 10] [--runs 3] [--keep] [--reuse]

Creates its own database (``suanpan_reporting_scale`` on the server; never ``test``),
installs base, sales_order and reporting, seeds 12 categories, 240 products, 2,000
customers and a sales manager through the ORM, then generates the orders and their
lines with set-based SQL (``INSERT … SELECT … FROM generate_series``): ``--orders``
orders spread over the three years before today, ``--lines`` lines each, in CNY and
USD, most confirmed. Totals of every order equal the sums of its lines, as the ORM
would have written them.

Then it measures, ``--runs`` times each (the median is reported):

* **pivot**: revenue (untaxed line subtotal) of confirmed orders by month ×
  product category, through :func:`addons.reporting.pivot.compute` — the service
  the pivot screen and its JSON endpoint call — as the sales manager;
* **dashboard**: the sales manager's dashboard (``dashboards.build``), which also counts
  the tracking board's open and late orders;
* **list**: page 1 of the sales order list (``GET /app/sales/orders``) through the
  web host (Litestar's test client, in process, with a signed-in session cookie):
  20 requests after 3 warm-up ones, p50 and p95 per run; with ``--server`` also from the
  production web host (granian, one worker, in its own process) over a keep-alive
  loopback connection.

It prints JSON with the figures, the set-up times and the machine's load average
(see docs/benchmarks.md). ``--keep`` keeps the database for another run;
``--reuse`` measures an existing one without generating again. ``--orders 2000``
makes the quick smoke the test suite runs (tests/benchmarks).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from sqlalchemy import create_engine, make_url, text

ADDONS = ["base", "sales_order", "reporting"]
DB_NAME = "suanpan_reporting_scale"
N_CATEGORIES = 12
N_PRODUCTS = 240
N_CUSTOMERS = 2000
DAYS = 3 * 365


@contextmanager
def database(url: str, name: str, keep: bool, reuse: bool) -> Iterator[str]:
    """The benchmark's own database on the server of ``url``: created, dropped unless kept."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise SystemExit("this benchmark runs on PostgreSQL: give a postgresql:// server URL")
    if name in ("test", "postgres", "template0", "template1"):
        raise SystemExit(f"refusing to use the database {name!r}")
    admin = create_engine(
        parsed.set(drivername="postgresql+psycopg", database="postgres"),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        exists = found.first() is not None
        if exists and not reuse:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            exists = False
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield parsed.set(database=name).render_as_string(hide_password=False)
    finally:
        from kernel.instance import Instance

        Instance.forget(parsed.set(database=name).render_as_string(hide_password=False))
        if not keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def create_instance(url: str) -> Any:
    from kernel import lifecycle
    from kernel.instance import Instance

    instance = Instance(url)
    if not instance.is_initialized():
        lifecycle.initialize(instance, admin_password=uuid.uuid4().hex)
        lifecycle.install(instance, ADDONS, user="benchmark")
    return instance


def seed(instance: Any) -> dict[str, Any]:
    """Categories, products, customers and the sales manager who reads the reports."""
    from sqlalchemy import select

    with instance.unit(None, su=True) as env:
        env.ref("base.usd").active = True
        Category = env["product.category"]
        categories = [Category(name=f"Category {i:02d}") for i in range(N_CATEGORIES)]
        env.session.add_all(categories)
        env.session.flush()
        unit = env.ref("base.uom_unit").id
        tax = env.ref("base.vat_13_sale").id
        Product = env["product.product"]
        products = [
            Product(
                default_code=f"RS-{i:04d}",
                name=f"Scale product {i}",
                category_id=categories[i % N_CATEGORIES].id,
                type="consumable",
                uom_id=unit,
                list_price=Decimal(10 + i % 90),
                standard_price=Decimal(5 + i % 40),
                sale_tax_id=tax,
            )
            for i in range(N_PRODUCTS)
        ]
        Partner = env["res.partner"]
        customers = [
            Partner(name=f"Scale customer {i:04d}", is_company=True, is_customer=True)
            for i in range(N_CUSTOMERS)
        ]
        env.session.add_all([*products, *customers])
        env.session.flush()
        User = env["res.user"]
        Group = env["res.group"]
        UserGroup = env["res.user.group"]
        user = User(login="scale", name="Scale Manager", lang="en", password_hash="")
        env.session.add(user)
        env.session.flush()
        groups = ["kernel.group_user", "sales_order.group_manager"]
        for gid in env.session.scalars(select(Group.id).where(Group.xmlid.in_(groups))):
            env.session.add(UserGroup(user_id=user.id, group_id=gid))
        return {
            "user": int(user.id),
            "company": int(env.ref("base.main_company").id),
            "cny": int(env.ref("base.cny").id),
            "usd": int(env.ref("base.usd").id),
            "unit": unit,
            "tax": tax,
            "products": (int(products[0].id), int(products[-1].id)),
            "customers": (int(customers[0].id), int(customers[-1].id)),
        }


def generate(instance: Any, ids: dict[str, Any], n_orders: int, n_lines: int) -> dict[str, float]:
    """Orders and lines in three set-based statements; totals recomputed from the lines."""
    timings: dict[str, float] = {}
    p0, p1 = ids["products"]
    c0, c1 = ids["customers"]
    params = {
        "n": n_orders,
        "lines": n_lines,
        "days": DAYS,
        "company": ids["company"],
        "cny": ids["cny"],
        "usd": ids["usd"],
        "user": ids["user"],
        "unit": ids["unit"],
        "tax": ids["tax"],
        "p0": p0,
        "np": p1 - p0 + 1,
        "c0": c0,
        "nc": c1 - c0 + 1,
    }
    with instance.engine.begin() as conn:
        start = time.perf_counter()
        conn.execute(
            text(
                """
                INSERT INTO sale_order (
                    name, company_id, state, date_order, partner_id, contact_name, phone,
                    shipping_address, salesperson_id, payment_method, requested_date,
                    shipping_method, currency_id, note, amount_untaxed, amount_tax,
                    amount_total, reject_reason, cancel_reason, auto_approved)
                SELECT 'RS/' || lpad(g::text, 7, '0'), :company,
                       CASE WHEN g % 20 = 0 THEN 'cancelled' WHEN g % 20 = 1 THEN 'draft'
                            WHEN g % 20 < 5 THEN 'approved' WHEN g % 20 < 12 THEN 'completed'
                            ELSE 'closed' END,
                       current_date - (:days - 1 - (g - 1) * :days / :n)::int,
                       :c0 + (g * 7919) % :nc, '', '', '', :user, 'transfer',
                       current_date - (:days - 1 - (g - 1) * :days / :n)::int + 7,
                       'standard', CASE WHEN g % 10 = 0 THEN :usd ELSE :cny END, '',
                       0, 0, 0, '', '', false
                FROM generate_series(1, :n) AS g
                """
            ),
            params,
        )
        first = conn.execute(text("SELECT min(id) FROM sale_order")).scalar_one()
        timings["orders_s"] = time.perf_counter() - start
        start = time.perf_counter()
        conn.execute(
            text(
                """
                INSERT INTO sale_order_line (
                    order_id, sequence, product_id, name, quantity, uom_id, price_unit,
                    discount, tax_id, price_subtotal, price_tax, price_total, cost_price,
                    price_source, pricing_note, below_cost_reason)
                SELECT :first + (g - 1) / :lines, 10 * (1 + (g - 1) % :lines),
                       :p0 + (g * 31) % :np, '', q, :unit, u, 0, :tax,
                       q * u, round(q * u * 0.13, 2), q * u + round(q * u * 0.13, 2),
                       round(u * 0.6, 2), 'list', '', ''
                FROM generate_series(1, :n * :lines) AS g,
                     LATERAL (SELECT (1 + g % 9)::numeric AS q,
                                     (10 + (g * 13) % 490)::numeric + (g % 100) / 100.0 AS u) v
                """
            ),
            {**params, "first": first},
        )
        timings["lines_s"] = time.perf_counter() - start
        start = time.perf_counter()
        conn.execute(
            text(
                """
                UPDATE sale_order o SET amount_untaxed = s.untaxed, amount_tax = s.tax,
                       amount_total = s.total
                FROM (SELECT order_id, sum(price_subtotal) AS untaxed, sum(price_tax) AS tax,
                             sum(price_total) AS total
                      FROM sale_order_line GROUP BY order_id) s
                WHERE o.id = s.order_id
                """
            )
        )
        timings["totals_s"] = time.perf_counter() - start
    start = time.perf_counter()
    with instance.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE sale_order"))
        conn.execute(text("VACUUM ANALYZE sale_order_line"))
    timings["analyze_s"] = time.perf_counter() - start
    return timings


def measure_pivot(instance: Any, uid: int, runs: int) -> dict[str, Any]:
    """Revenue of confirmed orders by month × category, through the pivot service."""
    from addons.reporting.pivot import PivotRequest, compute
    from kernel.web.introspect import collect_views
    from kernel.web.ui.listing import ListState

    seconds: list[float] = []
    groups = cells = 0
    for _run in range(runs):
        with instance.unit(uid, readonly=True) as env:
            view = collect_views(env.registry)["sale.order.line"]
            request = PivotRequest(
                rows=["order_id.date_order:month"],
                cols=["product_id.category_id"],
                measures=["price_subtotal:sum"],
                state=ListState(filters=["confirmed"]),
            )
            start = time.perf_counter()
            result = compute(env, view, request)
            seconds.append(time.perf_counter() - start)
            groups = len(result.rows) * len(result.cols)
            cells = len(result.cells)
            total = sum(
                (acc.sums.get("price_subtotal", Decimal(0)) for acc in result.cells.values()),
                Decimal(0),
            )
    with instance.engine.connect() as conn:  # the same figure straight from the tables
        expected = conn.execute(
            text(
                "SELECT sum(l.price_subtotal) FROM sale_order_line l "
                "JOIN sale_order o ON o.id = l.order_id "
                "WHERE o.state IN ('approved', 'in_progress', 'completed', 'closed')"
            )
        ).scalar_one()
    if Decimal(expected) != total:
        raise SystemExit(f"the pivot's total {total} is not the SQL sum {expected}")
    return {
        "seconds": seconds,
        "median_s": statistics.median(seconds),
        "total_equals_sql": True,
        "months": len(result.rows),
        "categories": len(result.cols),
        "groups": groups,
        "cells": cells,
        "records": result.record_count,
        "total": str(total),
    }


def measure_dashboard(instance: Any, uid: int, runs: int) -> dict[str, Any]:
    """The sales manager's dashboard (figures, charts, tracking board counts) as a service call."""
    from addons.reporting.analyses import dashboards

    seconds: list[float] = []
    for _run in range(runs):
        with instance.unit(uid, readonly=True) as env:
            start = time.perf_counter()
            board = dashboards.build(env, "sales")
            seconds.append(time.perf_counter() - start)
    return {
        "seconds": seconds,
        "median_s": statistics.median(seconds),
        "figures": {f.label: f.value for f in board.figures},
    }


def measure_list(instance: Any, uid: int, runs: int, requests: int = 20) -> dict[str, Any]:
    """Page 1 of the sales order list through the web host, signed in."""
    from litestar.testing import TestClient

    from kernel.web.app import create_app
    from kernel.web.sessions import COOKIE_NAME, create_session

    logging.getLogger("httpx").setLevel(logging.WARNING)  # one log line per request otherwise
    out: list[dict[str, float]] = []
    with TestClient(create_app(instance), base_url="http://suanpan.localhost") as client:
        client.cookies.set(COOKIE_NAME, create_session(instance, uid))
        for _run in range(runs):
            for _warm in range(3):
                assert client.get("/app/sales/orders").status_code == 200
            times: list[float] = []
            for _i in range(requests):
                start = time.perf_counter()
                response = client.get("/app/sales/orders")
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, response.text[:300]
                assert "RS/" in response.text
            times.sort()
            out.append(
                {
                    "p50_ms": statistics.median(times),
                    "p95_ms": times[int(0.95 * (len(times) - 1))],
                }
            )
    return {
        "runs": out,
        "median_p50_ms": statistics.median(r["p50_ms"] for r in out),
        "bytes": len(response.content),
    }


def measure_list_server(
    db_url: str, instance: Any, uid: int, runs: int, requests: int = 20
) -> dict[str, Any]:
    """The same page from the production web host (granian, one worker, its own process)
    over a keep-alive loopback connection, as a browser with a session cookie asks it."""
    import http.client

    from benchmarks.api_steps import ApiServer
    from kernel.web.sessions import COOKIE_NAME, create_session

    server = ApiServer(db_url)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        headers = {"Cookie": f"{COOKIE_NAME}={create_session(instance, uid)}"}

        def get() -> tuple[int, bytes]:
            conn.request("GET", "/app/sales/orders", headers=headers)
            response = conn.getresponse()
            return response.status, response.read()

        out: list[dict[str, float]] = []
        for _run in range(runs):
            for _warm in range(3):
                get()
            times: list[float] = []
            for _i in range(requests):
                start = time.perf_counter()
                status, body = get()
                times.append((time.perf_counter() - start) * 1000)
                assert status == 200 and b"RS/" in body, (status, body[:300])
            times.sort()
            out.append(
                {"p50_ms": statistics.median(times), "p95_ms": times[int(0.95 * (len(times) - 1))]}
            )
        conn.close()
    finally:
        server.stop()
    return {"runs": out, "median_p50_ms": statistics.median(r["p50_ms"] for r in out)}


def run(
    url: str,
    n_orders: int,
    n_lines: int,
    runs: int,
    keep: bool,
    reuse: bool,
    name: str | None = None,
    requests: int = 20,
    server: bool = False,
) -> dict[str, Any]:
    report: dict[str, Any] = {"orders": n_orders, "lines_per_order": n_lines}
    report["load_before"] = os.getloadavg()
    name = name or os.environ.get("SUANPAN_SCALE_DB", DB_NAME)
    with database(url, name, keep, reuse) as db:
        start = time.perf_counter()
        instance = create_instance(db)
        report["install_s"] = time.perf_counter() - start
        with instance.engine.connect() as conn:
            present = conn.execute(text("SELECT count(*) FROM sale_order_line")).scalar_one()
        if not (reuse and present):
            start = time.perf_counter()
            ids = seed(instance)
            report["seed_s"] = time.perf_counter() - start
            report["generate"] = generate(instance, ids, n_orders, n_lines)
            uid = ids["user"]
        else:
            with instance.engine.connect() as conn:
                uid = conn.execute(
                    text("SELECT id FROM res_user WHERE login = 'scale'")
                ).scalar_one()
        with instance.engine.connect() as conn:
            report["lines"] = conn.execute(
                text("SELECT count(*) FROM sale_order_line")
            ).scalar_one()
            report["orders_in_db"] = conn.execute(
                text("SELECT count(*) FROM sale_order")
            ).scalar_one()
        report["pivot"] = measure_pivot(instance, uid, runs)
        report["list"] = measure_list(instance, uid, runs, requests)
        report["dashboard"] = measure_dashboard(instance, uid, runs)
        if server:
            report["list_server"] = measure_list_server(db, instance, uid, runs, requests)
        report["load_after"] = os.getloadavg()
        instance.engine.dispose()
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure the kept database again")
    parser.add_argument(
        "--server", action="store_true", help="also time the list from a real server (granian)"
    )
    args = parser.parse_args(argv)
    report = run(
        args.db, args.orders, args.lines, args.runs, args.keep, args.reuse, server=args.server
    )
    json.dump(report, sys.stdout, indent=2, default=str)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

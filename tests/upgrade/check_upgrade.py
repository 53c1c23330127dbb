"""Check that upgrading a database built by the previous release lost nothing.

    python tests/upgrade/check_upgrade.py snapshot URL FILE   # before the upgrade
    python tests/upgrade/check_upgrade.py verify URL FILE     # after it

``snapshot`` reads every business table with plain SQL (it needs no registry, so
it works on the old schema). ``verify`` compares each row that existed before,
column by column for the columns that existed before (an upgrade may add
columns and rows, never change or lose old ones), checks the invariants a
company trusts the books and the warehouse for, and then takes one new order
through the whole cycle with the current code, whose numbers must follow the old
ones. Any problem is printed and the exit code is 1.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from typing import Any

from sqlalchemy import create_engine, inspect, text

from benchmarks.invariants import INVARIANTS, broken

# Kernel bookkeeping changes on every upgrade by design (data reload, registry version,
# ownership records, sessions): documents and master data do not.
SKIPPED_PREFIXES = ("ir_", "web_", "alembic_", "res_group", "res_user_group", "res_user_apikey")


def _engine(url: str) -> Any:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url)


def snapshot(url: str) -> dict[str, dict[str, dict[str, str]]]:
    engine = _engine(url)
    picture: dict[str, dict[str, dict[str, str]]] = {}
    with engine.connect() as conn:
        for table in sorted(inspect(conn).get_table_names()):
            if table.startswith(SKIPPED_PREFIXES):
                continue
            rows = conn.execute(text(f'SELECT * FROM "{table}"')).mappings().all()
            picture[table] = {
                str(row.get("id", i)): {k: _plain(v) for k, v in row.items()}
                for i, row in enumerate(rows)
            }
    engine.dispose()
    return picture


def _plain(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral() else str(value)
    return str(value)


def compare(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for table, rows in before.items():
        if table not in after:
            problems.append(f"{table}: table is gone")
            continue
        for key, row in rows.items():
            now = after[table].get(key)
            if now is None:
                problems.append(f"{table} #{key}: row is gone")
                continue
            changed = {c: (v, now.get(c)) for c, v in row.items() if now.get(c) != v}
            if changed:
                problems.append(f"{table} #{key}: changed {changed}")
    return problems


def invariants(url: str) -> list[str]:
    engine = _engine(url)
    with engine.connect() as conn:
        problems = broken(conn)
    engine.dispose()
    return problems


def posted_lines_refuse_changes(url: str) -> list[str]:
    """The database's own guard on posted entries survived (SQLite rebuilds drop triggers)."""
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            line = conn.execute(
                text(
                    "SELECT l.id FROM account_move_line l JOIN account_move m ON m.id = l.move_id"
                    " WHERE m.state = 'posted' ORDER BY l.id LIMIT 1"
                )
            ).scalar()
            if line is None:
                return ["no posted journal line to try"]
            try:
                conn.execute(
                    text("UPDATE account_move_line SET debit = debit + 1 WHERE id = :i"),
                    {"i": line},
                )
            except Exception:  # refused by the trigger: what we want
                conn.rollback()
                return []
            conn.rollback()
            return [f"posted journal line #{line} could be changed by SQL: trigger missing"]
    finally:
        engine.dispose()


def one_more_order(url: str) -> list[str]:
    """The upgraded instance works: a new order goes from draft to closed, numbered after the old."""
    from benchmarks import steps
    from kernel.instance import Instance

    instance = Instance(url)
    with (
        instance.engine.connect() as conn
    ):  # the clerk, product and customer seeded by the old code
        uid, product, customer = (
            conn.execute(text(sql)).scalar_one()
            for sql in (
                "SELECT id FROM res_user WHERE login = 'bench'",
                "SELECT id FROM product_product WHERE default_code = 'BENCH-000'",
                "SELECT id FROM res_partner WHERE name = 'Bench customer 00'",
            )
        )

    def run(fn: Any, *args: Any) -> Any:
        return instance.run(lambda env: fn(env, *args), uid)

    lines = [{"product_id": product, "quantity": Decimal(2)}]
    order_id = run(steps.create, customer, lines)
    run(steps.submit, order_id)
    run(steps.approve, order_id)
    run(steps.deliver, order_id, run(steps.reserve, order_id))
    run(steps.pay, order_id)
    with instance.unit(None, su=True) as env:
        order = env.get("sale.order", order_id)
        state, name = order.state, order.name
        older = env.session.execute(
            text("SELECT COUNT(*) FROM sale_order WHERE name >= :n AND id <> :i"),
            {"n": name, "i": order_id},
        ).scalar()
    instance.engine.dispose()
    problems = []
    if state != "closed":
        problems.append(f"new order {name} ended {state}, not closed")
    if older:
        problems.append(f"new order {name} is not numbered after the {older} older ones")
    print(f"new order after the upgrade: {name} {state}")
    return problems


def main(argv: list[str]) -> int:
    command, url, path = argv
    if command == "snapshot":
        picture = snapshot(url)
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(picture, fh)
        rows = sum(len(r) for r in picture.values())
        print(f"snapshot: {len(picture)} tables, {rows} rows")
        return 0
    with open(path, encoding="utf-8") as fh:
        before = json.load(fh)
    problems = compare(before, snapshot(url)) + invariants(url) + posted_lines_refuse_changes(url)
    problems += [] if problems else one_more_order(url)
    problems += invariants(url)
    for problem in problems[:50]:
        print("UPGRADE PROBLEM:", problem)
    rows = sum(len(r) for r in before.values())
    print(
        f"verified {len(before)} tables, {rows} rows from the previous release: "
        f"{len(problems)} problems, {len(INVARIANTS)} invariants checked"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

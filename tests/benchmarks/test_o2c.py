"""The order-to-cash benchmark keeps working: a few orders through the whole cycle, checks hold.

Runs the benchmark's own ``main`` (as CI and developers do) on the test
database, so a change that breaks a step — an order left unclosed, stock or
receivables that no longer add up, a statement count that grows with the
lines — fails here rather than when somebody next measures.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import o2c


def _report(out: Path) -> dict:
    [path] = out.glob("o2c-*.json")
    return json.loads(path.read_text())["run"]


def test_services_cycle_checks_hold_and_statements_stay_flat(db_url: str, tmp_path: Path) -> None:
    code = o2c.main(
        [
            "--orders",
            "3",
            "--scaling",
            "--scaling-orders",
            "2",
            "--db",
            db_url,
            "--out",
            str(tmp_path),
        ]
    )
    report = _report(tmp_path)
    assert code == 0, report["checks"]
    assert all(check["ok"] for check in report["checks"].values())
    assert report["orders"] == 3 and set(report["steps"]) == set(o2c.STEPS)
    assert [run["lines_per_order"] for run in report["scaling"]] == list(o2c.SCALING_LINES)
    assert report["checks"]["statements_flat_as_lines_grow"]["ok"]


@pytest.mark.slow
def test_api_cycle_checks_hold(db_url: str, tmp_path: Path) -> None:
    """The same cycle over HTTP with an API key: payments posted through the API settle orders."""
    code = o2c.main(["--orders", "2", "--via", "api", "--db", db_url, "--out", str(tmp_path)])
    report = _report(tmp_path)
    assert code == 0, report["checks"]
    assert report["via"] == "api" and report["checks"]["every_order_closed"]["ok"]
    assert report["steps"]["pay"]["sql_median"] > 0  # the server's statements were counted


@pytest.mark.slow
def test_many_clients_mode_checks_hold(db_url: str, tmp_path: Path) -> None:
    """Ten clients at once through one server process: every order closes, no error,
    no oversell. Ten is more than asyncio's default threads on a small machine, with
    which handlers waiting for the order-number lock took every thread while the unit
    holding it waited for one to commit in, and the server stood still."""
    clients = 10
    code = o2c.main(
        [
            *("--clients", str(clients), "--workers", "1", "--orders-per-client", "1"),
            *("--hot-share", "1", "--db", db_url, "--out", str(tmp_path)),
        ]
    )
    report = _report(tmp_path)
    assert code == 0, report["checks"]
    [run] = report["runs"]
    assert run["clients"] == clients and run["closed"] == clients
    assert run["clients_per_worker"] == [clients]  # one worker served them all
    assert run["errors"] == 0, run["error_messages"]
    assert all(check["ok"] for check in report["checks"].values())

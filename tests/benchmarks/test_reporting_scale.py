"""The 1M-line reporting benchmark keeps working: a small run of it on PostgreSQL.

Runs :func:`benchmarks.reporting_scale.run` with 2,000 orders × 10 lines in a
database of its own (created and dropped): the set-based generation, the month ×
category pivot through the pivot service (its total checked against a direct SQL
sum of the same lines) and page 1 of the order list through the web host. The
figures of the full run are in docs/benchmarks.md; this only keeps the script right.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from benchmarks import reporting_scale
from kernel.testing import PG_SERVER, db_kind

pytestmark = pytest.mark.skipif(db_kind() != "postgresql", reason="the benchmark is PostgreSQL's")


def test_small_run_on_postgresql() -> None:
    name = f"suanpan_scale_smoke_{uuid.uuid4().hex[:8]}"
    report = reporting_scale.run(PG_SERVER, 2000, 10, 1, False, False, name=name, requests=3)
    assert report["lines"] == 20_000 and report["orders_in_db"] == 2000
    pivot = report["pivot"]
    assert pivot["total_equals_sql"] is True and Decimal(pivot["total"]) > 0
    assert pivot["categories"] == reporting_scale.N_CATEGORIES
    assert 36 <= pivot["months"] <= 37  # three years back from today
    # 10 % of orders cancelled or draft (5 % each): 18,000 confirmed lines
    assert pivot["records"] == 18_000
    assert report["list"]["median_p50_ms"] > 0
    # hundreds of customers a year: the dashboard's figures do not break down by customer
    figures = report["dashboard"]["figures"]
    assert figures["Open orders"] == "1,000"  # approved and completed: 50 %

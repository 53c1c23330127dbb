"""A 500-line order is created, saved, submitted, approved and delivered with the statements
of a 3-line one (issue 14: "an order of 500 lines opens, saves and approves with bounded
statements").

Statement counts are deterministic, so the test compares them exactly: a query per line
anywhere in these steps (an N+1) makes the large order's count differ. Wall time is
printed (``-s``) and reported in docs/benchmarks.md, not asserted.
"""

from __future__ import annotations

from benchmarks import large_order


def test_a_500_line_order_costs_the_statements_of_a_3_line_one(db_url: str) -> None:
    report = large_order.bench(db_url, 500, 3)
    print(large_order.render(report, 500, 3))
    assert set(report["large"]) == set(large_order.STEPS)
    assert not large_order.grown(report), (
        f"statements grow with the lines (3 lines, 500 lines): {large_order.grown(report)}"
    )

"""What must hold in any Suanpan database with stock and accounting, as SQL.

Each query returns the rows that break its rule, so an empty result is a pass.
The upgrade check (tests/upgrade/check_upgrade.py), the crash-safety tests and
anyone auditing a live database run the same list.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

INVARIANTS = {
    "posted entries that do not balance": """
        SELECT m.name FROM account_move m JOIN account_move_line l ON l.move_id = m.id
        WHERE m.state = 'posted' GROUP BY m.id, m.name HAVING SUM(l.debit) <> SUM(l.credit)""",
    "trial balance not zero": """
        SELECT SUM(l.debit) - SUM(l.credit) FROM account_move_line l
        JOIN account_move m ON m.id = l.move_id WHERE m.state = 'posted'
        HAVING SUM(l.debit) - SUM(l.credit) <> 0""",
    "duplicate order numbers": """
        SELECT name FROM sale_order GROUP BY name HAVING COUNT(*) > 1""",
    "duplicate journal entry numbers": """
        SELECT name FROM account_move WHERE state = 'posted' GROUP BY name HAVING COUNT(*) > 1""",
    "quants that differ from done moves": """
        SELECT q.product_id, q.location_id FROM (
            SELECT product_id, location_id, SUM(quantity) AS qty FROM stock_quant
            GROUP BY product_id, location_id) q
        LEFT JOIN (
            SELECT product_id, location_id AS loc, SUM(product_qty) AS qty FROM (
                SELECT product_id, location_dest_id AS location_id, product_qty
                FROM stock_move WHERE state = 'done'
                UNION ALL
                SELECT product_id, location_id, -product_qty FROM stock_move WHERE state = 'done'
            ) moves GROUP BY product_id, location_id) m
        ON m.product_id = q.product_id AND m.loc = q.location_id
        WHERE q.qty <> COALESCE(m.qty, 0)""",
    "negative stock": """
        SELECT q.product_id, q.location_id FROM stock_quant q
        JOIN stock_location l ON l.id = q.location_id
        WHERE l.usage = 'internal' AND q.quantity < 0""",
    "reserved quantities that differ from their reservations": """
        SELECT q.id FROM stock_quant q
        LEFT JOIN (SELECT quant_id, SUM(quantity) AS qty FROM stock_reservation
                   GROUP BY quant_id) r ON r.quant_id = q.id
        WHERE q.reserved_quantity <> COALESCE(r.qty, 0)""",
}


def broken(conn: Any) -> list[str]:
    """One line per broken rule, with up to five offending rows."""
    problems = []
    for name, sql in INVARIANTS.items():
        rows = conn.execute(text(sql)).all()
        if rows:
            problems.append(f"{name}: {[tuple(r) for r in rows[:5]]}")
    return problems

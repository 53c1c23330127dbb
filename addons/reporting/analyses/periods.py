"""Period keys as the pivot's date buckets write them, and calendar arithmetic on them.

Why: "growth vs the previous period" means the calendar's previous month (or week,
quarter, year), not the previous row — a month without sales still counts as a
month. Keys match ``kernel.web.ui.domain.bucket``: ``2026-03-09`` (day, and week by
its Monday), ``2026-03``, ``2026-Q1``, ``2026``.
"""

from __future__ import annotations

import datetime as dt

UNITS = ("week", "month", "quarter", "year")


def key_of(day: dt.date, unit: str) -> str:
    if unit == "day":
        return day.isoformat()
    if unit == "week":
        return (day - dt.timedelta(days=day.weekday())).isoformat()
    if unit == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if unit == "quarter":
        return f"{day.year:04d}-Q{(day.month + 2) // 3}"
    return f"{day.year:04d}"


def start_of(key: str, unit: str) -> dt.date:
    if unit in ("day", "week"):
        return dt.date.fromisoformat(key)
    if unit == "month":
        return dt.date(int(key[:4]), int(key[5:7]), 1)
    if unit == "quarter":
        return dt.date(int(key[:4]), 3 * int(key[-1]) - 2, 1)
    return dt.date(int(key), 1, 1)


def shift(key: str, unit: str, steps: int) -> str:
    """The key ``steps`` periods later (negative: earlier)."""
    start = start_of(key, unit)
    if unit == "day":
        return (start + dt.timedelta(days=steps)).isoformat()
    if unit == "week":
        return (start + dt.timedelta(weeks=steps)).isoformat()
    months = {"month": 1, "quarter": 3, "year": 12}[unit] * steps
    index = start.year * 12 + start.month - 1 + months
    return key_of(dt.date(index // 12, index % 12 + 1, 1), unit)


def year_before(key: str, unit: str) -> str:
    """The same period a year earlier (52 weeks for weeks, so weekdays line up)."""
    per_year = {"day": 0, "week": 52, "month": 12, "quarter": 4, "year": 1}[unit]
    if unit == "day":
        day = start_of(key, unit)
        try:
            return day.replace(year=day.year - 1).isoformat()
        except ValueError:  # 29 February
            return day.replace(year=day.year - 1, day=28).isoformat()
    return shift(key, unit, -per_year)


def between(first: dt.date, last: dt.date, unit: str) -> list[str]:
    """Every period key from the one holding ``first`` to the one holding ``last``."""
    keys: list[str] = []
    key = key_of(first, unit)
    end = key_of(last, unit)
    while key <= end and len(keys) < 2000:
        keys.append(key)
        key = shift(key, unit, 1)
    return keys

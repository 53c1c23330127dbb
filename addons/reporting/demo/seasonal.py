"""A demand pattern with a Spring Festival peak, for the demo history and the benchmark.

Why the lunar calendar: Chinese trade stocks up in the weeks before the Spring
Festival and stops during its holiday week, and the festival moves between late
January and mid February — a forecast must find that peak in the history, not a
fixed calendar month. Pure functions of a seeded ``random.Random``: the same
numbers come out every time.
"""

from __future__ import annotations

import datetime as dt
import math
import random

# Spring Festival (春节, first day of the lunar year)
SPRING_FESTIVAL = {
    2023: dt.date(2023, 1, 22),
    2024: dt.date(2024, 2, 10),
    2025: dt.date(2025, 1, 29),
    2026: dt.date(2026, 2, 17),
    2027: dt.date(2027, 2, 6),
    2028: dt.date(2028, 1, 26),
    2029: dt.date(2029, 2, 13),
    2030: dt.date(2030, 2, 3),
}


def festival_factor(day: dt.date) -> float:
    """Demand multiplier of the week starting ``day``: ×2.6 in the four weeks before
    the festival, ×0.35 in its holiday week, a mild summer/autumn swell otherwise."""
    festival = SPRING_FESTIVAL.get(day.year)
    following = SPRING_FESTIVAL.get(day.year + 1)
    for date in (festival, following):
        if date is None:
            continue
        days = (date - day).days
        if 0 < days <= 28:
            return 2.6
        if -7 < days <= 0:
            return 0.35
    return 1.0 + 0.15 * math.sin(2 * math.pi * (day.timetuple().tm_yday - 100) / 365)


def weekly_quantities(
    weeks: list[dt.date], base: float, growth: float, rng: random.Random
) -> list[int]:
    """Whole units sold in each week (Mondays in ``weeks``): base × trend × season × noise."""
    out = []
    for index, monday in enumerate(weeks):
        trend = 1 + growth * index / 52
        noise = rng.gauss(1.0, 0.12)
        out.append(max(0, round(base * trend * festival_factor(monday) * noise)))
    return out


def mondays(last: dt.date, count: int) -> list[dt.date]:
    """The ``count`` Mondays up to the week holding ``last``, oldest first."""
    monday = last - dt.timedelta(days=last.weekday())
    return [monday - dt.timedelta(weeks=count - 1 - i) for i in range(count)]

"""The working calendar: Monday–Friday, minus public holidays, plus make-up working days.

Holidays are data (``delivery.holiday``, Chinese public holidays shipped with the
addon); one query loads the stretch of calendar a computation needs.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import select

if TYPE_CHECKING:
    from kernel.env import Env

Calendar = dict[dt.date, bool]
"""Exceptions to the Monday–Friday week: date → is it a working day."""


def load_calendar(env: Env, start: dt.date, days: int) -> Calendar:
    """The exceptions from ``start`` over a stretch long enough for ``days`` working days."""
    Holiday = env["delivery.holiday"]
    end = start + dt.timedelta(days=days * 2 + 40)  # Spring Festival + weekends, with room
    rows = env.session.execute(
        select(Holiday.date, Holiday.working).where(Holiday.date >= start, Holiday.date <= end)
    ).all()
    return {day: bool(working) for day, working in rows}


def is_working_day(day: dt.date, calendar: Calendar) -> bool:
    if day in calendar:
        return calendar[day]
    return day.weekday() < 5


def next_working_day(day: dt.date, calendar: Calendar) -> dt.date:
    """The first working day after ``day``."""
    day += dt.timedelta(days=1)
    while not is_working_day(day, calendar):
        day += dt.timedelta(days=1)
    return day


def ship_day(moment: dt.datetime, cutoff_hour: int, calendar: Calendar) -> dt.date:
    """The day goods handed over at ``moment`` (local time) leave: today before the cut-off
    on a working day, else the next working day."""
    day = moment.date()
    if is_working_day(day, calendar) and moment.hour < cutoff_hour:
        return day
    return next_working_day(day, calendar)


def add_working_days(day: dt.date, days: int, calendar: Calendar) -> dt.date:
    """``days`` working days after ``day`` (0: ``day`` itself)."""
    for _step in range(days):
        day = next_working_day(day, calendar)
    return day

"""Ship dates and ETAs on the working calendar (weekends, Chinese holidays, make-up days)."""

from __future__ import annotations

import datetime as dt

from addons.delivery.services.calendar import add_working_days, load_calendar, ship_day
from kernel.testing import MakeInstance

SH = dt.timezone(dt.timedelta(hours=8))


def test_cut_off_weekends_and_spring_festival(make_instance: MakeInstance) -> None:
    instance = make_instance(["delivery"], demo=False)
    with instance.unit(None, su=True, readonly=True) as env:
        cal = load_calendar(env, dt.date(2026, 2, 10), 10)
        # Tuesday before the cut-off leaves the same day, after it the next day
        assert ship_day(dt.datetime(2026, 3, 3, 15, 59, tzinfo=SH), 16, cal) == dt.date(2026, 3, 3)
        assert ship_day(dt.datetime(2026, 3, 3, 16, 0, tzinfo=SH), 16, cal) == dt.date(2026, 3, 4)
        # Friday evening → Monday
        assert ship_day(dt.datetime(2026, 3, 6, 18, 0, tzinfo=SH), 16, cal) == dt.date(2026, 3, 9)
        # Friday 13 Feb 2026 after the cut-off: Saturday 14 Feb is a make-up working day
        shipped = ship_day(dt.datetime(2026, 2, 13, 17, 0, tzinfo=SH), 16, cal)
        assert shipped == dt.date(2026, 2, 14)
        # two transit days skip the Spring Festival (15–23 Feb): 24 and 25 Feb
        assert add_working_days(shipped, 2, cal) == dt.date(2026, 2, 25)
        # National Day week 2026 (1–7 Oct), Saturday 10 Oct worked
        cal = load_calendar(env, dt.date(2026, 9, 30), 5)
        assert add_working_days(dt.date(2026, 9, 30), 1, cal) == dt.date(2026, 10, 8)
        assert add_working_days(dt.date(2026, 10, 9), 1, cal) == dt.date(2026, 10, 10)

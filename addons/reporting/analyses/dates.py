"""The calendar day of a stored UTC timestamp, in SQL, the same on both databases.

Why: on-time rates compare when goods moved (a timestamp) with the promised day (a
date); SQLite keeps both as ISO text, PostgreSQL as typed values.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date, cast, func

from kernel.env import Env


def day_of(env: Env, stamp: Any) -> Any:
    if env.instance.dialect == "sqlite":
        return func.date(stamp)
    return cast(stamp, Date)

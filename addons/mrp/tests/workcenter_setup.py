"""Shared set-up of the work-centre tests: calendars, work centres, bills with operations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from kernel.env import Env

D = Decimal


def calendar(env: Env, name: str, holidays: list[dt.date] = (), **hours: str) -> Any:  # type: ignore[assignment]
    """A calendar of 8 h Monday to Friday unless ``hours_<day>`` say otherwise."""
    Holiday = env["mrp.calendar.holiday"]
    record = env["mrp.calendar"](
        name=name,
        **{k: D(v) for k, v in hours.items()},
        holidays=[Holiday(date=day, name="holiday") for day in holidays],
    )
    env.session.add(record)
    env.session.flush()
    return record


def workcenter(
    env: Env,
    code: str,
    *,
    capacity: int = 1,
    efficiency: str = "100",
    labour: str = "0",
    overhead: str = "0",
    calendar_id: int | None = None,
) -> Any:
    record = env["mrp.workcenter"](
        code=code,
        name=code.title(),
        capacity=capacity,
        efficiency=D(efficiency),
        labour_rate=D(labour),
        overhead_rate=D(overhead),
        calendar_id=calendar_id,
    )
    env.session.add(record)
    env.session.flush()
    return record


def operations(env: Env, bom: Any, steps: list[tuple[str, Any, str, str]]) -> None:
    """Add ``(name, work centre, setup minutes, run minutes)`` steps to ``bom``."""
    Operation = env["mrp.bom.operation"]
    for index, (name, centre, setup, run) in enumerate(steps, start=1):
        bom.operations.append(
            Operation(
                sequence=index * 10,
                name=name,
                workcenter_id=centre.id,
                setup_minutes=D(setup),
                run_minutes=D(run),
            )
        )
    env.session.flush()

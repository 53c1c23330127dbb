"""Production planning: work centre load against capacity, and forward finite scheduling.

A work centre's capacity on a day is its calendar's hours that day (none on a
holiday) times the units that work there in parallel. Its load is the planned
hours of the open operations (pending or in progress, of confirmed or started
orders) scheduled on that day — the load slices (``mrp.operation.load``),
summed in SQL per work centre and day.

Rescheduling from today takes the open orders in priority order (the date the
customer asked for — read through ``mrp_requested_dates`` — then the planned
date, then first come) and places each order's operations one after the other,
each starting no earlier than the day its predecessor finishes, filling each
work centre's remaining hours day by day (finite capacity). The orders' planned
date becomes the day their last operation finishes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select

from addons.mrp.hookspecs import MrpHooks
from addons.mrp.models.operation import OPEN_OPERATION_STATES
from addons.mrp.services.operations import clocked, hours, write_loads
from kernel.errors import ValidationError
from kernel.i18n import _

if TYPE_CHECKING:
    from kernel.env import Env

OPEN_PRODUCTION = ("confirmed", "in_progress")
ZERO = Decimal(0)
HORIZON = 3 * 366  # days a scheduler looks ahead before it gives up on a work centre


class Capacity:
    """Hours per work centre and day, from calendars and holidays read once."""

    def __init__(self, env: Env, centres: list[Any], start: dt.date) -> None:
        self.centres = {c.id: c for c in centres}
        calendar_ids = sorted({c.calendar_id for c in centres if c.calendar_id})
        self.calendars = env.browse("mrp.calendar", calendar_ids) if calendar_ids else {}
        Holiday = env["mrp.calendar.holiday"]
        self.holidays: dict[int, set[dt.date]] = defaultdict(set)
        if calendar_ids:
            for calendar_id, day in env.session.execute(
                select(Holiday.calendar_id, Holiday.date).where(
                    Holiday.calendar_id.in_(calendar_ids), Holiday.date >= start
                )
            ):
                self.holidays[calendar_id].add(day)

    def hours(self, workcenter_id: int, day: dt.date) -> Decimal:
        centre = self.centres[workcenter_id]
        calendar = self.calendars.get(centre.calendar_id) if centre.calendar_id else None
        if calendar is None:
            per_day = ZERO if day.weekday() >= 5 else Decimal(8)
        else:
            per_day = calendar.hours_on(day, self.holidays[calendar.id])
        return per_day * int(centre.capacity or 1)


def _centres(env: Env, ids: set[int] | None = None) -> list[Any]:
    Workcenter = env["mrp.workcenter"]
    query = select(Workcenter).order_by(Workcenter.code, Workcenter.id)
    if ids is None:
        query = query.where(Workcenter.active.is_(True))
    else:
        query = query.where(Workcenter.id.in_(sorted(ids)))
    return list(env.session.scalars(query))


def load_by_day(env: Env, start: dt.date, end: dt.date) -> dict[tuple[int, Any], Decimal]:
    """Planned hours of open operations per (work centre, day) from ``start`` to ``end``;
    the day key ``None`` holds what is still planned before ``start`` (behind schedule)."""
    Load = env["mrp.operation.load"]
    Operation = env["mrp.production.operation"]
    Production = env["mrp.production"]
    rows = env.session.execute(
        select(Load.workcenter_id, Load.day, func.sum(Load.hours))
        .join(Operation, Operation.id == Load.operation_id)
        .join(Production, Production.id == Operation.production_id)
        .where(
            Operation.state.in_(OPEN_OPERATION_STATES),
            Production.state.in_(OPEN_PRODUCTION),
            Load.day <= end,
        )
        .group_by(Load.workcenter_id, Load.day)
    ).all()
    found: dict[tuple[int, Any], Decimal] = defaultdict(Decimal)
    for workcenter_id, day, amount in rows:
        found[(workcenter_id, day if day >= start else None)] += Decimal(amount or 0)
    return found


def remaining_minutes(operation: Any) -> Decimal:
    """What is left of an operation: all of it when pending, less the time clocked so far."""
    planned = Decimal(operation.planned_minutes or 0)
    if operation.state != "in_progress":
        return planned
    return max(planned - clocked(operation), ZERO)


def requested_dates(env: Env, productions: list[Any]) -> dict[int, dt.date]:
    """The date each production order's customer asked for, by production id."""
    by_model: dict[str, list[int]] = defaultdict(list)
    for production in productions:
        if production.origin_model and production.origin_id:
            by_model[production.origin_model].append(int(production.origin_id))
    dates: dict[int, dt.date] = {}
    for model, ids in by_model.items():
        found: dict[int, Any] = {}
        for answer in MrpHooks(env).mrp_requested_dates(
            env=env, origin_model=model, origin_ids=sorted(set(ids))
        ):
            found.update(answer or {})
        for production in productions:
            if production.origin_model == model and production.origin_id in found:
                dates[production.id] = found[production.origin_id]
    return dates


def open_productions(env: Env) -> list[Any]:
    Production = env["mrp.production"]
    return list(
        env.session.scalars(
            select(Production)
            .where(Production.state.in_(OPEN_PRODUCTION))
            .order_by(Production.date_planned, Production.id)
        )
    )


def plan(env: Env, start: dt.date, days: int) -> dict[str, Any]:
    """Load against capacity per work centre and day, and the open orders (late ones flagged)."""
    end = start + dt.timedelta(days=days - 1)
    centres = _centres(env)
    capacity = Capacity(env, centres, start)
    load = load_by_day(env, start, end)
    calendar = [start + dt.timedelta(days=i) for i in range(days)]
    rows = []
    for centre in centres:
        cells = []
        for day in calendar:
            cap = capacity.hours(centre.id, day)
            used = load.get((centre.id, day), ZERO)
            cells.append({"day": day, "load": used, "capacity": cap, "over": used > cap})
        rows.append(
            {
                "id": centre.id,
                "code": centre.code,
                "name": centre.name,
                "before": load.get((centre.id, None), ZERO),
                "cells": cells,
            }
        )
    productions = open_productions(env)
    dates = requested_dates(env, productions)
    products = env.browse("product.product", sorted({p.product_id for p in productions}))
    orders = []
    for production in productions:
        requested = dates.get(production.id)
        orders.append(
            {
                "id": production.id,
                "name": production.name,
                "product": products[production.product_id].display_name(env),
                "quantity": production.quantity,
                "state": production.state,
                "date_planned": production.date_planned,
                "requested_date": requested,
                "origin": production.origin,
                "late": requested is not None and production.date_planned > requested,
            }
        )
    return {"start": start, "end": end, "days": calendar, "workcenters": rows, "orders": orders}


def reschedule(env: Env, today: dt.date | None = None) -> int:
    """Schedule every open operation forward from ``today`` at finite capacity; returns how
    many operations were placed. Statements do not grow with the number of operations."""
    today = today or dt.date.today()
    env.check("mrp.production.operation", "write")
    env.check("mrp.production", "write")
    Operation = env["mrp.production.operation"]
    productions = open_productions(env)
    if not productions:
        return 0
    ids = [p.id for p in productions]
    operations = list(
        env.session.scalars(
            select(Operation)
            .where(Operation.production_id.in_(ids), Operation.state.in_(OPEN_OPERATION_STATES))
            .order_by(Operation.production_id, Operation.sequence, Operation.id)
        )
    )
    if not operations:
        return 0
    by_production: dict[int, list[Any]] = defaultdict(list)
    for op in operations:
        by_production[op.production_id].append(op)
    dates = requested_dates(env, productions)
    far = dt.date.max
    ordered = sorted(productions, key=lambda p: (dates.get(p.id, far), p.date_planned, p.id))
    centres = _centres(env, {op.workcenter_id for op in operations})
    capacity = Capacity(env, centres, today)
    free: dict[tuple[int, dt.date], Decimal] = {}
    placed: list[tuple[Any, list[tuple[dt.date, Decimal]]]] = []
    for production in ordered:
        cursor = today
        for op in by_production.get(production.id, []):
            need = hours(remaining_minutes(op))
            day, first, slices = cursor, None, []
            while need > 0:
                key = (op.workcenter_id, day)
                if key not in free:
                    free[key] = capacity.hours(op.workcenter_id, day)
                if free[key] > 0:
                    take = min(free[key], need)
                    free[key] -= take
                    need -= take
                    slices.append((day, take))
                    first = first or day
                if need <= 0:
                    break
                day += dt.timedelta(days=1)
                if (day - today).days > HORIZON:
                    raise ValidationError(
                        _(
                            "Work centre: %(name)s has no working hours in the next three years",
                            name=capacity.centres[op.workcenter_id].display_name(env),
                        ),
                        field="workcenter_id",
                    )
            op.planned_start = first or day
            op.planned_finish = day
            placed.append((op, slices))
            cursor = day
        if production.date_planned != cursor:
            production.date_planned = cursor
    Load = env["mrp.operation.load"]
    env.check("mrp.operation.load", "delete")
    env.session.flush()
    env.session.execute(
        delete(Load).where(Load.operation_id.in_([op.id for op in operations])),
        execution_options={"synchronize_session": False},
    )
    write_loads(env, placed)
    return len(operations)

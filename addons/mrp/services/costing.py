"""Labour and overhead of production orders (conversion cost).

Each operation costs its hours × (labour rate + overhead rate) of its work
centre: the actual minutes once clocked, the planned ones otherwise. The order's
conversion cost is their sum; finishing the order adds it to the value of the
finished goods (material + conversion), and with perpetual valuation accounting
books it against its "applied labour and overhead" account (see
``accounting/mrp_hooks.py``): mrp itself posts nothing.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from addons.mrp.services.operations import clocked

if TYPE_CHECKING:
    from kernel.env import Env

CENT = Decimal("0.01")
ZERO = Decimal(0)


def minutes_costed(operation: Any) -> Decimal:
    """Actual minutes when clocked, else planned."""
    if operation.actual_minutes is not None:
        return Decimal(operation.actual_minutes)
    return Decimal(operation.planned_minutes or 0)


def operation_cost(operation: Any, centre: Any) -> Decimal:
    rate = Decimal(centre.labour_rate or 0) + Decimal(centre.overhead_rate or 0)
    return (minutes_costed(operation) * rate / 60).quantize(CENT, rounding=ROUND_HALF_UP)


def update_costs(env: Env, production: Any) -> Decimal:
    """Cost each operation and the order (conversion, actual time, total); the conversion."""
    operations = [op for op in production.operations if op.state != "cancelled"]
    centres = env.browse("mrp.workcenter", sorted({op.workcenter_id for op in operations}))
    conversion = ZERO
    for op in operations:
        cost = operation_cost(op, centres[op.workcenter_id])
        if op.cost != cost:
            op.cost = cost
        conversion += cost
    duration = sum((Decimal(op.actual_minutes or 0) for op in operations), ZERO)
    production.conversion_cost = conversion
    production.duration_minutes = duration
    production.total_cost = (
        Decimal(production.material_cost or 0) + conversion + Decimal(production.scrap_cost or 0)
    )
    return conversion


def close_operations(env: Env, production: Any) -> Decimal:
    """Finishing the order finishes its open operations (one started is clocked until now, one
    never started counts its planned time); returns the conversion cost of the order."""
    if not production.operations:
        return ZERO
    for op in production.operations:
        if op.state == "in_progress":
            op.actual_minutes = op.actual_minutes if op.actual_minutes is not None else clocked(op)
            op.state = "done"
        elif op.state == "pending":
            op.state = "done"
    return update_costs(env, production)

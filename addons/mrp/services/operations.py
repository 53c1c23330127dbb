"""Work orders: the operations of a production order, from its bill to done.

Confirming an order copies its bill's operations in one INSERT (and their load
slices in one more), whatever their number. A worker starts an operation (the
order moves to in progress with its first one) and finishes it: the time between
is its actual time unless they entered one, and the order's cost follows.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, update

from addons.base.services.uom import convert
from kernel import workflow
from kernel.bulk import insert_records
from kernel.errors import ValidationError
from kernel.fields import utcnow
from kernel.i18n import _

if TYPE_CHECKING:
    from kernel.env import Env

MINUTES = Decimal("0.01")
HOURS = Decimal("0.0001")
WORKING = ("confirmed", "in_progress")


def planned_minutes(
    setup: Decimal, run: Decimal, made: Decimal, bom_quantity: Decimal, efficiency: Decimal
) -> Decimal:
    """setup + run × (made ÷ bill quantity) ÷ efficiency, to the hundredth of a minute.

    The efficiency stretches the run time only: a setup takes what it takes.
    """
    run_time = Decimal(run) * Decimal(made) / Decimal(bom_quantity) * 100 / Decimal(efficiency)
    return (Decimal(setup) + run_time).quantize(MINUTES, rounding=ROUND_HALF_UP)


def hours(minutes: Decimal) -> Decimal:
    return (Decimal(minutes) / 60).quantize(HOURS, rounding=ROUND_HALF_UP)


def create_operations(env: Env, production: Any, bom: Any) -> list[Any]:
    """The order's operations from ``bom``'s, planned on the order's date (one INSERT each for
    the operations and their load slices); the scheduler spreads them over the calendar."""
    steps = list(bom.operations)
    if not steps:
        return []
    centres = env.browse("mrp.workcenter", sorted({s.workcenter_id for s in steps}))
    product = env.browse("product.product", [production.product_id])[production.product_id]
    made = convert(env, production.product_qty, product.uom_id, bom.uom_id, rounded=False)
    day = production.date_planned
    Operation = env["mrp.production.operation"]
    env.check("mrp.production.operation", "create")
    minutes = [
        planned_minutes(
            step.setup_minutes,
            step.run_minutes,
            made,
            bom.quantity,
            centres[step.workcenter_id].efficiency,
        )
        for step in steps
    ]
    costs = [
        planned_cost(planned, centres[step.workcenter_id])
        for step, planned in zip(steps, minutes, strict=True)
    ]
    rows = [
        {
            "production_id": production.id,
            "sequence": index * 10,
            "name": step.name,
            "workcenter_id": step.workcenter_id,
            "bom_operation_id": step.id,
            "planned_minutes": minutes[index - 1],
            "planned_start": day,
            "planned_finish": day,
            "state": "pending",
            "date_start": None,
            "date_finish": None,
            "actual_minutes": None,
            "user_id": None,
            "cost": costs[index - 1],
        }
        for index, step in enumerate(steps, start=1)
    ]
    # the planned labour and overhead until operations are clocked (services/costing.py)
    production.conversion_cost = sum(costs, Decimal(0))
    production.total_cost = (
        Decimal(production.material_cost or 0)
        + production.conversion_cost
        + Decimal(production.scrap_cost or 0)
    )
    operations = insert_records(
        env,
        Operation,
        rows,
        lambda: (
            select(Operation).where(Operation.production_id == production.id).order_by(Operation.id)
        ),
        render_nulls=True,
    )
    write_loads(env, [(op, [(day, hours(op.planned_minutes))]) for op in operations])
    env.session.expire(production, ["operations"])
    return operations


def planned_cost(minutes: Decimal, centre: Any) -> Decimal:
    from addons.mrp.services.costing import CENT

    rate = Decimal(centre.labour_rate or 0) + Decimal(centre.overhead_rate or 0)
    return (Decimal(minutes) * rate / 60).quantize(CENT, rounding=ROUND_HALF_UP)


def write_loads(env: Env, plan: list[tuple[Any, list[tuple[Any, Decimal]]]]) -> None:
    """Insert the load slices ``(day, hours)`` of each operation in one statement."""
    Load = env["mrp.operation.load"]
    rows = [
        {"operation_id": op.id, "workcenter_id": op.workcenter_id, "day": day, "hours": amount}
        for op, slices in plan
        for day, amount in slices
        if amount > 0
    ]
    if rows:
        env.check("mrp.operation.load", "create")
        env.session.execute(insert(Load), rows)


def start_problems(env: Env, operation: Any) -> Any:
    """Guard of ``start``: only operations of confirmed or started orders are worked on."""
    production = operation.production
    if production.state not in WORKING:
        return _(
            "production order %(name)s is not confirmed or in progress: "
            "its operations cannot be started",
            name=production.name,
        )
    return None


def start(env: Env, operation: Any) -> None:
    """Clock in: the worker and the time; the order is in progress from its first operation."""
    operation.date_start = utcnow()
    operation.user_id = env.uid
    production = operation.production
    if production.state == "confirmed":
        workflow.fire(env, production, "start")


def finish(env: Env, operation: Any) -> None:
    """Clock out: the actual time (unless entered), then the order's labour and overhead."""
    from addons.mrp.services.costing import update_costs

    operation.date_finish = utcnow()
    if operation.actual_minutes is None:
        operation.actual_minutes = clocked(operation)
    if operation.user_id is None:
        operation.user_id = env.uid
    update_costs(env, operation.production)


def clocked(operation: Any) -> Decimal:
    """Minutes between the operation's start and its finish (now when not finished)."""
    if operation.date_start is None:
        return Decimal(0)
    end = operation.date_finish or utcnow()
    seconds = Decimal(int((end - operation.date_start).total_seconds()))
    return max(seconds / 60, Decimal(0)).quantize(MINUTES, rounding=ROUND_HALF_UP)


def operation_choices(env: Env, production: Any, state: str) -> list[tuple[int, str]]:
    """The order's operations in ``state``: what its Start / Finish buttons offer."""
    return [
        (op.id, f"{op.sequence // 10}. {op.name}")
        for op in production.operations
        if op.state == state
    ]


def fire_on(env: Env, production: Any, operation_id: int, action: str) -> Any:
    """Start or finish operation ``operation_id`` of ``production`` (the form's buttons)."""
    operation = next((op for op in production.operations if op.id == operation_id), None)
    if operation is None:
        raise ValidationError(
            _("Operation: not an operation of %(name)s", name=production.name),
            field="operation_id",
        )
    workflow.fire(env, operation, action)
    return operation


def cancel_operations(env: Env, production: Any) -> None:
    """A cancelled order's work orders not done are cancelled (one UPDATE) and load no one."""
    Operation = env["mrp.production.operation"]
    env.check("mrp.production.operation", "write")
    env.session.execute(
        update(Operation)
        .where(
            Operation.production_id == production.id,
            Operation.state.in_(("pending", "in_progress")),
        )
        .values(state="cancelled"),
        execution_options={"synchronize_session": "fetch"},
    )
    env.session.expire(production, ["operations"])


def split_operations(env: Env, production: Any, backorder: Any, kept: Decimal) -> None:
    """Partial production: the operations not started yet are planned for what is made now,
    and the backorder gets the bill's operations for the rest."""
    if not production.operations or production.bom_id is None:
        return
    ratio = Decimal(kept) / Decimal(production.quantity)
    bom = env.get("mrp.bom", production.bom_id)
    centres = env.browse("mrp.workcenter", sorted({op.workcenter_id for op in bom.operations}))
    product = env.browse("product.product", [production.product_id])[production.product_id]
    made = convert(env, production.product_qty * ratio, product.uom_id, bom.uom_id, rounded=False)
    steps = {step.id: step for step in bom.operations}
    for op in production.operations:
        step = steps.get(op.bom_operation_id) if op.bom_operation_id else None
        if op.state == "pending" and step is not None:
            op.planned_minutes = planned_minutes(
                step.setup_minutes,
                step.run_minutes,
                made,
                bom.quantity,
                centres[step.workcenter_id].efficiency,
            )
    env.session.flush()
    create_operations(env, backorder, bom)

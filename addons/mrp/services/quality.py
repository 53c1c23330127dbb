"""Quality inspection of production orders: inspections, and what becomes of failed units.

An order whose bill has inspection points goes in progress → quality check → done:
``inspect`` sends it to the quality check, :func:`record_check` records an
inspection (passed + failed = the quantity inspected), and finishing needs the
whole quantity inspected. Failed units are handled when the order is finished,
by what the inspection said:

* **scrap** — the failed units leave production straight for the warehouse's
  scrap location, in the same step as the good ones go to stock, valued at the
  order's cost per unit (``scrap_cost`` on the order, like scrap at the bench).
  They never pass through sellable stock, where a waiting delivery would reserve
  them. When the order serves a document (a sales order, a parent order, a
  reorder rule), the scrapped quantity is replenished again (``stock_replenish``):
  the customer still needs what was ordered.
* **rework** — a *rework order* takes the failed units over. The finished move
  is split: the good units go to stock, the failed ones stay in production (work
  in progress: their share of the component cost stays on the production
  account) and become the rework order's finished move. The rework order
  (``rework_of_id`` → the original, same product, bill and origin, confirmed, no
  components of its own) carries their cost (``rework_cost`` = failed units × the
  original's cost per unit); finishing it brings them into stock at that cost,
  clearing the production account. It is inspected again like any order of its
  bill. So stock never holds a unit that failed, the cost of every unit is what
  its components cost, and the books balance at every step. Cancelling a rework
  order scraps the units it held (they failed and were not reworked): they go
  from production to the scrap location at their carried cost, which stays an
  expense (``scrap_cost`` on the rework order).

A failed inspection calls ``mrp_quality_check_failed`` (sales raises a ``quality``
exception on the order being made for).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from addons.mrp.hookspecs import MrpHooks
from addons.mrp.services.lots import (
    assign_finished_lots,
    finished_outputs,
    record_genealogy,
    record_rework_genealogy,
    snapshot,
)
from addons.mrp.services.production import MONEY, ORIGIN, follow_up_order
from addons.mrp.services.scrap import record_scrap
from addons.stock.hookspecs import StockHooks
from addons.stock.services.done import do_moves
from addons.stock.services.locations import warehouse_location
from addons.stock.services.moves import split_move
from kernel import workflow
from kernel.caches import Slot
from kernel.errors import ValidationError
from kernel.fields import utcnow
from kernel.i18n import _, text_of
from kernel.security import system_write

if TYPE_CHECKING:
    from kernel.env import Env

ZERO = Decimal(0)
#: what an inspection decided for a production order, until its moves are done
_PENDING: Slot[dict[int, dict[str, Any]]] = Slot("mrp.quality_pending", dict, per_transaction=True)


def _fmt(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}"


def needs_inspection(env: Env, production: Any) -> bool:
    """Whether the order's bill has inspection points (one query)."""
    if not production.bom_id:
        return False
    Point = env["mrp.quality.point"]
    found = env.session.scalar(select(Point.id).where(Point.bom_id == production.bom_id).limit(1))
    return found is not None


def inspected(production: Any) -> Decimal:
    """The quantity (order unit) inspected so far."""
    return sum((Decimal(c.quantity) for c in production.quality_checks), ZERO)


def to_inspect(env: Env, production: Any) -> Decimal:
    return Decimal(production.quantity) - inspected(production)


def inspect_problems(env: Env, production: Any) -> Any:
    """Guard of ``inspect``: only orders of a bill with inspection points go to the check."""
    if not needs_inspection(env, production):
        return _("Bill of materials: it has no inspection points; mark the order as done")
    return None


def produce_problems(env: Env, production: Any) -> Any:
    """Guard of ``produce``: an order of a bill with inspection points is inspected first."""
    if not needs_inspection(env, production):
        return None
    if production.state != "quality":
        return _(
            "%(name)s must be inspected before it is finished: send it to the quality check",
            name=production.name,
        )
    done = inspected(production)
    if done != Decimal(production.quantity):
        return _(
            "Inspection: %(done)s of %(quantity)s inspected; inspect every unit before finishing",
            done=_fmt(done),
            quantity=_fmt(production.quantity),
        )
    return None


def record_check(
    env: Env,
    production: Any,
    quantity: Decimal | None,
    qty_passed: Decimal | None,
    qty_failed: Decimal | None = None,
    failed_action: str | None = None,
    note: str = "",
    point_id: int | None = None,
) -> Any:
    """Record an inspection of ``quantity`` units (order unit) of a production order.

    ``qty_passed`` + ``qty_failed`` must equal ``quantity``, and no more than what is
    left to inspect may be inspected; failed units need ``failed_action`` (``scrap``
    or ``rework``). Every refusal names its field.
    """
    # the order's row is locked: two inspectors recording at once cannot both take
    # what is left to inspect (PostgreSQL; SQLite serialises writers anyway)
    Production = env["mrp.production"]
    state = env.session.scalar(
        select(Production.state).where(Production.id == production.id).with_for_update()
    )
    if state != "quality":
        raise ValidationError(
            _("Status: inspections are recorded while the order is in the quality check"),
            field="state",
        )
    passed = Decimal(qty_passed if qty_passed is not None else 0)
    failed = Decimal(qty_failed if qty_failed is not None else 0)
    quantity = Decimal(quantity) if quantity is not None else passed + failed
    if quantity <= 0:
        raise ValidationError(_("Inspected: must be greater than zero"), field="quantity")
    if passed < 0:
        raise ValidationError(_("Passed: cannot be negative"), field="qty_passed")
    if failed < 0:
        raise ValidationError(_("Failed: cannot be negative"), field="qty_failed")
    if passed + failed != quantity:
        raise ValidationError(
            _(
                "Failed: passed (%(passed)s) and failed (%(failed)s) must add up to the "
                "quantity inspected (%(quantity)s)",
                passed=_fmt(passed),
                failed=_fmt(failed),
                quantity=_fmt(quantity),
            ),
            field="qty_failed",
        )
    Check = env["mrp.quality.check"]
    done = env.session.scalar(
        select(func.coalesce(func.sum(Check.quantity), 0)).where(
            Check.production_id == production.id
        )
    )
    left = Decimal(production.quantity) - Decimal(done or 0)
    if quantity > left:
        raise ValidationError(
            _(
                "Inspected: only %(left)s of %(quantity)s are left to inspect",
                left=_fmt(left),
                quantity=_fmt(production.quantity),
            ),
            field="quantity",
        )
    action = (failed_action or "").strip() or ("none" if not failed else "")
    if failed and action not in ("scrap", "rework"):
        raise ValidationError(
            _("Failed units: say whether they are scrapped or reworked"), field="failed_action"
        )
    if not failed:
        action = "none"
    serial = production.product.tracking == "serial"
    if serial and failed != failed.to_integral_value():
        raise ValidationError(
            _("Failed: serial-tracked goods fail in whole units"), field="qty_failed"
        )
    if point_id is not None:
        point = env.session.get(env["mrp.quality.point"], point_id)
        if point is None or point.bom_id != production.bom_id:
            raise ValidationError(
                _("Inspection point: not one of this order's bill"), field="point_id"
            )
    check = Check(
        production_id=production.id,
        point_id=point_id,
        quantity=quantity,
        qty_passed=passed,
        qty_failed=failed,
        failed_action=action,
        result="pass" if not failed else ("fail" if not passed else "partial"),
        note=(note or "").strip(),
        inspector_id=env.uid,
        date=utcnow(),
    )
    system_write(env.session, check)  # inspections are written here only (a system model)
    env.session.add(check)
    env.session.flush()
    env.session.expire(production, ["quality_checks"])
    if failed:
        production.qty_failed = Decimal(production.qty_failed or 0) + failed
        workflow.add_comment(
            env,
            production,
            text_of(
                _(
                    "Inspection: %(failed)s of %(quantity)s failed (%(action)s)",
                    failed=_fmt(failed),
                    quantity=_fmt(quantity),
                    action=text_of(dict(_actions())[action]),
                )
            ),
        )
        env.session.flush()
        MrpHooks(env).mrp_quality_check_failed(env=env, production=production, check=check)
    return check


def _actions() -> list[tuple[str, Any]]:
    from addons.mrp.models.quality import FAILED_ACTIONS

    return FAILED_ACTIONS


def failed_qty(production: Any, action: str) -> Decimal:
    """Failed units (product unit) the inspections send to ``action``."""
    qty = sum(
        (Decimal(c.qty_failed) for c in production.quality_checks if c.failed_action == action),
        ZERO,
    )
    if not qty:
        return ZERO
    return (qty * production.product_qty / production.quantity).quantize(
        MONEY, rounding=ROUND_HALF_UP
    )


def _rework_order(env: Env, production: Any, quantity: Decimal, move: Any) -> Any:
    """A confirmed order taking over ``quantity`` failed units and their finished ``move``."""
    order_qty = (quantity * production.quantity / production.product_qty).quantize(
        MONEY, rounding=ROUND_HALF_UP
    )
    rework = follow_up_order(
        env, production, order_qty, rework_of_id=production.id, component_status="available"
    )
    move.origin_id = rework.id
    move.reference = rework.name
    rework.finished_move_id = move.id
    env.session.flush()
    workflow.add_comment(
        env, rework, text_of(_("rework of the units that failed on %(name)s", name=production.name))
    )
    return rework


def before_produce(env: Env, production: Any) -> None:
    """Before the order's moves are done: failed units to rework or scrap, finished lots,
    and the component lots read (see :mod:`addons.mrp.services.lots`)."""
    pending: dict[str, Any] = {}
    if production.quality_checks:
        rework_qty = failed_qty(production, "rework")
        scrap_qty = failed_qty(production, "scrap")
        outputs = finished_outputs(env, production)
        if rework_qty and outputs:
            main = outputs[-1]
            if rework_qty >= main.product_qty:
                rest = main
            else:
                rest = split_move(env, main, main.product_qty - rework_qty)
                env.session.add(rest)
                env.session.flush()
            production.qty_rework = rework_qty
            pending["rework"] = _rework_order(env, production, rework_qty, rest)
            for check in production.quality_checks:
                if check.failed_action == "rework":
                    system_write(env.session, check)
                    check.rework_id = pending["rework"].id
        if scrap_qty:
            pending["scrap"] = scrap_qty
            if production.origin_model:
                # what was ordered is still needed: make (or buy) the scrapped units again
                with env.sudo("scrapped units are made again for the document they serve"):
                    StockHooks(env).stock_replenish(
                        env=env,
                        product_id=production.product_id,
                        warehouse_id=int(production.warehouse_id),
                        quantity=scrap_qty,
                        origin_model=production.origin_model,
                        origin_id=production.origin_id,
                    )
    assign_finished_lots(env, production)
    if pending.get("scrap"):
        pending["scrap_moves"] = _divert_to_scrap(env, production, pending["scrap"])
    snapshot(env, production)
    env.cache.get(_PENDING)[production.id] = pending


def _divert_to_scrap(env: Env, production: Any, quantity: Decimal) -> list[Any]:
    """Send ``quantity`` of the finished output to the scrap location instead of stock."""
    scrap_location = warehouse_location(env, int(production.warehouse_id), "scrap")
    outputs = finished_outputs(env, production)
    diverted = []
    left = quantity
    for move in reversed(outputs):  # the last serial numbers, or the end of the lot
        if left <= 0:
            break
        if move.product_qty > left:
            move = split_move(env, move, move.product_qty - left)
            env.session.add(move)
        move.location_dest_id = scrap_location.id
        label = text_of(_("failed inspection"))
        move.reference = (production.name + " " + label)[:128]
        left -= move.product_qty
        diverted.append(move)
    env.session.flush()
    return diverted


def after_produce(env: Env, production: Any) -> None:
    """After the moves are done: the genealogy, the scrap cost, the rework order's cost."""
    pending = env.cache.get(_PENDING).pop(production.id, {})
    Move = env["stock.move"]
    produced = (
        env.session.execute(
            select(Move.lot_id, Move.product_qty).where(
                Move.origin_model == ORIGIN,
                Move.origin_id == production.id,
                Move.product_id == production.product_id,
                Move.state == "done",
                Move.lot_id.is_not(None),
            )
        ).all()
        if production.product.tracking != "none"
        else []
    )
    lots = [(int(lot), Decimal(qty)) for lot, qty in produced]
    record_genealogy(env, production, lots)
    if production.rework_of_id:
        record_rework_genealogy(env, production, lots)
    for move in pending.get("scrap_moves", []):
        record_scrap(env, production, move, adds_cost=False)
    rework = pending.get("rework")
    if rework is not None:
        rework.rework_cost = (Decimal(production.qty_rework) * production.unit_cost).quantize(
            MONEY, rounding=ROUND_HALF_UP
        )
        env.session.flush()


def cancel_rework(env: Env, production: Any) -> None:
    """A rework order cancelled: the failed units it held go to scrap, at their carried cost."""
    if not production.rework_of_id or not production.finished_move_id:
        return
    move = env.session.get(env["stock.move"], production.finished_move_id)
    if move is None or move.state in ("done", "cancelled"):
        return
    scrap_location = warehouse_location(env, int(production.warehouse_id), "scrap")
    move.location_dest_id = scrap_location.id
    move.price_unit = (Decimal(production.rework_cost or 0) / move.product_qty).quantize(
        MONEY, rounding=ROUND_HALF_UP
    )
    label = text_of(_("not reworked"))
    move.reference = (production.name + " " + label)[:128]
    env.session.flush()
    do_moves(env, [move])
    record_scrap(env, production, move)

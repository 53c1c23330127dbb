"""Reorder rules: raise replenishment for products whose forecast falls under the minimum."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from addons.stock.hookspecs import StockHooks
from addons.stock.services.availability import availability
from kernel.fields import utcnow

if TYPE_CHECKING:
    from kernel.env import Env


@dataclass
class Replenishment:
    """One request raised (or attempted) by a rule."""

    rule_id: int
    product_id: int
    warehouse_id: int
    forecast: Decimal
    quantity: Decimal
    reference: str | None  # what the replenishing addon returned; None: nobody answered


def quantity_to_order(rule: Any, forecast: Decimal) -> Decimal:
    """``maximum − forecast`` rounded up to a multiple of ``rule.multiple`` (0 when not under the minimum)."""
    if forecast >= rule.minimum:
        return Decimal(0)
    needed = max(rule.maximum, rule.minimum) - forecast
    multiple = rule.multiple if rule.multiple and rule.multiple > 0 else Decimal(0)
    if multiple:
        needed = (needed / multiple).to_integral_value(rounding=ROUND_CEILING) * multiple
    return needed


def under_minimum(env: Env) -> list[tuple[Any, Decimal]]:
    """Active rules whose forecast is under their minimum, with that forecast."""
    Rule = env["stock.reorder.rule"]
    rules = list(env.session.scalars(select(Rule).where(Rule.active.is_(True)).order_by(Rule.id)))
    by_warehouse: dict[int, list[Any]] = defaultdict(list)
    for rule in rules:
        by_warehouse[rule.warehouse_id].append(rule)
    found = []
    for warehouse_id, group in by_warehouse.items():
        figures = availability(env, [r.product_id for r in group], warehouse_id)
        for rule in group:
            forecast = figures[rule.product_id]["forecast"]
            if forecast < rule.minimum:
                found.append((rule, forecast))
    return found


def run_reorder_rules(env: Env) -> list[Replenishment]:
    """Ask the ``stock_replenish`` hook for every product under its minimum.

    Runs as a scheduled job, a CLI command and a UI action. The forecast counts
    incoming goods, so a rule that already triggered a purchase that is on its
    way does not order again.
    """
    raised = []
    now = utcnow()
    for rule, forecast in under_minimum(env):
        quantity = quantity_to_order(rule, forecast)
        if quantity <= 0:
            continue
        reference = StockHooks(env).stock_replenish(
            env=env,
            product_id=rule.product_id,
            warehouse_id=rule.warehouse_id,
            quantity=quantity,
            origin_model="stock.reorder.rule",
            origin_id=rule.id,
        )
        rule.last_run_at = now
        rule.last_request = (reference or "")[:128]
        raised.append(
            Replenishment(
                rule.id, rule.product_id, rule.warehouse_id, forecast, quantity, reference
            )
        )
    env.session.flush()
    return raised

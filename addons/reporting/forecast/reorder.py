"""Suggested reorder quantities: the forecast demand held against stock's reorder rules.

Imported only where stock is installed (``env.has_addon("stock")``), as reporting's
``when=("stock",)`` parts are, so reporting still installs on base alone. It only
suggests: the rule's own figures (minimum, maximum, multiple) and stock's forecast are
used as stock computes them, and nothing is written — the rule decides what is ordered.

The suggestion covers the rule's lead time plus one review period (the forecast's
period): the stock forecast (on hand − reserved + incoming − outgoing) less the demand
expected until then is held against the rule as if it were today's forecast.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from addons.reporting.analyses import periods
from addons.reporting.forecast.analysis import ForecastAnalysis
from kernel.env import Env
from kernel.web.introspect import display_name, prefetch_display


@dataclass
class Suggestion:
    rule_id: int
    rule: str
    product_id: int
    warehouse: str
    stock_forecast: Decimal  # stock's forecast now
    demand: Decimal  # forecast demand over lead time + one period
    cover_days: int
    projected: Decimal  # stock_forecast − demand
    rule_now: Decimal  # what the rule orders today (0: not under its minimum)
    suggested: Decimal  # what it would order against the projected stock


def demand_over(analysis: ForecastAnalysis, values: list[Decimal], days: int) -> Decimal:
    """Forecast demand from ``as_of`` for ``days`` days, each period prorated by the days
    of it that fall in the window."""
    start = analysis.as_of
    end = start + dt.timedelta(days=days)
    total = Decimal(0)
    for key, value in zip(analysis.future, values, strict=True):
        first = periods.start_of(key, analysis.unit)
        after = periods.start_of(periods.shift(key, analysis.unit, 1), analysis.unit)
        overlap = (min(after, end) - max(first, start)).days
        if overlap > 0:
            total += value * overlap / (after - first).days
    return total


def suggestions(env: Env, analysis: ForecastAnalysis) -> list[Suggestion]:
    """One line per active reorder rule of a forecast product (empty for categories,
    or when the user may not read the rules)."""
    if analysis.by != "product" or not env.can("stock.reorder.rule", "read"):
        return []
    from addons.base.services.uom import round_quantity
    from addons.stock.services.availability import availability
    from addons.stock.services.reorder import quantity_to_order

    by_product = {s.key: s for s in analysis.series}
    Rule = env["stock.reorder.rule"]
    rules = list(
        env.session.scalars(
            select(Rule)
            .where(Rule.active.is_(True), Rule.product_id.in_(list(by_product)))
            .order_by(Rule.product_id, Rule.warehouse_id)
        )
    )
    prefetch_display(env, rules)
    figures: dict[int, dict[int, dict[str, Decimal]]] = {}
    for warehouse_id in {r.warehouse_id for r in rules}:
        ids = [r.product_id for r in rules if r.warehouse_id == warehouse_id]
        figures[warehouse_id] = availability(env, ids, warehouse_id)
    period_days = 7 if analysis.unit == "week" else 30
    out = []
    for rule in rules:
        series = by_product[rule.product_id]
        stock_forecast = figures[rule.warehouse_id][rule.product_id]["forecast"]
        cover = int(rule.lead_days or 0) + period_days
        demand = round_quantity(demand_over(analysis, series.forecast, cover), rule.product.uom)
        projected = stock_forecast - demand
        out.append(
            Suggestion(
                rule_id=rule.id,
                rule=display_name(rule, env),
                product_id=rule.product_id,
                warehouse=display_name(rule.warehouse, env),
                stock_forecast=stock_forecast,
                demand=demand,
                cover_days=cover,
                projected=projected,
                rule_now=quantity_to_order(rule, stock_forecast),
                suggested=quantity_to_order(rule, projected),
            )
        )
    return out

"""Shipping cost and transit days of a carrier for a destination (Decimal throughout)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

if TYPE_CHECKING:
    from kernel.env import Env

ZERO = Decimal(0)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Destination:
    """Where the goods go: a country and, in China, a province (either may be unknown)."""

    country_id: int | None
    state_id: int | None

    @classmethod
    def of_partner(cls, partner: Any | None) -> Destination:
        if partner is None:
            return cls(None, None)
        return cls(partner.country_id, partner.state_id)


def _specificity(row: Any, dest: Destination) -> int | None:
    """2 for a matching province, 1 for a matching country, 0 for anywhere, None: no match."""
    if row.state_id is not None:
        return 2 if row.state_id == dest.state_id else None
    if row.country_id is not None:
        return 1 if row.country_id == dest.country_id else None
    return 0


def _in_band(rule: Any, weight: Decimal) -> bool:
    start = rule.weight_from or ZERO
    return weight >= start and (rule.weight_to is None or weight < rule.weight_to)


def matching_rule(env: Env, carrier: Any, dest: Destination, weight: Decimal) -> Any | None:
    """The carrier's most specific price rule for the destination and weight (one query)."""
    Rule = env["delivery.price.rule"]
    rules = env.session.scalars(
        select(Rule).where(Rule.carrier_id == carrier.id).order_by(Rule.sequence, Rule.id)
    ).all()
    best: tuple[int, int, int] | None = None
    found = None
    for rule in rules:
        level = _specificity(rule, dest)
        if level is None or not _in_band(rule, weight):
            continue
        key = (-level, rule.sequence, rule.id)
        if best is None or key < best:
            best, found = key, rule
    return found


def shipping_price(
    env: Env, carrier: Any, dest: Destination, weight: Decimal, amount: Decimal
) -> Decimal:
    """What the carrier charges: free above its threshold, else its rule, else its fixed price.

    ``amount`` is the goods total the free-shipping threshold compares with;
    a rule's per-kg price counts every started kilogram above the band's start.
    """
    if carrier.free_over is not None and carrier.free_over > 0 and amount >= carrier.free_over:
        return ZERO
    rule = matching_rule(env, carrier, dest, weight)
    if rule is None:
        return Decimal(carrier.fixed_price or 0).quantize(CENT, ROUND_HALF_UP)
    extra = max(weight - (rule.weight_from or ZERO), ZERO).to_integral_value(ROUND_CEILING)
    price = Decimal(rule.price or 0) + Decimal(rule.price_per_kg or 0) * extra
    return price.quantize(CENT, ROUND_HALF_UP)


def transit_days(env: Env, carrier: Any, dest: Destination) -> int:
    """Working days in transit: the province's, else the country's, else the carrier's."""
    Transit = env["delivery.transit.time"]
    rows = env.session.scalars(select(Transit).where(Transit.carrier_id == carrier.id)).all()
    best: tuple[int, int] | None = None
    days = int(carrier.transit_days or 0)
    for row in rows:
        level = _specificity(row, dest)
        if level is None:
            continue
        key = (-level, row.id)
        if best is None or key < best:
            best, days = key, int(row.days)
    return days

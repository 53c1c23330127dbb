"""Shared helpers of the delivery tests: a carrier with price rules and transit times."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def make_carrier(env: Any, name: str = "Test carrier", **values: Any) -> Any:
    Carrier = env["delivery.carrier"]
    values.setdefault("code", "TC")
    values.setdefault("fixed_price", Decimal(20))
    values.setdefault("product_id", env.ref("delivery.product_shipping").id)
    carrier = Carrier(name=name, **values)
    env.session.add(carrier)
    env.session.flush()
    return carrier


def add_rule(env: Any, carrier: Any, **values: Any) -> Any:
    rule = env["delivery.price.rule"](carrier_id=carrier.id, **values)
    env.session.add(rule)
    env.session.flush()
    return rule

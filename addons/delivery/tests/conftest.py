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


def api_carrier(env: Any, url: str, name: str = "Fake carrier", **account: Any) -> Any:
    """A carrier booked through the reference JSON connector at ``url`` (the fake carrier)."""
    from addons.delivery.tests.fake_carrier import API_KEY

    carrier = make_carrier(env, name, code="FC", connector="http_json")
    account.setdefault("api_key", API_KEY)
    account.setdefault("webhook_secret", "whsec-test")
    account.setdefault("timeout_ms", 300)
    env.session.add(env["delivery.carrier.account"](carrier_id=carrier.id, endpoint=url, **account))
    env.session.flush()
    return carrier

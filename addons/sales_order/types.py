"""Small value objects exchanged through the sales order hooks.

They live in their own module so that other addons can import them without
pulling in models or services (``from addons.sales_order.types import CheckResult``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kernel.i18n import LazyString

SEVERITIES: tuple[str, ...] = ("ok", "review", "block")
"""Ordered from harmless to fatal: ``review`` needs a manager, ``block`` prevents approval."""


@dataclass(frozen=True)
class CheckResult:
    """One finding of a pre-approval check (credit limit, margin, compliance, stock …).

    ``code`` is a stable machine name (``"credit_limit"``), ``severity`` one of
    :data:`SEVERITIES`, ``message`` a translatable sentence naming what is wrong.
    """

    code: str
    severity: str
    message: str | LazyString

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown check severity {self.severity!r}")


@dataclass(frozen=True)
class PriceSuggestion:
    """What the pricing engine proposes for one line.

    ``price_unit`` is per unit of the product's own unit of measure, before
    ``discount`` (percent). ``source`` says where it came from (a code of
    ``PRICE_SOURCES``: ``list``, ``rule`` with ``rule_id``, or ``special`` — the
    default, for prices imposed through the ``sale_price_rule`` hook); it is stored
    on the line (``price_source``) and shown translated. ``note`` is an optional
    detail from the addon that imposed the price (a contract number), stored in
    ``pricing_note`` as given.
    """

    price_unit: Decimal
    discount: Decimal = Decimal(0)
    note: str = ""
    rule_id: int | None = None
    source: str = "special"

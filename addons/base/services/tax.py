"""The one tax engine: untaxed amount, tax and total of a line, in Decimal.

Sales orders, invoices and purchase orders all call :func:`compute` so that a
document and the documents made from it agree exactly. Rules:

* **price excluded** (the default): ``untaxed = round(price × qty × (1 − discount))``,
  ``tax = round(untaxed × rate)``, ``total = untaxed + tax``;
* **price included**: ``total = round(price × qty × (1 − discount))``,
  ``untaxed = round(total / (1 + rate))``, ``tax = total − untaxed``.

Rounding is half-up to the currency's decimals, per line (Chinese 发票 practice).
``untaxed + tax == total`` always holds exactly, and a price-included amount
comes back unchanged as the total.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, NamedTuple

from addons.base.services.currency import round as round_money
from kernel.errors import ValidationError
from kernel.i18n import _

HUNDRED = Decimal(100)


class TaxResult(NamedTuple):
    """Amounts of one line or one document; unpacks as ``untaxed, tax, total``."""

    untaxed: Decimal
    tax: Decimal
    total: Decimal

    def __add__(self, other: object) -> TaxResult:
        if not isinstance(other, TaxResult):
            return NotImplemented
        return TaxResult(
            self.untaxed + other.untaxed, self.tax + other.tax, self.total + other.total
        )


ZERO = TaxResult(Decimal(0), Decimal(0), Decimal(0))


def _dec(value: Any, field: str) -> Decimal:
    if isinstance(value, float):
        raise TypeError(f"{field}: floats are not accepted; pass a Decimal or a string")
    return value if isinstance(value, Decimal) else Decimal(str(value))


def rate_of(tax: Any) -> Decimal:
    """The tax rate as a fraction (13 % → 0.13); ``None`` means no tax."""
    if tax is None:
        return Decimal(0)
    return _dec(tax.amount, "amount") / HUNDRED


def compute(
    amount: Decimal | int | str,
    tax: Any,
    *,
    quantity: Decimal | int | str = 1,
    discount: Decimal | int | str = 0,
    currency: Any = None,
) -> TaxResult:
    """Amounts of ``quantity`` × ``amount`` (a unit price) under ``tax`` (record or ``None``).

    ``discount`` is a percentage taken off before tax. ``currency`` (a record, or
    ``None`` for two decimals) decides the rounding.
    """
    price = _dec(amount, "amount")
    qty = _dec(quantity, "quantity")
    disc = _dec(discount, "discount")
    if not Decimal(0) <= disc <= HUNDRED:
        raise ValidationError(
            _("Discount: must be between 0 and 100, not %(value)s", value=disc), field="discount"
        )
    base = price * qty * (HUNDRED - disc) / HUNDRED
    rate = rate_of(tax)
    if rate == 0:
        value = round_money(base, currency)
        return TaxResult(value, round_money(0, currency), value)
    if tax.price_include:
        total = round_money(base, currency)
        untaxed = round_money(total / (1 + rate), currency)
        return TaxResult(untaxed, total - untaxed, total)
    untaxed = round_money(base, currency)
    tax_amount = round_money(untaxed * rate, currency)
    return TaxResult(untaxed, tax_amount, untaxed + tax_amount)


def total(results: Iterable[TaxResult]) -> TaxResult:
    """The sum of line results: a document's untaxed amount, tax and total."""
    summed = ZERO
    for result in results:
        summed = summed + result
    return summed


def breakdown(lines: Iterable[tuple[Any, TaxResult]]) -> dict[Any, TaxResult]:
    """Per tax (record or ``None``), the summed amounts: the tax table printed on documents."""
    table: dict[Any, TaxResult] = {}
    for tax, result in lines:
        key = tax.id if tax is not None else None
        table[key] = table.get(key, ZERO) + result
    return table


def untaxed_unit_price(price: Decimal, tax: Any) -> Decimal:
    """A unit price without tax, unrounded (for comparing included and excluded prices)."""
    value = _dec(price, "price")
    if tax is None or not tax.price_include:
        return value
    return value / (1 + rate_of(tax))

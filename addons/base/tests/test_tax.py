"""The shared tax engine: exact amounts, half-up rounding, price-included round trips."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from addons.base.services import tax as tax_engine
from addons.base.services.tax import TaxResult, compute
from kernel.errors import ValidationError


@dataclass
class FakeTax:
    """A tax value object; the engine needs only ``amount`` and ``price_include``."""

    amount: Decimal
    price_include: bool = False
    id: int = 1


@dataclass
class FakeCurrency:
    decimals: int
    symbol: str = ""


CNY = FakeCurrency(2, "¥")
JPY = FakeCurrency(0, "JP¥")
VAT13 = FakeTax(Decimal("13"))
VAT13_INCL = FakeTax(Decimal("13"), price_include=True, id=2)

prices = st.decimals(min_value=Decimal("0"), max_value=Decimal("1000000"), places=4)
quantities = st.decimals(min_value=Decimal("0"), max_value=Decimal("10000"), places=4)
rates = st.decimals(min_value=Decimal("0"), max_value=Decimal("99"), places=2)
currencies = st.sampled_from([CNY, JPY, FakeCurrency(3)])


def test_price_excluded_line() -> None:
    assert compute(Decimal("100"), VAT13, quantity=3, currency=CNY) == TaxResult(
        Decimal("300.00"), Decimal("39.00"), Decimal("339.00")
    )


def test_price_included_line() -> None:
    untaxed, tax, total = compute(Decimal("113"), VAT13_INCL, currency=CNY)
    assert (untaxed, tax, total) == (Decimal("100.00"), Decimal("13.00"), Decimal("113.00"))


def test_half_up_rounding_not_bankers() -> None:
    # 0.125 × 1 at 0 % rounds to 0.13 (banker's rounding would give 0.12)
    assert compute(Decimal("0.125"), None, currency=CNY).total == Decimal("0.13")
    # tax of 0.50 at 13 % = 0.065 → 0.07
    assert compute(Decimal("0.50"), VAT13, currency=CNY).tax == Decimal("0.07")


def test_yen_has_no_decimals() -> None:
    assert compute(Decimal("999.5"), VAT13, currency=JPY) == TaxResult(
        Decimal("1000"), Decimal("130"), Decimal("1130")
    )


def test_discount_applies_before_tax() -> None:
    result = compute(Decimal("200"), VAT13, quantity=2, discount=Decimal("10"), currency=CNY)
    assert result == TaxResult(Decimal("360.00"), Decimal("46.80"), Decimal("406.80"))


def test_discount_out_of_range_names_the_field() -> None:
    with pytest.raises(ValidationError) as err:
        compute(Decimal("1"), VAT13, discount=Decimal("120"))
    assert "discount" in err.value.fields


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        compute(1.1, VAT13)  # type: ignore[arg-type]


def test_document_totals_and_breakdown() -> None:
    lines = [
        (VAT13, compute(Decimal("10.01"), VAT13, quantity=3, currency=CNY)),
        (VAT13, compute(Decimal("5"), VAT13, currency=CNY)),
        (None, compute(Decimal("7"), None, currency=CNY)),
    ]
    summed = tax_engine.total(r for _t, r in lines)
    assert summed == TaxResult(Decimal("42.03"), Decimal("4.55"), Decimal("46.58"))
    table = tax_engine.breakdown(lines)
    assert table[1].tax == Decimal("4.55")
    assert table[None] == TaxResult(Decimal("7.00"), Decimal("0.00"), Decimal("7.00"))


@given(prices, quantities, rates, st.booleans(), currencies)
def test_untaxed_plus_tax_is_total(
    price: Decimal, qty: Decimal, rate: Decimal, included: bool, currency: FakeCurrency
) -> None:
    result = compute(price, FakeTax(rate, included), quantity=qty, currency=currency)
    assert result.untaxed + result.tax == result.total
    quantum = Decimal(1).scaleb(-currency.decimals)
    for amount in result:
        assert amount == amount.quantize(quantum)
    assert result.tax >= 0 and result.untaxed >= 0


@given(prices, rates, currencies)
def test_price_included_total_is_the_price(
    price: Decimal, rate: Decimal, currency: FakeCurrency
) -> None:
    quantum = Decimal(1).scaleb(-currency.decimals)
    gross = price.quantize(quantum)
    result = compute(gross, FakeTax(rate, price_include=True), currency=currency)
    assert result.total == gross


@given(prices, rates, currencies)
def test_excluded_then_included_round_trips(
    price: Decimal, rate: Decimal, currency: FakeCurrency
) -> None:
    """Selling the excluded line's total as an included price gives back the same split.

    |t - u·r| ≤ q/2, so (u + t)/(1 + r) lies strictly within q/2 of u and rounds back to u.
    """
    excluded = compute(price, FakeTax(rate), currency=currency)
    included = compute(excluded.total, FakeTax(rate, price_include=True), currency=currency)
    assert included == excluded


@given(prices, quantities, currencies)
def test_no_tax_means_total_is_rounded_base(
    price: Decimal, qty: Decimal, currency: FakeCurrency
) -> None:
    result = compute(price, None, quantity=qty, currency=currency)
    assert result.tax == 0
    assert result.total == result.untaxed

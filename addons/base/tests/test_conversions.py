"""Currency rounding and conversion, unit conversion, against the shipped data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from addons.base.services import currency, uom
from kernel.errors import ValidationError
from kernel.testing import MakeInstance


def test_round_per_currency_decimals(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])
    with instance.unit(None, su=True) as env:
        cny, jpy = env.ref("base.cny"), env.ref("base.jpy")
        assert currency.round(Decimal("2.345"), cny) == Decimal("2.35")
        assert currency.round(Decimal("-2.345"), cny) == Decimal("-2.35")
        assert currency.round(Decimal("1234.5"), jpy) == Decimal("1235")
        assert currency.format_amount(Decimal("1234.5"), cny) == "¥1,234.50"
        assert currency.format_amount(Decimal("-1234.5"), jpy) == "-JP¥1,235"


def test_convert_uses_the_rate_valid_on_the_date(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])
    with instance.unit(None, su=True) as env:
        usd = env.ref("base.usd")
        # 2025 rate: 1 CNY = 0.137 USD; 2026: 0.1405
        assert currency.convert(env, Decimal("1000"), "CNY", usd, dt.date(2025, 6, 1)) == Decimal(
            "137.00"
        )
        assert currency.convert(env, Decimal("1000"), "CNY", "USD", dt.date(2026, 3, 1)) == (
            Decimal("140.50")
        )
        # cross rate USD → JPY, rounded to whole yen
        assert currency.convert(env, Decimal("100"), "USD", "JPY", dt.date(2026, 3, 1)) == (
            Decimal("15516")
        )
        assert currency.convert(env, Decimal("12.345"), "EUR", "EUR") == Decimal("12.35")


def test_convert_without_rate_says_which_currency_and_date(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])
    with instance.unit(None, su=True) as env:
        with pytest.raises(ValidationError) as err:
            currency.convert(env, Decimal("1"), "CNY", "USD", dt.date(2019, 1, 1))
        assert "USD" in str(err.value) and "2019-01-01" in str(err.value)
        with pytest.raises(ValidationError) as err:
            currency.by_code(env, "XYZ")
        assert "XYZ" in str(err.value)


def test_uom_conversion_within_category(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])
    with instance.unit(None, su=True) as env:
        unit, dozen = env.ref("base.uom_unit"), env.ref("base.uom_dozen")
        kg, g, t = env.ref("base.uom_kg"), env.ref("base.uom_g"), env.ref("base.uom_ton")
        assert uom.convert(env, Decimal("3"), dozen, unit) == Decimal("36")
        assert uom.convert(env, Decimal("30"), unit, dozen) == Decimal("2.5")
        assert uom.convert(env, Decimal("1500"), g, kg) == Decimal("1.5")
        assert uom.convert(env, Decimal("2.5"), t, kg.id) == Decimal("2500")
        # rounded half up to the target unit's precision (0.01 dozen, whole units)
        assert uom.convert(env, Decimal("7"), unit, dozen) == Decimal("0.58")
        assert str(uom.convert(env, Decimal("1.5"), dozen, unit)) == "18"
        assert uom.convert(env, Decimal("0.0415"), dozen, unit) == Decimal("0")
        assert uom.convert(env, Decimal("7"), unit, dozen, rounded=False) == Decimal(7) / 12


def test_uom_across_categories_names_both_units(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])
    with instance.unit(None, su=True, lang="zh_CN") as env:
        with pytest.raises(ValidationError) as err:
            uom.convert(env, Decimal("1"), env.ref("base.uom_kg"), env.ref("base.uom_m"))
        message = str(err.value)
        assert "kg" in message and "m" in message
        assert err.value.fields.keys() == {"uom_id"}


@dataclass
class FakeUom:
    id: int
    factor: Decimal
    category_id: int = 1
    rounding: Decimal = Decimal("0.0001")
    name: str = "u"


factors = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("1000"), places=3)
amounts = st.decimals(min_value=Decimal("-1000000"), max_value=Decimal("1000000"), places=4)


@given(amounts, factors, factors)
def test_uom_round_trip_is_exact_before_rounding(qty: Decimal, f1: Decimal, f2: Decimal) -> None:
    a, b = FakeUom(1, f1), FakeUom(2, f2)
    there = uom.convert(None, qty, a, b, rounded=False)  # type: ignore[arg-type]
    back = uom.convert(None, there, b, a, rounded=False)  # type: ignore[arg-type]
    assert abs(back - qty) < Decimal("1e-18")


@given(amounts, st.sampled_from(["0.01", "0.5", "1", "0.001"]))
def test_rounded_quantity_is_a_multiple_of_the_precision(qty: Decimal, step: str) -> None:
    rounded = uom.round_quantity(qty, FakeUom(1, Decimal(1), rounding=Decimal(step)))
    assert rounded % Decimal(step) == 0
    assert abs(rounded - qty) <= Decimal(step) / 2


@given(amounts, st.integers(min_value=0, max_value=4))
def test_currency_round_is_half_up_and_within_half_a_unit(amount: Decimal, places: int) -> None:
    rounded = currency.round(amount, places)
    unit = Decimal(1).scaleb(-places)
    assert abs(rounded - amount) <= unit / 2
    assert rounded == rounded.quantize(unit)
    assert currency.round(-amount, places) == -rounded  # symmetric: half away from zero


def test_uom_refuses_floats_and_leaves_a_quantity_without_unit(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])
    with instance.unit(None, su=True) as env:
        unit, dozen = env.ref("base.uom_unit"), env.ref("base.uom_dozen")
        with pytest.raises(TypeError):
            uom.convert(env, 1.5, dozen, unit)  # type: ignore[arg-type]
        assert uom.convert(env, Decimal("1.23456"), None, dozen) == Decimal("1.23456")
        # the same rule whichever addon converts: half up at the target unit's precision
        assert uom.convert(None, Decimal("1"), unit, dozen) == Decimal("0.08")
        assert uom.convert(None, Decimal("1"), unit, dozen, rounded=False) == Decimal(1) / 12

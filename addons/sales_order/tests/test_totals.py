"""Totals: per-line rounding in the order currency; lines always add up to the order."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from addons.sales_order.services import orders
from addons.sales_order.services.totals import compute_order, line_amounts
from addons.sales_order.tests.conftest import World

CNY = SimpleNamespace(decimals=2, code="CNY")
JPY = SimpleNamespace(decimals=0, code="JPY")
TAXES = [
    None,
    SimpleNamespace(amount=Decimal("13"), price_include=False),
    SimpleNamespace(amount=Decimal("9"), price_include=False),
    SimpleNamespace(amount=Decimal("6"), price_include=True),
]

quantities = st.decimals(min_value="0.0001", max_value="100000", places=4)
prices = st.decimals(min_value="0", max_value="1000000", places=4)
discounts = st.decimals(min_value="0", max_value="100", places=2)
line_st = st.tuples(quantities, prices, discounts, st.sampled_from(TAXES))


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(line_st, min_size=1, max_size=30), currency=st.sampled_from([CNY, JPY]))
def test_line_totals_sum_to_order_total(lines, currency) -> None:
    order = SimpleNamespace(
        currency=currency,
        lines=[
            SimpleNamespace(quantity=q, price_unit=p, discount=d, tax=t) for q, p, d, t in lines
        ],
    )
    compute_order(None, order)
    quantum = Decimal(1).scaleb(-currency.decimals)
    for line in order.lines:
        for amount in (line.price_subtotal, line.price_tax, line.price_total):
            assert amount == amount.quantize(quantum), (
                "every line amount is rounded to the currency"
            )
        assert line.price_subtotal + line.price_tax == line.price_total
    assert order.amount_untaxed == sum(line.price_subtotal for line in order.lines)
    assert order.amount_tax == sum(line.price_tax for line in order.lines)
    assert order.amount_total == sum(line.price_total for line in order.lines)
    assert order.amount_untaxed + order.amount_tax == order.amount_total


@given(q=quantities, p=prices, d=discounts)
def test_price_included_total_is_what_the_customer_pays(q, p, d) -> None:
    tax = TAXES[3]
    sub, tax_amount, total = line_amounts(q, p, d, tax, CNY)
    gross = (q * p * (100 - d) / 100).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    assert total == gross and sub + tax_amount == total


def test_half_cent_rounds_up_per_line(world: World) -> None:
    with world.unit() as env:
        # 3 × 0.35 × 13 % = 0.1365 → 0.14 per line; two lines 0.28 (not round(0.273) = 0.27)
        order = orders.create_order(
            env,
            world.customer,
            [
                {"product_id": world.gadget, "quantity": 3, "price_unit": "0.35"},
                {"product_id": world.gadget, "quantity": 3, "price_unit": "0.35"},
            ],
        )
        assert [line.price_tax for line in order.lines] == [Decimal("0.14"), Decimal("0.14")]
        assert order.amount_tax == Decimal("0.28")
        assert order.amount_total == Decimal("2.38")


def test_jpy_order_rounds_to_whole_yen(world: World) -> None:
    with world.unit() as env:
        jpy = env.ref("base.jpy").id
        order = orders.create_order(
            env,
            world.customer,
            [{"product_id": world.widget, "quantity": 1, "price_unit": "1234.5"}],
            currency_id=jpy,
        )
        line = order.lines[0]
        assert (line.price_subtotal, line.price_tax) == (Decimal("1235"), Decimal("161"))
        assert order.amount_total == Decimal("1396")

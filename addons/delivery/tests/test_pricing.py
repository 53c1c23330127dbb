"""Carrier prices: fixed, by weight band, by province and country, free above an amount."""

from __future__ import annotations

from decimal import Decimal

import pytest

from addons.delivery.services.pricing import Destination, shipping_price, transit_days
from addons.delivery.tests.conftest import add_rule, make_carrier
from kernel.errors import ValidationError
from kernel.testing import MakeInstance

D = Decimal


def test_price_rules_pick_the_most_specific_destination_and_band(
    make_instance: MakeInstance,
) -> None:
    instance = make_instance(["delivery"], demo=False)
    with instance.unit(None, su=True) as env:
        cn = env.ref("base.country_cn").id
        gd = env.ref("base.state_cn_gd").id
        bj = env.ref("base.state_cn_bj").id
        us = env.ref("base.country_us").id
        carrier = make_carrier(env, fixed_price=D("99"), free_over=D("500"))
        assert shipping_price(env, carrier, Destination(us, None), D(1), D(10)) == D("99.00")
        add_rule(env, carrier, country_id=cn, price=D(20), price_per_kg=D("5.5"), sequence=20)
        add_rule(env, carrier, state_id=gd, price=D(10), price_per_kg=D(2), weight_to=D(5))
        add_rule(env, carrier, state_id=gd, price=D(30), weight_from=D(5), sequence=30)
        # Guangdong, first band: 10 + 2 per started kg above 0 → 2.3 kg = 3 kg → 16
        assert shipping_price(env, carrier, Destination(cn, gd), D("2.3"), D(10)) == D("16.00")
        # Guangdong, second band starts at 5 kg
        assert shipping_price(env, carrier, Destination(cn, gd), D(5), D(10)) == D("30.00")
        # Beijing falls back to the country rule: 20 + 5.5 × 2
        assert shipping_price(env, carrier, Destination(cn, bj), D("1.5"), D(10)) == D("31.00")
        # a country without a rule: the fixed price
        assert shipping_price(env, carrier, Destination(us, None), D(1), D(10)) == D("99.00")
        # free from 500 on (goods total), not below
        assert shipping_price(env, carrier, Destination(cn, gd), D(1), D("500")) == D(0)
        assert shipping_price(env, carrier, Destination(cn, gd), D(1), D("499.99")) == D("12.00")


def test_transit_days_per_province_country_and_default(make_instance: MakeInstance) -> None:
    instance = make_instance(["delivery"], demo=False)
    with instance.unit(None, su=True) as env:
        cn = env.ref("base.country_cn").id
        gd = env.ref("base.state_cn_gd").id
        bj = env.ref("base.state_cn_bj").id
        carrier = make_carrier(env, transit_days=5)
        Transit = env["delivery.transit.time"]
        env.session.add_all(
            [
                Transit(carrier_id=carrier.id, country_id=cn, days=3),
                Transit(carrier_id=carrier.id, state_id=gd, days=1),
            ]
        )
        env.session.flush()
        assert transit_days(env, carrier, Destination(cn, gd)) == 1
        assert transit_days(env, carrier, Destination(cn, bj)) == 3
        assert transit_days(env, carrier, Destination(None, None)) == 5


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"price": D(-1)}, "price"),
        ({"weight_from": D(5), "weight_to": D(2)}, "weight_to"),
        ({"price_per_kg": D("-0.5")}, "price_per_kg"),
    ],
)
def test_bad_price_rules_are_refused_naming_the_field(
    make_instance: MakeInstance, values: dict[str, Decimal], field: str
) -> None:
    instance = make_instance(["delivery"], demo=False)
    with pytest.raises(ValidationError) as err, instance.unit(None, su=True) as env:
        add_rule(env, make_carrier(env), **values)
    assert field in err.value.fields


def test_demo_carriers_load(make_instance: MakeInstance) -> None:
    instance = make_instance(["delivery"], demo=True)
    with instance.unit(None, su=True) as env:
        sf = env.ref("delivery.carrier_sf")
        cn = env.ref("base.country_cn").id
        gd = env.ref("base.state_cn_gd").id
        assert shipping_price(env, sf, Destination(cn, gd), D("1.2"), D(10)) == D("16.00")
        assert transit_days(env, sf, Destination(cn, gd)) == 1

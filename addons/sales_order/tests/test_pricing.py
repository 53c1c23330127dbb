"""The pricing engine: rule kinds, priority, validity, minimum quantity, customer groups, hook."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import update

from addons.sales_order.services import orders
from addons.sales_order.services.pricing import last_prices, suggest_price
from addons.sales_order.tests.conftest import World
from addons.sales_order.types import PriceSuggestion
from kernel import hookimpl
from kernel.testing import StatementCounter

TODAY = dt.date.today()


def _rules(world: World, *rules: dict) -> list[int]:
    with world.instance.unit(None, su=True) as env:
        Pricelist = env["sale.pricelist"]
        Rule = env["sale.pricelist.rule"]
        pricelist = Pricelist(name="2026")
        env.session.add(pricelist)
        env.session.flush()
        made = [Rule(pricelist_id=pricelist.id, **values) for values in rules]
        env.session.add_all(made)
        env.session.flush()
        return [r.id for r in made]


def _price(world: World, product: int, quantity: str = "1", day: dt.date = TODAY, partner=True):
    with world.unit() as env:
        p = env.get("res.partner", world.customer) if partner else None
        return suggest_price(env, p, env.get("product.product", product), Decimal(quantity), day)


def test_list_price_without_rules(world: World) -> None:
    s = _price(world, world.widget)
    assert (s.price_unit, s.discount, s.rule_id) == (Decimal("100"), Decimal(0), None)


def test_fixed_price_for_customer(world: World) -> None:
    (rid,) = _rules(
        world,
        {
            "name": "Huaxin contract",
            "partner_id": world.customer,
            "product_id": world.widget,
            "kind": "fixed",
            "fixed_price": Decimal("88.50"),
        },
    )
    s = _price(world, world.widget)
    assert (s.price_unit, s.rule_id) == (Decimal("88.50"), rid)
    assert s.source == "rule" and s.note == ""
    assert _price(world, world.widget, partner=False).price_unit == Decimal("100")


def test_discount_for_customer_group_on_category_and_subcategory(world: World) -> None:
    _rules(
        world,
        {
            "name": "Distributors",
            "customer_group_id": world.group,
            "category_id": world.category,
            "kind": "discount",
            "discount": Decimal("15"),
        },
    )
    s = _price(world, world.gadget)  # gadget lives in a subcategory of Hardware
    assert (s.price_unit, s.discount) == (Decimal("25.50"), Decimal("15"))
    assert _price(world, world.service).discount == Decimal(0)


def test_cost_plus_formula(world: World) -> None:
    _rules(
        world,
        {
            "name": "Cost+",
            "product_id": world.widget,
            "kind": "cost_plus",
            "margin": Decimal("25"),
            "surcharge": Decimal("2.5"),
        },
    )
    assert _price(world, world.widget).price_unit == Decimal("77.5000")  # 60 × 1.25 + 2.5


def test_priority_wins_then_specificity(world: World) -> None:
    _low, high = _rules(
        world,
        {
            "name": "specific",
            "priority": 5,
            "partner_id": world.customer,
            "product_id": world.widget,
            "kind": "fixed",
            "fixed_price": Decimal("90"),
        },
        {"name": "general", "priority": 20, "kind": "discount", "discount": Decimal("5")},
    )
    assert _price(world, world.widget).rule_id == high
    _rules(
        world,
        {
            "name": "same prio, more specific",
            "priority": 20,
            "product_id": world.widget,
            "kind": "fixed",
            "fixed_price": Decimal("91"),
        },
    )
    assert _price(world, world.widget).price_unit == Decimal("91")


def test_validity_dates(world: World) -> None:
    _rules(
        world,
        {
            "name": "summer",
            "product_id": world.widget,
            "kind": "fixed",
            "fixed_price": Decimal("70"),
            "date_start": dt.date(2026, 6, 1),
            "date_end": dt.date(2026, 8, 31),
        },
    )
    assert _price(world, world.widget, day=dt.date(2026, 7, 1)).price_unit == Decimal("70")
    assert _price(world, world.widget, day=dt.date(2026, 9, 1)).price_unit == Decimal("100")
    assert _price(world, world.widget, day=dt.date(2026, 5, 31)).price_unit == Decimal("100")


def test_minimum_quantity(world: World) -> None:
    _rules(
        world,
        {
            "name": "volume",
            "product_id": world.widget,
            "kind": "discount",
            "discount": Decimal("10"),
            "min_quantity": Decimal("100"),
        },
    )
    assert _price(world, world.widget, "99").discount == Decimal(0)
    assert _price(world, world.widget, "100").discount == Decimal("10")


def test_min_quantity_counts_in_product_unit(world: World) -> None:
    _rules(
        world,
        {
            "name": "volume",
            "product_id": world.gadget,
            "kind": "discount",
            "discount": Decimal("10"),
            "min_quantity": Decimal("24"),
        },
    )
    with world.unit() as env:
        order = orders.create_order(
            env,
            world.customer,
            [{"product_id": world.gadget, "quantity": 2, "uom_id": env.ref("base.uom_dozen").id}],
        )
        assert order.lines[0].discount == Decimal("10")


def test_inactive_pricelist_is_ignored(world: World) -> None:
    _rules(
        world,
        {"name": "x", "product_id": world.widget, "kind": "fixed", "fixed_price": Decimal("1")},
    )
    with world.instance.unit(None, su=True) as env:
        env.session.execute(update(env["sale.pricelist"]).values(active=False))
    assert _price(world, world.widget).price_unit == Decimal("100")


def test_rule_is_stored_and_shown_on_the_line(world: World) -> None:
    (rid,) = _rules(
        world,
        {"name": "VIP", "partner_id": world.customer, "kind": "discount", "discount": Decimal("7")},
    )
    with world.unit() as env:
        order = orders.create_order(
            env, world.customer, [{"product_id": world.widget, "quantity": 1}]
        )
        line = order.lines[0]
        assert (line.price_source, line.pricing_rule_id) == ("rule", rid)
        assert line.price_subtotal == Decimal("93.00")
        order_id = order.id
    # the order form's lines say where the price came from in the reader's language,
    # and name the rule in its own words
    for lang, source in (("en", "Price list rule"), ("zh_CN", "价目表规则")):
        with world.unit(lang=lang) as env:
            row = _form_line(env, order_id)
            assert (row["price_source"], row["pricing_rule_id"]) == (source, "VIP")
    with world.unit(lang="zh_CN") as env:
        order = orders.create_order(
            env, world.customer, [{"product_id": world.gadget, "quantity": 1, "price_unit": "20"}]
        )
        row = _form_line(env, order.id)
        assert (row["price_source"], row["pricing_rule_id"]) == ("手工录入", "")


def _form_line(env, order_id: int) -> dict[str, str]:
    """The first line of the order form as a reader sees it: column → displayed text."""
    from kernel.web.introspect import collect_views, model_meta
    from kernel.web.ui import forms

    view = collect_views(env.registry)["sale.order"]
    meta = model_meta(env.registry, "sale.order")
    record = forms.load_record(env, view, meta, order_id)
    table = next(t for t in forms.line_tables(env, view, meta, record) if t.relation == "lines")
    return {w.field: w.display for w in table.rows[0]["widgets"]}


def test_hook_overrides_rules(world: World) -> None:
    _rules(
        world,
        {"name": "x", "product_id": world.widget, "kind": "fixed", "fixed_price": Decimal("90")},
    )

    class Promo:
        @hookimpl
        def sale_price_rule(self, env, partner, product, quantity, date):
            if product.default_code == "W-100":
                return PriceSuggestion(Decimal("50"), Decimal(0), "promotion")
            return None

    plugin = Promo()
    world.instance.registry.pm.register(plugin)
    try:
        promoted = _price(world, world.widget)
        assert (promoted.price_unit, promoted.source) == (Decimal("50"), "special")
        assert _price(world, world.gadget).price_unit == Decimal("25.50")
    finally:
        world.instance.registry.pm.unregister(plugin)


def test_last_prices_newest_first_in_one_query(world: World) -> None:
    with world.unit(world.manager) as env:
        for day, price in [
            (dt.date(2026, 1, 5), "95"),
            (dt.date(2026, 3, 5), "97"),
            (dt.date(2026, 2, 5), "96"),
        ]:
            order = orders.create_order(
                env,
                world.customer,
                [{"product_id": world.widget, "quantity": 1, "price_unit": price}],
                date_order=day,
            )
            orders.submit(env, order)
            orders.approve(env, order)
        draft = orders.create_order(
            env, world.customer, [{"product_id": world.widget, "quantity": 1, "price_unit": "1"}]
        )
        assert draft.state == "draft"
        env.session.flush()
        with StatementCounter(world.instance.engine) as counter:
            found = last_prices(env, world.customer, world.widget, limit=2)
        assert counter.count == 1
        assert [p.price_unit for p in found] == [Decimal("97"), Decimal("96")]


def test_pricing_many_lines_is_bounded(world: World) -> None:
    _rules(
        world,
        {
            "name": "g",
            "customer_group_id": world.group,
            "kind": "discount",
            "discount": Decimal("3"),
        },
    )
    counts = []
    for n in (5, 50):
        with world.unit() as env:
            lines = [
                {"product_id": world.widget if i % 2 else world.gadget, "quantity": 1}
                for i in range(n)
            ]
            with StatementCounter(world.instance.engine) as counter:
                orders.create_order(env, world.customer, lines)
            counts.append(counter.count)
    assert counts[1] - counts[0] <= 2, counts

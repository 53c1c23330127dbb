"""Order entry: numbering, customer defaults, lines, units, product search."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from addons.sales_order.services import orders
from addons.sales_order.services.products import find_products
from addons.sales_order.tests.conftest import World
from kernel.errors import ValidationError


def test_new_order_takes_number_and_customer_defaults(world: World) -> None:
    with world.unit() as env:
        order = orders.create_order(
            env, world.customer, [{"product_id": world.widget, "quantity": 2}]
        )
        year = dt.date.today().year
        assert order.name == f"SO{year}-00001"
        assert order.state == "draft"
        assert order.contact_name == "Li Wei"
        assert order.phone == "138-0000-1111"
        assert order.shipping_partner_id == world.delivery
        assert "5 Harbour Rd" in order.shipping_address and "Ningbo" in order.shipping_address
        # the country in the language the customer reads (partners read Chinese by default)
        assert order.shipping_address.splitlines()[-1] == "中国"
        assert order.payment_term_id == env.ref("base.term_30").id
        assert order.currency_id == env.ref("base.main_company").currency_id
        assert order.salesperson_id == world.clerk
        second = orders.create_order(env, world.customer, [], contact_name="Someone else")
        assert second.name == f"SO{year}-00002"
        assert second.contact_name == "Someone else"


def test_prefix_is_editable_per_company(world: World) -> None:
    with world.instance.unit(None, su=True) as env:
        Sequence = env["ir.sequence"]
        company_id = env.ref("base.main_company").id
        row = env.session.scalar(
            select(Sequence).where(Sequence.code == "sale.order", Sequence.company_id == company_id)
        )
        row.prefix = "HX-%(y)s-"
        row.padding = 4
    with world.unit() as env:
        order = orders.create_order(env, world.customer, [])
        assert order.name == f"HX-{dt.date.today().year % 100:02d}-0001"


def test_rolled_back_creation_gives_its_number_back(world: World) -> None:
    with pytest.raises(ValidationError), world.unit() as env:
        orders.create_order(env, world.customer, [{"product_id": 999999, "quantity": 1}])
    with world.unit() as env:
        order = orders.create_order(env, world.customer, [])
        assert order.name.endswith("-00001")


def test_lines_are_priced_taxed_and_totalled(world: World) -> None:
    with world.unit() as env:
        order = orders.create_order(
            env,
            world.customer,
            [
                {"product_id": world.widget, "quantity": "3"},
                {"product_id": world.gadget, "quantity": "2", "discount": "10"},
                {"product_id": world.service, "quantity": "1", "price_unit": "75.00"},
            ],
        )
        widget, gadget, service = order.lines
        assert widget.price_unit == Decimal("100") and widget.price_source == "list"
        # the specification comes from the product's, never repeats its name
        assert (widget.name, gadget.name, service.name) == ("Steel, 10 cm", "", "")
        assert widget.tax_id == env.ref("base.vat_13_sale").id
        assert (widget.price_subtotal, widget.price_tax, widget.price_total) == (
            Decimal("300.00"),
            Decimal("39.00"),
            Decimal("339.00"),
        )
        # 2 × 25.50 − 10 % = 45.90; 13 % = 5.967 → 5.97
        assert (gadget.price_subtotal, gadget.price_tax) == (Decimal("45.90"), Decimal("5.97"))
        assert service.price_unit == Decimal("75.00") and service.price_source == "manual"
        assert service.price_tax == Decimal("4.50")
        assert order.amount_untaxed == Decimal("420.90")
        assert order.amount_tax == Decimal("49.47")
        assert order.amount_total == Decimal("470.37")
    with world.unit() as env:
        stored = env.get("sale.order", order.id)
        assert stored.amount_total == Decimal("470.37")


def test_unit_conversion_prices_per_line_unit(world: World) -> None:
    with world.unit() as env:
        dozen = env.ref("base.uom_dozen").id
        order = orders.create_order(
            env, world.customer, [{"product_id": world.gadget, "quantity": 2, "uom_id": dozen}]
        )
        line = order.lines[0]
        assert line.uom_id == dozen
        assert line.price_unit == Decimal("306.00")  # 12 × 25.50
        assert line.cost_price == Decimal("120.00")
        assert line.price_subtotal == Decimal("612.00")


def test_incompatible_unit_is_refused_naming_the_field(world: World) -> None:
    with world.unit() as env, pytest.raises(ValidationError) as err:
        orders.create_order(
            env,
            world.customer,
            [{"product_id": world.widget, "quantity": 1, "uom_id": env.ref("base.uom_kg").id}],
        )
    assert "uom_id" in err.value.fields


def test_changing_customer_brings_its_defaults(world: World) -> None:
    with world.unit() as env:
        order = orders.create_order(env, None, [])
        assert order.contact_name == ""
        orders.update_order(env, order, partner_id=world.customer)
        assert order.contact_name == "Li Wei"
        assert order.shipping_partner_id == world.delivery


def test_find_products_by_reference_name_and_barcode(world: World) -> None:
    with world.unit() as env:
        assert [p.id for p in find_products(env, "W-100")] == [world.widget]
        assert [p.id for p in find_products(env, "gadg")] == [world.gadget]
        assert [p.id for p in find_products(env, "小部件")] == [world.widget]
        assert [p.id for p in find_products(env, "6901234567892")] == [world.widget]
        assert find_products(env, "nothing-like-this") == []


def test_submitted_order_header_is_frozen(world: World) -> None:
    from kernel.errors import ConflictError

    with world.unit() as env:
        order = orders.create_order(
            env, world.customer, [{"product_id": world.widget, "quantity": 1}]
        )
        orders.submit(env, order)
        assert order.state == "submitted"
    with pytest.raises(ConflictError), world.unit() as env:
        stored = env.get("sale.order", order.id)
        stored.partner_id = None
        env.session.flush()


def test_submitted_lines_are_frozen_but_other_columns_stay_writable(world: World) -> None:
    from kernel.errors import ConflictError

    with world.unit() as env:
        order = orders.create_order(
            env, world.customer, [{"product_id": world.widget, "quantity": 1}]
        )
        orders.submit(env, order)
    with pytest.raises(ConflictError), world.unit() as env:
        line = env.get("sale.order", order.id).lines[0]
        line.quantity = Decimal(5)
        env.session.flush()
    with world.unit() as env:
        stored = env.get("sale.order", order.id)
        stored.requested_date = dt.date.today() + dt.timedelta(days=30)  # rescheduling is allowed
        stored.lines[0].below_cost_reason = "noted"
    with world.unit() as env:
        orders.cancel(env, order.id, "customer withdrew")
    with world.unit(world.manager) as env:
        env.session.delete(env.get("sale.order", order.id))  # cancelled orders can be deleted


def test_orders_written_by_any_path_are_completed_at_flush(world: World) -> None:
    """The generic form/API create records directly: number, defaults, prices, totals follow."""
    with world.instance.unit(None, su=True) as env:
        pricelist = env["sale.pricelist"](name="P")
        env.session.add(pricelist)
        env.session.flush()
        env.session.add(
            env["sale.pricelist.rule"](
                pricelist_id=pricelist.id,
                name="Dozen deal",
                product_id=world.gadget,
                kind="fixed",
                fixed_price=Decimal("20"),
                min_quantity=Decimal("12"),
            )
        )
    with world.unit() as env:
        Order, Line = env["sale.order"], env["sale.order.line"]
        dozen = env.ref("base.uom_dozen").id
        order = Order(
            partner_id=world.customer,
            lines=[
                Line(product_id=world.gadget, quantity=Decimal(2), uom_id=dozen),
                Line(product_id=world.widget, quantity=Decimal(1), price_unit=Decimal("90")),
            ],
        )
        env.session.add(order)
        env.session.flush()
        assert order.name.startswith("SO") and order.company_id and order.currency_id
        assert order.contact_name == "Li Wei" and order.shipping_partner_id == world.delivery
        gadget, widget = order.lines
        assert (gadget.name, widget.name) == ("", "Steel, 10 cm")
        assert gadget.price_unit == Decimal("240.0000") and gadget.price_source == "rule"
        assert gadget.pricing_rule.name == "Dozen deal"
        assert gadget.tax_id == env.ref("base.vat_13_sale").id
        assert widget.price_unit == Decimal("90") and widget.price_source == "manual"
        assert order.amount_untaxed == Decimal("570.00")  # 2 × 240 + 90
        assert order.amount_total == Decimal("644.10")
        # changing a line later recomputes the order
        widget.quantity = Decimal(2)
        env.session.flush()
        assert order.amount_untaxed == Decimal("660.00")


def test_line_unit_smaller_than_the_product_unit_keeps_an_exact_price(world: World) -> None:
    """Price per line unit uses the exact ratio (1/12), not a ratio rounded at 0.01 dozen."""
    with world.unit() as env:
        product = env["product.product"](
            name="Eggs by the dozen",
            uom_id=env.ref("base.uom_dozen").id,
            list_price=Decimal("120"),
            standard_price=Decimal("60"),
        )
        env.session.add(product)
        env.session.flush()
        unit = env.ref("base.uom_unit").id
        order = orders.create_order(
            env, world.customer, [{"product_id": product.id, "quantity": 6, "uom_id": unit}]
        )
        line = order.lines[0]
        assert line.price_unit == Decimal("10.00")  # 120 / 12, not 120 × 0.08
        assert line.cost_price == Decimal("5.00")
        assert line.price_subtotal == Decimal("60.00")


def test_removing_a_draft_line_updates_the_order_totals(make_instance) -> None:
    """A line dropped from the order's lines (what the form and an API PATCH do) or deleted on
    its own takes its amounts with it; the totals never keep a line that is gone."""
    from decimal import Decimal as D

    instance = make_instance(["sales_order"])
    with instance.unit(None, su=True) as env:
        partner = env["res.partner"](name="Acme", is_customer=True)
        tea = env["product.product"](
            name="Tea", list_price=D("10.00"), uom_id=env.ref("base.uom_unit").id
        )
        env.session.add_all([partner, tea])
        env.session.flush()
        Order, Line = env["sale.order"], env["sale.order.line"]
        order = Order(
            partner_id=partner.id,
            lines=[Line(product_id=tea.id, quantity=D(n)) for n in (1, 2, 4)],
        )
        env.session.add(order)
        env.session.flush()
        order_id, last = order.id, order.lines[2].id
        assert order.amount_untaxed == D("70.00")
    with instance.unit(None, su=True) as env:
        env.session.delete(env.session.get(env["sale.order.line"], last))
        env.session.flush()
        assert env.session.get(env["sale.order"], order_id).amount_untaxed == D("30.00")
    with instance.unit(None, su=True) as env:
        order = env.session.get(env["sale.order"], order_id)
        order.lines = [order.lines[0]]
        env.session.flush()
    with instance.unit(None, su=True, readonly=True) as env:
        order = env.session.get(env["sale.order"], order_id)
        assert len(order.lines) == 1 and order.amount_untaxed == D("10.00")

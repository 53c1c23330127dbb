"""Shared fixtures: an instance with sales_order, users per role, a customer and products."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from kernel.instance import Instance
from kernel.testing import MakeInstance, make_user


@dataclass
class World:
    instance: Instance
    clerk: int
    manager: int
    customer: int
    delivery: int
    contact: int
    group: int
    category: int
    subcategory: int
    widget: int  # 13 % VAT, list 100, cost 60, unit
    gadget: int  # 13 % VAT, list 25.50, cost 10, in subcategory
    service: int  # 6 % VAT, list 80, cost 0

    def unit(self, uid: int | None = None, **kw: Any) -> Any:
        return self.instance.unit(uid if uid is not None else self.clerk, **kw)


def build_world(instance: Instance) -> World:
    clerk = make_user(instance, "clerk", ["sales_order.group_user"])
    manager = make_user(instance, "boss", ["sales_order.group_manager"])
    with instance.unit(None, su=True) as env:
        Partner = env["res.partner"]
        Group = env["res.partner.group"]
        Category = env["product.category"]
        Product = env["product.product"]
        group = Group(name="Distributors")
        env.session.add(group)
        env.session.flush()
        customer = Partner(
            name="Huaxin Trading Co.",
            is_company=True,
            is_customer=True,
            phone="021-5555-0101",
            street="88 Century Ave",
            city="Shanghai",
            zip="200120",
            country_id=env.ref("base.country_cn").id,
            payment_term_id=env.ref("base.term_30").id,
            customer_group_id=group.id,
            credit_limit=Decimal(0),
        )
        env.session.add(customer)
        env.session.flush()
        contact = Partner(
            name="Li Wei",
            is_company=False,
            parent_id=customer.id,
            type="contact",
            phone="138-0000-1111",
        )
        delivery = Partner(
            name="Huaxin Warehouse",
            is_company=False,
            parent_id=customer.id,
            type="delivery",
            street="5 Harbour Rd",
            city="Ningbo",
            zip="315000",
            country_id=env.ref("base.country_cn").id,
        )
        env.session.add_all([contact, delivery])
        category = Category(name="Hardware")
        env.session.add(category)
        env.session.flush()
        sub = Category(name="Small parts", parent_id=category.id)
        env.session.add(sub)
        env.session.flush()
        unit = env.ref("base.uom_unit").id
        vat13 = env.ref("base.vat_13_sale").id
        vat6 = env.ref("base.vat_6_sale").id
        widget = Product(
            default_code="W-100",
            name="Widget",
            name_zh="小部件",
            category_id=category.id,
            type="consumable",
            uom_id=unit,
            list_price=Decimal("100"),
            standard_price=Decimal("60"),
            sale_tax_id=vat13,
            barcode="6901234567892",
            specification="Steel, 10 cm",
        )
        gadget = Product(
            default_code="G-200",
            name="Gadget",
            category_id=sub.id,
            type="consumable",
            uom_id=unit,
            list_price=Decimal("25.50"),
            standard_price=Decimal("10"),
            sale_tax_id=vat13,
        )
        service = Product(
            default_code="S-300",
            name="Installation service",
            type="service",
            uom_id=unit,
            list_price=Decimal("80"),
            standard_price=Decimal("0"),
            sale_tax_id=vat6,
        )
        env.session.add_all([widget, gadget, service])
        env.session.flush()
        return World(
            instance=instance,
            clerk=clerk,
            manager=manager,
            customer=customer.id,
            delivery=delivery.id,
            contact=contact.id,
            group=group.id,
            category=category.id,
            subcategory=sub.id,
            widget=widget.id,
            gadget=gadget.id,
            service=service.id,
        )


@pytest.fixture
def world(make_instance: MakeInstance) -> World:
    return build_world(make_instance(["sales_order"]))

"""Shared set-up for purchase tests: a supplier, goods and a buyer/manager."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from kernel.instance import Instance
from kernel.testing import make_user


def make_goods(instance: Instance, n: int = 2, *, cost: str = "10.00") -> dict[str, Any]:
    """A supplier with prices, ``n`` stockable products, a buyer and a purchase manager."""
    with instance.unit(None, su=True) as env:
        Partner = env["res.partner"]
        Product = env["product.product"]
        Price = env["purchase.supplier.price"]
        supplier = Partner(name="华东纺织有限公司", is_company=True, is_supplier=True)
        other = Partner(name="Shenzhen Parts Ltd", is_company=True, is_supplier=True)
        env.session.add_all([supplier, other])
        env.session.flush()
        unit = env.ref("base.uom_unit")
        tax = env.ref("base.vat_13_purchase")
        products = []
        for i in range(n):
            product = Product(
                default_code=f"P{i:03d}",
                name=f"T-shirt {i}",
                type="stockable",
                uom_id=unit.id,
                list_price=Decimal("39.00"),
                standard_price=Decimal(cost),
                purchase_tax_id=tax.id,
            )
            env.session.add(product)
            env.session.flush()
            env.session.add(
                Price(
                    partner_id=supplier.id,
                    product_id=product.id,
                    min_qty=Decimal(0),
                    price=Decimal("9.50"),
                    delay_days=5,
                )
            )
            env.session.add(
                Price(
                    partner_id=supplier.id,
                    product_id=product.id,
                    min_qty=Decimal(100),
                    price=Decimal("8.80"),
                    delay_days=7,
                )
            )
            products.append(product.id)
        ids = {"supplier": supplier.id, "other": other.id, "products": products}
    ids["buyer"] = make_user(instance, "buyer", ["purchase.group_user", "stock.group_user"])
    ids["manager"] = make_user(instance, "pmanager", ["purchase.group_manager", "stock.group_user"])
    return ids


@pytest.fixture
def purchase_instance(make_instance: Any) -> Instance:
    return make_instance(["purchase"])

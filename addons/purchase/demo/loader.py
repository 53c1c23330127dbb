"""Demo purchasing data: supplier prices for the demo products, and a few orders."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

if TYPE_CHECKING:
    from kernel.env import Env


def load(env: Env) -> None:
    rng = random.Random(42)
    Partner = env["res.partner"]
    Product = env["product.product"]
    Price = env["purchase.supplier.price"]
    suppliers = list(
        env.session.scalars(
            select(Partner).where(Partner.is_supplier.is_(True)).order_by(Partner.id)
        )
    )
    products = list(
        env.session.scalars(
            select(Product)
            .where(Product.purchase_ok.is_(True), Product.type != "service")
            .order_by(Product.id)
        )
    )
    if not suppliers or not products:
        return
    for index, product in enumerate(products):
        supplier = suppliers[index % len(suppliers)]
        cost = product.standard_price or Decimal("10")
        code = f"S{supplier.id}-{product.default_code or product.id}"  # the supplier's catalogue number
        env.session.add(
            Price(
                partner_id=supplier.id,
                product_id=product.id,
                product_code=code,
                min_qty=Decimal(0),
                price=cost,
                delay_days=rng.choice([3, 5, 7, 10, 14]),
            )
        )
        env.session.add(
            Price(
                partner_id=supplier.id,
                product_id=product.id,
                product_code=code,
                min_qty=Decimal(100),
                price=(cost * Decimal("0.95")).quantize(Decimal("0.01")),
                delay_days=14,
            )
        )
    env.session.flush()

"""Shared helpers of the stock tests: an instance with stock, products, quick figures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from kernel.instance import Instance
from kernel.testing import MakeInstance


@pytest.fixture
def stock(make_instance: MakeInstance) -> Instance:
    return make_instance(["stock"])


def make_product(env: Any, name: str, **values: Any) -> int:
    Product = env["product.product"]
    values.setdefault("type", "stockable")
    values.setdefault("uom_id", env.ref("base.uom_unit").id)
    product = Product(name=name, **values)
    env.session.add(product)
    env.session.flush()
    return int(product.id)


def stock_loc(env: Any) -> Any:
    return env.ref("stock.location_stock")


def customers(env: Any) -> Any:
    return env.ref("stock.location_customers")


def on_hand(env: Any, product_id: int) -> Decimal:
    from addons.stock.services import availability

    return availability(env, [product_id])[product_id]["on_hand"]


def delivery(env: Any, lines: list[tuple[int, Any]], **values: Any) -> Any:
    """A confirmed delivery from WH/Stock to customers: ``[(product_id, qty), ...]``."""
    from addons.stock.services import confirm_picking, create_picking

    wh = env.ref("stock.warehouse_main")
    picking = create_picking(
        env,
        "outgoing",
        stock_loc(env).id,
        customers(env).id,
        [{"product_id": pid, "quantity": Decimal(str(q))} for pid, q in lines],
        warehouse_id=wh.id,
        company_id=wh.company_id,
        **values,
    )
    confirm_picking(env, picking)
    return picking

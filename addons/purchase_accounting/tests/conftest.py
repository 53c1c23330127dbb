"""An instance with purchase and accounting (purchase_accounting installs by itself)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from addons.purchase.services import orders as po
from addons.purchase.tests.conftest import make_goods
from kernel.instance import Instance
from kernel.testing import MakeInstance, make_user


@dataclass
class Shop:
    instance: Instance
    supplier: int
    products: list[int]
    buyer: int
    accountant: int
    controller: int

    def unit(self, uid: int, **kw: Any) -> Any:
        return self.instance.unit(uid, **kw)


def build_shop(instance: Instance, n: int = 2) -> Shop:
    ids = make_goods(instance, n)
    return Shop(
        instance=instance,
        supplier=ids["supplier"],
        products=ids["products"],
        buyer=ids["buyer"],
        accountant=make_user(instance, "accountant", ["accounting.group_user"]),
        controller=make_user(instance, "controller", ["accounting.group_manager"]),
    )


@pytest.fixture
def shop(make_instance: MakeInstance) -> Shop:
    return build_shop(make_instance(["purchase", "accounting"]))


def confirmed_order(shop: Shop, quantities: list[str]) -> int:
    """A confirmed order of ``quantities`` of the shop's products (in order), at 9.50 + 13% VAT."""
    with shop.unit(shop.buyer) as env:
        order = po.create_order(
            env,
            shop.supplier,
            [
                {"product_id": pid, "quantity": qty}
                for pid, qty in zip(shop.products, quantities, strict=False)
            ],
        )
        po.confirm(env, order)
        assert order.state == "confirmed"
        return int(order.id)


def receive(env: Any, order: Any, quantities: dict[int, str] | None = None) -> None:
    """Validate the order's open receipt: everything, or ``quantities`` per product id."""
    from addons.purchase.services.receipts import receipts_of
    from addons.stock.services.pickings import validate_picking

    picking = next(p for p in receipts_of(env, order) if p.state not in ("done", "cancelled"))
    per_move = None
    if quantities is not None:
        per_move = {
            m.id: Decimal(quantities[m.product_id])
            for m in picking.moves
            if m.product_id in quantities
        }
    validate_picking(env, picking, per_move)

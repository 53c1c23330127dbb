"""Shared fixtures: instances with accounting (alone, and with sales_order), users, a customer."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from kernel.instance import Instance
from kernel.testing import MakeInstance, make_user


@dataclass
class Books:
    instance: Instance
    accountant: int
    manager: int
    customer: int
    customer2: int
    supplier: int

    def unit(self, uid: int | None = None, **kw: Any) -> Any:
        return self.instance.unit(uid if uid is not None else self.accountant, **kw)


def build_books(instance: Instance) -> Books:
    accountant = make_user(instance, "accountant", ["accounting.group_user"])
    manager = make_user(instance, "controller", ["accounting.group_manager"])
    with instance.unit(None, su=True) as env:
        Partner = env["res.partner"]
        term = env.ref("base.term_30").id
        customer = Partner(
            name="Huaxin Trading Co.", is_company=True, is_customer=True, payment_term_id=term
        )
        customer2 = Partner(name="Jinling Foods", is_company=True, is_customer=True)
        supplier = Partner(name="Baosteel Supply", is_company=True, is_supplier=True)
        env.session.add_all([customer, customer2, supplier])
        env.session.flush()
        return Books(
            instance=instance,
            accountant=accountant,
            manager=manager,
            customer=customer.id,
            customer2=customer2.id,
            supplier=supplier.id,
        )


@pytest.fixture
def books(make_instance: MakeInstance) -> Books:
    return build_books(make_instance(["accounting"]))


def vat13(env: Any) -> int:
    return int(env.ref("base.vat_13_sale").id)


def item(price: str, qty: str = "1", tax: int | None = None, name: str = "Goods") -> dict[str, Any]:
    return {"name": name, "price_unit": Decimal(price), "quantity": Decimal(qty), "tax_id": tax}

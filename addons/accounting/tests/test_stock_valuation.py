"""With stock and perpetual valuation: receipts and deliveries post valuation entries."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from addons.accounting.services import fiscal
from addons.stock.services import receive, validate_picking
from addons.stock.tests.conftest import delivery, make_product
from kernel.testing import MakeInstance


def _balance(env, code: str) -> Decimal:
    Line = env["account.move.line"]
    account = fiscal.account_by_code(env, code)
    value = env.session.scalar(
        select(func.sum(Line.debit) - func.sum(Line.credit)).where(Line.account_id == account.id)
    )
    return Decimal(value or 0)


def test_perpetual_valuation_of_receipts_and_deliveries(make_instance: MakeInstance) -> None:
    instance = make_instance(["stock", "accounting"])
    with instance.unit(None, su=True) as env:
        env.ref("base.main_company").stock_valuation = "perpetual"
        product = make_product(env, "Steel bar", standard_price=Decimal("5"))
        receive(env, product, Decimal(10), price_unit=Decimal("5.50"))
        assert _balance(env, "1405") == Decimal("55.00")
        assert _balance(env, "220201") == Decimal("-55.00")
        picking = delivery(env, [(product, 4)])
        validate_picking(env, picking)
        cost = env.get("product.product", product).standard_price
        assert _balance(env, "5401") == (Decimal(4) * cost).quantize(Decimal("0.01"))
        assert _balance(env, "1405") == Decimal("55.00") - _balance(env, "5401")


def test_periodic_valuation_posts_nothing(make_instance: MakeInstance) -> None:
    instance = make_instance(["stock", "accounting"])
    with instance.unit(None, su=True) as env:
        product = make_product(env, "Steel bar")
        receive(env, product, Decimal(10), price_unit=Decimal("5.50"))
        Move = env["account.move"]
        assert env.session.scalar(select(func.count()).select_from(Move)) == 0

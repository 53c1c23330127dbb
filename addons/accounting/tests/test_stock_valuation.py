"""With stock and perpetual valuation: receipts and deliveries post valuation entries."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from addons.accounting.services import fiscal
from addons.accounting.tests.conftest import Books
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


def test_a_chart_from_before_the_conversion_account_gets_only_that_account(books: Books) -> None:
    """A company whose chart predates the applied labour and overhead account gets that one
    account on its first production posting — the accounts it renamed stay as it named them."""
    from sqlalchemy import delete, select

    from addons.accounting.services.chart import ensure_chart
    from addons.accounting.services.valuation import _conversion_account

    with books.unit(None, su=True) as env:
        company = env.ref("base.main_company")
        ensure_chart(env, company)
        Account, Data = env["account.account"], env["ir.model.data"]
        conversion = env.session.get(Account, company.account_conversion_id)
        code = conversion.code
        # as the chart was before the account existed
        company.account_conversion_id = None
        env.session.flush()
        conn = env.session.connection()  # the system's own rows, removed as a migration would
        conn.execute(
            delete(Data.__table__).where(
                Data.__table__.c.model == "account.account",
                Data.__table__.c.res_id == conversion.id,
            )
        )
        conn.execute(delete(Account.__table__).where(Account.__table__.c.id == conversion.id))
        env.session.expunge(conversion)
        cash = env.session.scalars(select(Account).where(Account.code == "1001")).one()
        cash.name = "Petty cash, front desk"
    with books.unit(books.manager) as env, env.sudo("a production posting, as mrp's hook makes it"):
        company = env.ref("base.main_company")
        _conversion_account(env, company)
        env.session.flush()
        cash = env.session.scalars(select(Account).where(Account.code == "1001")).one()
        assert env.session.get(Account, company.account_conversion_id).code == code
        assert cash.name == "Petty cash, front desk", "the rest of the chart is left alone"

"""Exact amounts (Money / Exact): exact sums in SQL, no lost digits, floats refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import StatementError

from kernel.errors import ValidationError
from kernel.fields import Exact
from kernel.instance import Instance
from kernel.testing import StatementCounter


def test_sum_of_100000_cents_is_exact_in_sql(library: Instance) -> None:
    with library.unit(None, su=True) as env:
        Book = env["lib.book"]
        rows = [{"title": f"b{i}", "price": Decimal("0.01")} for i in range(100_000)]
        env.session.execute(insert(Book), rows)
    with library.unit(None, su=True) as env:
        Book = env["lib.book"]
        with StatementCounter(library.engine) as counter:
            total = env.session.scalar(select(func.sum(Book.price)))
        assert counter.count == 1, "the sum is one SQL statement, not a Python loop"
        assert isinstance(total, Decimal)
        assert total == Decimal("1000.00")
        assert str(total) == "1000.0000"


def test_large_amount_round_trips_unchanged(library: Instance) -> None:
    amount = Decimal("12345678901234.5678")
    with library.unit(None, su=True) as env:
        book = env["lib.book"](title="Expensive", price=amount)
        env.session.add(book)
        env.session.flush()
        book_id = book.id
    with library.unit(None, su=True) as env:
        price = env.session.scalar(
            select(env["lib.book"].price).where(env["lib.book"].id == book_id)
        )
        assert price == amount
        assert str(price) == "12345678901234.5678"
        negative = env["lib.book"](title="Refund", price=-amount)
        env.session.add(negative)
        env.session.flush()
        assert env.session.scalar(select(func.sum(env["lib.book"].price))) == Decimal(0)


def test_float_is_refused_naming_the_field(library: Instance) -> None:
    with library.unit(None, su=True) as env:
        with pytest.raises(ValidationError) as caught:
            env["lib.book"](title="Float", price=0.1)
        assert "price" in caught.value.fields
        assert "Price" in str(caught.value) and "float" in str(caught.value)
        book = env["lib.book"](title="Ok", price=Decimal("1"))
        with pytest.raises(ValidationError, match="float"):
            book.price = 19.99
        assert book.price == Decimal("1")


def test_float_in_a_bulk_insert_is_refused_too(library: Instance) -> None:
    with (
        library.unit(None, su=True) as env,
        pytest.raises(StatementError, match="floats are not accepted"),
    ):
        env.session.execute(insert(env["lib.book"]), [{"title": "f", "price": 0.5}])


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (Decimal("0.00001"), "more than 4 decimal places"),
        ("1.23456", "more than 4 decimal places"),
        (Decimal("1234567890123456.78"), "more than 18 digits"),
        ("twelve", "is not a number"),
    ],
)
def test_too_precise_or_not_a_number_is_refused(
    library: Instance, value: object, reason: str
) -> None:
    with library.unit(None, su=True) as env, pytest.raises(ValidationError) as caught:
        env["lib.book"](title="Bad", price=value)
    assert reason in str(caught.value)
    assert caught.value.fields.keys() == {"price"}


def test_strings_and_integers_are_accepted_exactly(library: Instance) -> None:
    with library.unit(None, su=True) as env:
        a = env["lib.book"](title="a", price="0.1")
        b = env["lib.book"](title="b", price=2)
        env.session.add_all([a, b])
        env.session.flush()
        ids = (a.id, b.id)
    with library.unit(None, su=True) as env:
        Book = env["lib.book"]
        prices = env.session.scalars(select(Book.price).where(Book.id.in_(ids)).order_by(Book.id))
        assert list(prices) == [Decimal("0.1"), Decimal("2")]


def test_exact_type_coercion_rules() -> None:
    rate = Exact(8)
    assert rate._coerce("1.23456789") == Decimal("1.23456789")
    with pytest.raises(TypeError):
        rate._coerce(1.5)
    with pytest.raises(ValueError, match="more than 8 decimal places"):
        rate._coerce("1.234567891")

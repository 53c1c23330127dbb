"""Composed models and hooks: extensions, super() chains, isolation between instances."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fixture_paths import ADDONS, MISSPELT
from sqlalchemy import inspect, select

from kernel import lifecycle, schema
from kernel.errors import AddonError
from kernel.instance import Instance
from kernel.testing import MakeInstance, table_counts


def test_extension_adds_column_foreign_key_and_relationship(library_loan: Instance) -> None:
    Book = library_loan.registry["lib.book"]
    table = Book.__table__
    assert {"loan_count", "current_loan_id"} <= set(table.columns.keys())
    fks = {(fk.parent.name, fk.column.table.name) for fk in table.foreign_keys}
    assert ("current_loan_id", "lib_loan") in fks
    owners = library_loan.registry.column_owners
    assert owners[("lib_book", "current_loan_id")] == "library_loan"
    assert owners[("lib_book", "title")] == "library"

    with library_loan.engine.connect() as conn:
        db_columns = {c["name"] for c in inspect(conn).get_columns("lib_book")}
        db_fks = {
            (tuple(f["constrained_columns"]), f["referred_table"])
            for f in inspect(conn).get_foreign_keys("lib_book")
        }
    assert {"loan_count", "current_loan_id"} <= db_columns
    assert (("current_loan_id",), "lib_loan") in db_fks

    with library_loan.unit(None, su=True) as env:
        book = env["lib.book"](title="Journey to the West", price=Decimal("30"))
        env.session.add(book)
        env.session.flush()
        loan = env["lib.loan"](book_id=book.id, borrower="Sun Wukong")
        env.session.add(loan)
        env.session.flush()
        book.current_loan = loan
        book_id = book.id
    with library_loan.unit(None, su=True) as env:
        again = env.get("lib.book", book_id)
        assert again.current_loan.borrower == "Sun Wukong"
        assert again.current_loan.book is again


def test_many2one_names_its_target_by_class_or_name_and_refuses_an_extension(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``many2one(cls, Book, ...)`` (typed) is the same relationship as ``many2one(cls, "Book", ...)``.

    library_loan's fixture models use the class form; the test above follows both
    relationships. An extension is not a target: its class name is not a model's.
    """
    monkeypatch.syspath_prepend(ADDONS)
    from library.models.book import Book
    from library_loan.models.book import BookLoan

    from kernel import many2one

    assert many2one(object, Book, "book_id").argument == "Book"
    assert many2one(object, "Book", "book_id").argument == "Book"
    with pytest.raises(TypeError, match="BookLoan is not a model definition"):
        many2one(object, BookLoan, "book_id")


def test_method_override_calls_super_in_dependency_order(library_loan: Instance) -> None:
    with library_loan.unit(None, su=True) as env:
        book = env["lib.book"](title="Water Margin")
        assert book.describe() == ["library", "library_loan", "library_glue"]


def test_extension_report_lists_parts_and_override_order(library_loan: Instance) -> None:
    report = library_loan.registry.extension_report()
    assert "lib.book: library:Book → library_loan:BookLoan → library_glue:BookGlue" in report
    assert "    describe(): applied in order library → library_loan → library_glue" in report


def test_two_instances_do_not_share_columns_or_hooks(
    library: Instance, library_loan: Instance
) -> None:
    plain = library.registry["lib.book"]
    extended = library_loan.registry["lib.book"]
    assert plain is not extended
    assert plain.__table__ is not extended.__table__
    assert "loan_count" not in plain.__table__.columns
    assert not hasattr(plain, "current_loan")
    assert "lib.loan" not in library.registry
    with library.engine.connect() as conn:
        assert "loan_count" not in {c["name"] for c in inspect(conn).get_columns("lib_book")}

    with library.unit(None, su=True) as env:
        book = env["lib.book"](title="Plain", price=Decimal("1"))
        env.session.add(book)
        env.session.flush()
        assert book.describe() == ["library"]
        assert env.hook.library_book_labels(env=env, book=book) == []
        with pytest.raises(TypeError):
            env["lib.book"](title="x", loan_count=1)
    with library_loan.unit(None, su=True) as env:
        book = env["lib.book"](title="Extended", price=Decimal("1"), loan_count=2)
        env.session.add(book)
        env.session.flush()
        assert env.hook.library_book_labels(env=env, book=book) == [["lent 2x"]]
    # The plain instance still works after the extended one was used.
    with library.unit(None, su=True) as env:
        titles = env.session.scalars(select(env["lib.book"].title)).all()
        assert titles == ["Plain"]


def test_misspelt_hook_implementation_fails_loudly_at_start_up(
    make_instance: MakeInstance,
) -> None:
    instance = make_instance(["library"], addons_path=[ADDONS, MISSPELT])
    with instance.engine.connect() as conn:
        before = schema.snapshot(conn)
    counts = table_counts(instance)
    with pytest.raises(AddonError) as caught:
        lifecycle.install(instance, ["library_typo"])
    assert "library_book_label" in str(caught.value)
    assert "does not match any hook" in str(caught.value)
    with instance.engine.connect() as conn:
        assert schema.snapshot(conn) == before
    assert table_counts(instance) == counts
    # Starting an instance whose addon set holds the typo fails the same way.
    with pytest.raises(AddonError, match="library_book_label"):
        instance.compose(["library", "library_typo"])


def test_optional_hook_of_an_absent_addon_is_fine(library: Instance) -> None:
    assert not library.registry.has("sales_order")
    plugin = library.registry.pm.get_plugin("library:0")
    assert plugin is not None and hasattr(plugin, "sale_order_approved")
    assert library.registry.pm.hook.library_book_added.get_hookimpls()


def test_registry_reports_uninstalled_models_clearly(library: Instance) -> None:
    with pytest.raises(AddonError, match=r"model lib\.loan is not installed in this instance"):
        library.registry["lib.loan"]


def test_registry_ready_and_workflows_are_per_instance(
    library: Instance, library_loan: Instance
) -> None:
    plain = library.registry.workflows["lib.book"]
    extended = library_loan.registry.workflows["lib.book"]
    assert "archive" not in {t.name for t in plain.transitions}
    assert "archive" in {t.name for t in extended.transitions}
    assert len(plain.transition("approve").guards) == 1
    assert len(extended.transition("approve").guards) == 2

"""Install, uninstall and upgrade: exact schema and data round trips, one transaction each."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import pytest
from fixture_paths import ADDONS
from sqlalchemy import func, select, text

from kernel import lifecycle, schema
from kernel.addons.discovery import discover
from kernel.addons.resolve import closure, with_auto_install
from kernel.errors import AddonError
from kernel.instance import Instance
from kernel.testing import MakeInstance, db_kind, table_counts


def state_of(instance: Instance) -> tuple[dict[str, Any], dict[str, int]]:
    with instance.engine.connect() as conn:
        picture = schema.snapshot(conn)
    return picture, table_counts(instance)


def owned(instance: Instance, addon: str) -> set[tuple[str, str, str]]:
    with instance.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT kind, table_name, column_name FROM ir_schema_owner WHERE addon = :a"),
            {"a": addon},
        ).all()
    return {tuple(r) for r in rows}


def test_install_creates_tables_and_records_ownership(make_instance: MakeInstance) -> None:
    instance = make_instance(addons_path=[ADDONS])
    assert lifecycle.install(instance, ["library"]) == ["library"]
    assert owned(instance, "library") == {("table", "lib_book", "")}
    lifecycle.install(instance, ["library_loan"])
    assert owned(instance, "library_loan") == {
        ("table", "lib_loan", ""),
        ("column", "lib_book", "loan_count"),
        ("column", "lib_book", "current_loan_id"),
    }
    assert owned(instance, "library_glue") == set()
    with instance.unit(None, su=True) as env:
        Addon = env["ir.addon"]
        rows = {a.name: a for a in env.session.scalars(select(Addon))}
        assert set(rows) == {"library", "library_loan", "library_glue"}
        assert rows["library"].version == "1.0"
        assert rows["library"].installed_by
        assert env.ref("library.group_manager").xmlid == "library.group_manager"
        assert env.ref("library.seq_book").code == "lib.book"


@pytest.mark.parametrize("addons", [["library"], ["library_loan"], ["library_fragile_free"]])
def test_install_then_uninstall_restores_schema_and_rows(
    make_instance: MakeInstance, addons: list[str]
) -> None:
    if addons == ["library_fragile_free"]:
        addons = ["library", "library_loan", "library_glue"]
    instance = make_instance(addons_path=[ADDONS])
    before = state_of(instance)
    installed = lifecycle.install(instance, addons)
    assert state_of(instance) != before
    lifecycle.uninstall(instance, installed, cascade=True)
    assert instance.installed_names() == []
    after = state_of(instance)
    assert after[0] == before[0]
    assert after[1] == before[1]


def test_uninstalling_an_extension_keeps_the_extended_table_and_its_rows(
    library: Instance,
) -> None:
    """Dropping a column on SQLite rebuilds the table: every row and value must survive."""
    with library.unit(None, su=True) as env:
        for i in range(5):
            env.session.add(env["lib.book"](title=f"Book {i}", price=Decimal(f"{i}.25")))
    before = state_of(library)
    lifecycle.install(library, ["library_loan"])
    with library.unit(None, su=True) as env:
        book = env.session.scalars(select(env["lib.book"]).order_by("id")).first()
        loan = env["lib.loan"](book_id=book.id, borrower="Lin Daiyu")
        env.session.add(loan)
        env.session.flush()
        book.current_loan_id = loan.id
        book.loan_count = 1
    lifecycle.uninstall(library, ["library_loan"], cascade=True)
    assert state_of(library) == before
    with library.unit(None, su=True) as env:
        Book = env["lib.book"]
        rows = env.session.execute(select(Book.title, Book.price).order_by(Book.id)).all()
    assert rows == [(f"Book {i}", Decimal(f"{i}.25")) for i in range(5)]


def test_extension_installed_with_its_base_is_removed_alone_to_the_same_schema(
    make_instance: MakeInstance,
) -> None:
    """Installed in one go, library_loan's columns on lib_book are still its own.

    They are created with the new lib_book table; were they recorded as the table's,
    uninstalling library_loan would leave them (and their foreign key to the dropped
    lib_loan, which PostgreSQL then refuses).
    """
    instance = make_instance(addons_path=[ADDONS])
    lifecycle.install(instance, ["library"])
    only_library = state_of(instance)
    lifecycle.uninstall(instance, ["library"])
    lifecycle.install(instance, ["library", "library_loan"])
    assert {
        ("column", "lib_book", "loan_count"),
        ("column", "lib_book", "current_loan_id"),
    } <= owned(instance, "library_loan")
    # a database installed before the fix lacks those records: upgrading adds them back
    with instance.engine.begin() as conn:
        conn.execute(
            text("DELETE FROM ir_schema_owner WHERE addon = 'library_loan' AND kind = 'column'")
        )
    lifecycle.upgrade(instance)
    assert ("column", "lib_book", "loan_count") in owned(instance, "library_loan")
    lifecycle.uninstall(instance, ["library_loan"], cascade=True)
    assert instance.installed_names() == ["library"]
    assert state_of(instance)[0] == only_library[0]


def test_uninstall_refuses_while_a_dependent_is_installed(library_loan: Instance) -> None:
    before = state_of(library_loan)
    with pytest.raises(AddonError) as caught:
        lifecycle.uninstall(library_loan, ["library"])
    message = str(caught.value)
    assert "cannot uninstall library" in message
    assert "library_loan" in message and "library_glue" in message
    assert state_of(library_loan) == before
    assert library_loan.installed_names() == ["library", "library_loan", "library_glue"]


def test_uninstall_cascade_removes_dependents_too(
    make_instance: MakeInstance, library_loan: Instance
) -> None:
    bare = make_instance(addons_path=[ADDONS])
    removed = lifecycle.uninstall(library_loan, ["library"], cascade=True)
    assert removed == ["library_glue", "library_loan", "library"]
    assert library_loan.installed_names() == []
    assert state_of(library_loan) == state_of(bare)
    assert "lib.book" not in library_loan.registry


def test_uninstall_of_something_not_installed_is_refused(library: Instance) -> None:
    with pytest.raises(AddonError, match="addon library_loan is not installed"):
        lifecycle.uninstall(library, ["library_loan"])
    with pytest.raises(AddonError, match="did you mean library"):
        lifecycle.uninstall(library, ["librery"])


def _data_counts(instance: Instance) -> dict[str, int]:
    counts = table_counts(instance)
    return {
        t: counts[t]
        for t in ("ir_model_data", "res_group", "res_group_implied", "ir_access", "ir_sequence")
    }


def test_upgrade_reloads_data_without_duplicating(library_loan: Instance) -> None:
    before = _data_counts(library_loan)
    with library_loan.unit(None, su=True) as env:
        manager = env.ref("library.group_manager")
        manager.name = "Renamed by hand"
        env.ref("library.seq_book").prefix = "CUSTOM-"
    assert lifecycle.upgrade(library_loan) == ["library", "library_loan", "library_glue"]
    lifecycle.upgrade(library_loan, ["library"])
    assert _data_counts(library_loan) == before
    with library_loan.unit(None, su=True) as env:
        # group names come from the data file again; sequences keep the user's settings
        assert env.ref("library.group_manager").name == "Manager"
        assert env.ref("library.seq_book").prefix == "CUSTOM-"


def test_upgrade_of_an_addon_that_is_not_installed_is_refused(library: Instance) -> None:
    with pytest.raises(AddonError, match="library_loan is not installed"):
        lifecycle.upgrade(library, ["library_loan"])


def test_install_is_one_transaction(library: Instance) -> None:
    """library_fragile creates a table, a column, data and rows, then its post_install raises."""
    before = state_of(library)
    with pytest.raises(RuntimeError, match="post_install failed on purpose"):
        lifecycle.install(library, ["library_fragile"])
    assert state_of(library) == before
    assert library.installed_names() == ["library"]
    assert "lib.shelf" not in library.registry
    with library.unit(None, su=True) as env:
        assert env.session.scalar(select(func.count()).select_from(env["lib.book"])) == 0
    # and the instance still installs other things afterwards
    assert lifecycle.install(library, ["library_loan"]) == ["library_loan", "library_glue"]


def test_installing_again_changes_nothing(library: Instance) -> None:
    before = state_of(library)
    assert lifecycle.install(library, ["library"]) == []
    assert state_of(library) == before


def test_an_installed_addon_that_vanished_is_reported(library: Instance) -> None:
    elsewhere = Instance(library.url, [])  # started without the fixtures' addons_path
    try:
        with pytest.raises(
            AddonError,
            match=r"cannot be found: library \(check addons_path, or remove them with `suanpan addons uninstall --force library`\)",
        ):
            elsewhere.installed_names()
    finally:
        elsewhere.engine.dispose()


def test_initialize_is_idempotent(library: Instance) -> None:
    assert lifecycle.initialize(library, admin_password="again") is False


def test_install_requires_an_initialized_instance(db_url: str) -> None:
    instance = Instance(db_url, [ADDONS])
    try:
        with pytest.raises(AddonError, match="not initialized"):
            lifecycle.install(instance, ["library"])
    finally:
        instance.engine.dispose()


# --- The built-in addons: each alone and every pair, installed and uninstalled -----------

BUILTIN = discover()
BUILTIN_NAMES = sorted(name for name, m in BUILTIN.items() if m.source == "builtin")


def _needs(name: str) -> set[str]:
    """``name`` and its dependencies; at collection time a broken addon must not break the run."""
    try:
        return closure([name], BUILTIN)
    except AddonError:
        return {name}


def _round_trip(make_instance: MakeInstance, names: tuple[str, ...]) -> None:
    # Everything ``names`` needs is installed first (from a template), so that
    # uninstalling ``names`` must return to exactly that state.
    deps = closure(names, BUILTIN) - set(names)
    prior = sorted(with_auto_install(deps, BUILTIN) - set(names))
    instance = make_instance(prior)
    # A glue addon (auto_install) arrives with its dependencies: remove it to
    # get the picture of an instance without it.
    arrived = set(instance.installed_names()) - set(prior)
    if arrived and arrived <= set(names):
        lifecycle.uninstall(instance, sorted(arrived), cascade=True)
    assert set(instance.installed_names()) == set(prior)
    before = state_of(instance)
    new = lifecycle.install(instance, list(names))
    assert set(names) <= set(new)
    removed = lifecycle.uninstall(instance, list(names), cascade=True)
    assert set(removed) == set(new), "uninstall must remove exactly what the install added"
    after = state_of(instance)
    tables = set(before[0]) | set(after[0])
    changed = sorted(t for t in tables if before[0].get(t) != after[0].get(t))
    assert not changed, f"schema differs after install+uninstall of {names}: {changed}"
    rows = {
        t: (before[1].get(t), after[1].get(t))
        for t in set(before[1]) | set(after[1])
        if before[1].get(t) != after[1].get(t)
    }
    assert not rows, f"row counts (before, after) differ for {names}: {rows}"


@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_builtin_addon_round_trip(make_instance: MakeInstance, name: str) -> None:
    _round_trip(make_instance, (name,))


PAIRS = [
    pair
    for pair in itertools.combinations(BUILTIN_NAMES, 2)
    # a pair where one needs the other is the same install as the needer alone
    if pair[0] not in _needs(pair[1]) and pair[1] not in _needs(pair[0])
]


@pytest.mark.skipif(
    db_kind() == "postgresql", reason="pairs run on SQLite; PostgreSQL runs each addon alone"
)
@pytest.mark.parametrize("pair", PAIRS, ids=["+".join(p) for p in PAIRS])
def test_builtin_addon_pair_round_trip(make_instance: MakeInstance, pair: tuple[str, str]) -> None:
    _round_trip(make_instance, pair)


def _add_books(instance: Instance, count: int) -> None:
    with instance.unit(None, su=True) as env:
        for i in range(count):
            env.session.add(env["lib.book"](title=f"Book {i}", price=Decimal("1.00")))


def test_installing_an_extension_fills_its_defaults_on_existing_rows(library: Instance) -> None:
    """``loan_count`` is declared ``default=0``: books that existed before read 0, not NULL."""
    _add_books(library, 3)
    lifecycle.install(library, ["library_loan"])
    with library.engine.connect() as conn:
        counts = conn.execute(text("SELECT loan_count FROM lib_book")).scalars().all()
        columns = {c["name"]: c for c in inspect_columns(conn, "lib_book")}
    assert counts == [0, 0, 0]
    if db_kind() == "postgresql":  # added nullable to fill it, then the declared NOT NULL holds
        assert columns["loan_count"]["nullable"] is False
    with library.unit(None, su=True) as env:
        assert {b.loan_count for b in env.session.scalars(select(env["lib.book"]))} == {0}


SHELF_ADDON = """
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kernel import extend, info


@extend("lib.book")
class BookShelf:
    shelf: Mapped[str] = mapped_column(String(10), info=info("Shelf"))


def register(parts):
    parts.model(BookShelf)
"""


def test_a_required_column_without_default_is_refused_on_a_table_with_rows(
    make_instance: MakeInstance, tmp_path: Any
) -> None:
    addon = tmp_path / "library_shelf"
    addon.mkdir()
    (addon / "manifest.toml").write_text(
        'name = "library_shelf"\ntitle = "Shelves"\nversion = "1.0"\nsummary = "Shelves"\ndepends = ["library"]\n'
    )
    (addon / "__init__.py").write_text(SHELF_ADDON)
    instance = make_instance(["library"], addons_path=[ADDONS, str(tmp_path)])
    _add_books(instance, 2)
    with pytest.raises(AddonError, match=r"library_shelf adds the required column shelf"):
        lifecycle.install(instance, ["library_shelf"])
    with instance.engine.connect() as conn:  # nothing half-applied
        assert "shelf" not in {c["name"] for c in inspect_columns(conn, "lib_book")}
    assert "library_shelf" not in instance.installed_names()


def test_sqlite_table_rebuilds_keep_the_tables_triggers(library: Instance) -> None:
    """Adding a foreign-key column rebuilds the table on SQLite; its triggers must come back."""
    with library.engine.begin() as conn:
        if db_kind() == "sqlite":
            conn.exec_driver_sql(
                "CREATE TRIGGER lib_book_keep BEFORE DELETE ON lib_book "
                "BEGIN SELECT RAISE(ABORT, 'books are kept'); END"
            )
        else:
            conn.exec_driver_sql(
                "CREATE FUNCTION lib_book_keep() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'books are kept'; END $$ LANGUAGE plpgsql"
            )
            conn.exec_driver_sql(
                "CREATE TRIGGER lib_book_keep BEFORE DELETE ON lib_book "
                "FOR EACH ROW EXECUTE FUNCTION lib_book_keep()"
            )
    _add_books(library, 1)
    with library.engine.connect() as conn:
        before = schema.snapshot(conn)["lib_book"]["triggers"]
    assert before == ["lib_book_keep"]
    lifecycle.install(library, ["library_loan"])  # current_loan_id: a foreign key column
    with library.engine.connect() as conn:
        assert schema.snapshot(conn)["lib_book"]["triggers"] == ["lib_book_keep"]
    with pytest.raises(Exception, match="books are kept"), library.engine.begin() as conn:
        conn.execute(text("DELETE FROM lib_book"))
    lifecycle.uninstall(library, ["library_loan"], cascade=True)  # drops columns: rebuilds again
    with library.engine.connect() as conn:
        assert schema.snapshot(conn)["lib_book"]["triggers"] == ["lib_book_keep"]


def inspect_columns(conn: Any, table: str) -> list[dict[str, Any]]:
    from sqlalchemy import inspect

    return list(inspect(conn).get_columns(table))


def test_upgrade_creates_kernel_tables_added_since_the_database_was_made(
    library: Instance,
) -> None:
    """A database made before ``res.user.company`` existed gets the table on upgrade."""
    from sqlalchemy import inspect as sa_inspect

    from kernel.testing import make_user

    with library.engine.begin() as conn:
        conn.execute(text("DROP TABLE res_user_company"))
    lifecycle.upgrade(library)
    assert "res_user_company" in sa_inspect(library.engine).get_table_names()
    uid = make_user(library, "after_upgrade", [])
    with library.unit(uid) as env:
        assert env.company_id is None  # no allowed companies: bound to none

"""Access rights on every ORM read and write, ``sudo`` with a reason, immutable records."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from kernel.errors import AccessDenied, ConflictError
from kernel.i18n import use_locale
from kernel.instance import Instance
from kernel.testing import make_user


@pytest.fixture
def users(library: Instance) -> dict[str, int]:
    return {
        "outsider": make_user(library, "outsider", []),
        "reader": make_user(library, "reader", ["library.group_reader"]),
        "clerk": make_user(library, "clerk", ["library.group_user"]),
        "boss": make_user(library, "boss", ["library.group_manager"]),
        "zh_outsider": make_user(library, "zh_outsider", [], lang="zh_CN"),
    }


@pytest.fixture
def book_id(library: Instance) -> int:
    with library.unit(None, su=True) as env:
        book = env["lib.book"](title="The Art of War", price=Decimal("9.90"))
        env.session.add(book)
        env.session.flush()
        return int(book.id)


def snapshot(library: Instance) -> list[tuple[int, str, Decimal, str]]:
    with library.unit(None, su=True) as env:
        Book = env["lib.book"]
        rows = env.session.execute(select(Book.id, Book.title, Book.price, Book.state))
        return [tuple(r) for r in rows.all()]  # type: ignore[misc]


def test_read_needs_the_read_right(library: Instance, users: dict[str, int], book_id: int) -> None:
    with library.unit(users["outsider"]) as env:
        with pytest.raises(AccessDenied) as caught:
            env.session.scalars(select(env["lib.book"])).all()
        assert str(caught.value) == "you are not allowed to read Book records"
        assert caught.value.status == 403
        with pytest.raises(AccessDenied):
            env.session.execute(select(env["lib.book"].title)).all()
        with pytest.raises(AccessDenied):
            env.get("lib.book", book_id)
        assert not env.can("lib.book", "read")
    with library.unit(users["reader"]) as env:
        assert env.get("lib.book", book_id).title == "The Art of War"


def test_denied_message_in_chinese(library: Instance, users: dict[str, int]) -> None:
    with library.unit(users["zh_outsider"]) as env, pytest.raises(AccessDenied) as caught:
        env.session.scalars(select(env["lib.book"])).all()
    with use_locale("zh_CN"):
        assert str(caught.value) == "您无权读取图书记录"
    assert str(caught.value) == "you are not allowed to read Book records", "messages stay lazy"


@pytest.mark.parametrize("who", ["outsider", "reader"])
def test_create_needs_the_create_right(
    library: Instance, users: dict[str, int], book_id: int, who: str
) -> None:
    before = snapshot(library)
    with (
        pytest.raises(AccessDenied, match="not allowed to create Book records"),
        library.unit(users[who]) as env,
    ):
        env.session.add(env["lib.book"](title="Smuggled"))
    assert snapshot(library) == before


def test_write_needs_the_write_right(
    library: Instance, users: dict[str, int], book_id: int
) -> None:
    before = snapshot(library)
    with (
        pytest.raises(AccessDenied, match="not allowed to change Book records"),
        library.unit(users["reader"]) as env,
    ):
        env.get("lib.book", book_id).title = "Rewritten"
    assert snapshot(library) == before
    with library.unit(users["clerk"]) as env:
        env.get("lib.book", book_id).title = "The Art of War (2nd ed.)"
    assert snapshot(library)[0][1] == "The Art of War (2nd ed.)"


def test_delete_needs_the_delete_right(
    library: Instance, users: dict[str, int], book_id: int
) -> None:
    before = snapshot(library)
    with (
        pytest.raises(AccessDenied, match="not allowed to delete Book records"),
        library.unit(users["clerk"]) as env,
    ):
        env.session.delete(env.get("lib.book", book_id))
    assert snapshot(library) == before
    with library.unit(users["boss"]) as env:
        env.session.delete(env.get("lib.book", book_id))
    assert snapshot(library) == []


def test_implied_group_grants_the_rights_of_the_group_it_implies(
    library: Instance, users: dict[str, int]
) -> None:
    with library.unit(users["boss"]) as env:
        assert env.has_group("library.group_user")
        assert env.has_group("kernel.group_user")
        assert not env.has_group("library.group_reader")


def test_sudo_lifts_the_checks_for_a_stated_reason(
    library: Instance, users: dict[str, int], book_id: int
) -> None:
    with library.unit(users["outsider"]) as env:
        with env.sudo("the loan desk registers returned books for visitors"):
            assert env.su
            book = env.get("lib.book", book_id)
            book.state = "submitted"
            env.session.add(env["lib.book"](title="Donated"))
        assert not env.su
        with pytest.raises(AccessDenied):
            env.session.scalars(select(env["lib.book"])).all()
    rows = snapshot(library)
    assert [(r[1], r[3]) for r in rows] == [("The Art of War", "submitted"), ("Donated", "draft")]


def test_sudo_needs_a_reason_and_does_not_launder_earlier_changes(
    library: Instance, users: dict[str, int], book_id: int
) -> None:
    with (
        library.unit(users["reader"]) as env,
        pytest.raises(ValueError, match="reason"),
        env.sudo(""),
    ):
        pass
    before = snapshot(library)
    with pytest.raises(AccessDenied), library.unit(users["reader"]) as env:
        env.get("lib.book", book_id).title = "Changed before sudo"
        with env.sudo("an unrelated reason"):
            pass
    assert snapshot(library) == before


def test_core_update_statements_are_not_a_back_door_for_reads(
    library: Instance, users: dict[str, int], book_id: int
) -> None:
    with library.unit(users["clerk"]) as env:
        Book = env["lib.book"]
        count = env.session.scalar(select(func.count(Book.id)))
        assert count == 1
        env.session.execute(update(Book).where(Book.id == book_id).values(title="Bulk"))
    assert snapshot(library)[0][1] == "Bulk"


def test_immutable_records_refuse_changes_and_deletes_even_for_the_superuser(
    library: Instance, book_id: int
) -> None:
    with library.unit(None, su=True) as env:
        env.get("lib.book", book_id).state = "closed"
    before = snapshot(library)
    with (
        pytest.raises(ConflictError, match="cannot be changed"),
        library.unit(None, su=True) as env,
    ):
        env.get("lib.book", book_id).price = Decimal("1")
    with (
        pytest.raises(ConflictError, match="only draft books can be deleted"),
        library.unit(None, su=True) as env,
    ):
        env.session.delete(env.get("lib.book", book_id))
    assert snapshot(library) == before


def test_rights_are_memoized_but_changes_apply_to_the_next_unit(
    library: Instance, users: dict[str, int], book_id: int
) -> None:
    """A revoked group stops working in the very next unit, however it was revoked.

    Units reuse the groups and access rights an earlier unit computed while the
    security stamp is unchanged; every write to memberships, implied groups or
    access rights (ORM or Core statement, any worker) changes the stamp.
    """
    from sqlalchemy import delete

    from kernel.testing import StatementCounter

    with library.unit(users["reader"]) as env:
        assert env.get("lib.book", book_id).title
    with StatementCounter(library.engine) as counted, library.unit(users["reader"]) as env:
        assert env.can("lib.book", "read")
    reads = [s for s in counted.statements if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 1, f"a memoized unit reads only its user (with the stamp): {reads}"

    with library.unit(None, su=True) as env:  # ORM delete of the membership
        Membership = env["res.user.group"]
        for row in env.session.scalars(
            select(Membership).where(Membership.user_id == users["reader"])
        ):
            env.session.delete(row)
    with library.unit(users["reader"]) as env:
        assert not env.can("lib.book", "read")

    with library.unit(None, su=True) as env:
        Group, Membership = env["res.group"], env["res.user.group"]
        gid = env.session.scalar(select(Group.id).where(Group.xmlid == "library.group_reader"))
        env.session.add(Membership(user_id=users["reader"], group_id=gid))
    with library.unit(users["reader"]) as env:
        assert env.can("lib.book", "read")

    with library.unit(None, su=True) as env:  # Core statement on the access table
        Access = env["ir.access"]
        env.session.execute(delete(Access).where(Access.model == "lib.book"))
    with library.unit(users["reader"]) as env:
        assert not env.can("lib.book", "read")

"""The record life cycle's view of what changed (kernel.models.events.changed_records)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import event
from sqlalchemy.orm.attributes import flag_modified

from kernel.instance import Instance
from kernel.models.events import changed_records


def test_changed_records_are_those_a_flush_would_update(library: Instance) -> None:
    """Same answer as SQLAlchemy's ``is_modified`` for each case, and no UPDATE for the rest."""
    with library.unit(None, su=True) as env:
        Book = env["lib.book"]
        books = [Book(title=f"Book {i}", price=Decimal("10.00")) for i in range(5)]
        env.session.add_all(books)
        env.session.flush()
        env.session.expire_all()
        same, repriced, flagged, untouched, retitled_back = (
            env.session.get(Book, b.id) for b in books
        )
        same.title = "Book 0"  # set to what it was: dirty, but nothing to write
        repriced.price = Decimal("12.50")
        flag_modified(flagged, "state")  # told to write although equal
        retitled_back.title = "Other"
        retitled_back.title = "Book 4"  # changed and changed back
        assert {b.title for b in env.session.dirty} >= {"Book 0", "Book 1", "Book 2", "Book 4"}

        found = changed_records(env.session)
        expected = [
            obj
            for obj in env.session.dirty
            if env.session.is_modified(obj, include_collections=False)
        ]
        assert set(map(id, found)) == set(map(id, expected))
        assert {b.title for b in found} == {"Book 1", "Book 2"}
        assert untouched not in found

        updates: list[str] = []

        def on_statement(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
            if statement.startswith("UPDATE"):
                updates.append(statement)

        event.listen(library.engine, "before_cursor_execute", on_statement)
        try:
            env.session.flush()
        finally:
            event.remove(library.engine, "before_cursor_execute", on_statement)
        assert len(updates) == 2, updates

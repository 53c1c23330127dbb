"""Record life-cycle methods that every write path honours.

The generic UI, the JSON API, services and data files all end in a flush, so a
model that must act when one of its records is created or changed does it here,
once, instead of in each path:

* ``def __on_create__(self, env) -> None`` — called for each new record before
  it is inserted (assign a number, fill defaults, compute totals);
* ``def __on_write__(self, env, changed: set[str]) -> None`` — called for each
  changed record before it is updated, with the names of the changed attributes.

They run before the access checks of the same flush, so records they add are
checked too. Raise :class:`kernel.errors.ValidationError` to refuse the write.

Before ``__on_create__``, a new record's numbering columns
(``info(_("Number"), sequence="purchase.order")``) left empty get the next number
of that sequence (for the record's ``company_id`` when it has one), so a
document is numbered the same way whichever path created it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session


def before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    env = session.info.get("env")
    if env is None:
        return
    seen: set[int] = session.info.setdefault("created_seen", set())
    for _round in range(10):
        fresh = [obj for obj in list(session.new) if id(obj) not in seen]
        if not fresh:
            break
        for obj in fresh:
            seen.add(id(obj))
            _number(env, obj)
            hook = getattr(obj, "__on_create__", None)
            if hook is not None:
                hook(env)
    for obj in list(session.dirty):
        hook = getattr(obj, "__on_write__", None)
        if hook is None or not session.is_modified(obj, include_collections=False):
            continue
        changed = {attr.key for attr in inspect(obj).attrs if attr.history.has_changes()}
        if changed:
            hook(env, changed)


def _sequence_columns(cls: type) -> list[tuple[str, str]]:
    """``(attribute, sequence code)`` of the class's numbering columns, computed once."""
    cached = cls.__dict__.get("__sequence_columns__")
    if cached is None:
        table = getattr(cls, "__table__", None)
        cached = [
            (column.key, column.info["sequence"])
            for column in (table.columns if table is not None else ())
            if column.info.get("sequence")
        ]
        type.__setattr__(cls, "__sequence_columns__", cached)
    return cached


def _number(env: Any, obj: Any) -> None:
    for key, code in _sequence_columns(type(obj)):
        if not getattr(obj, key, None):
            setattr(obj, key, env.next_number(code, getattr(obj, "company_id", None)))


def after_flush(session: Session, _ctx: Any) -> None:
    session.info.pop("created_seen", None)


def install(session_factory: Any) -> None:
    event.listen(session_factory, "before_flush", before_flush)
    event.listen(session_factory, "after_flush", after_flush)

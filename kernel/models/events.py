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


def after_flush(session: Session, _ctx: Any) -> None:
    session.info.pop("created_seen", None)


def install(session_factory: Any) -> None:
    event.listen(session_factory, "before_flush", before_flush)
    event.listen(session_factory, "after_flush", after_flush)

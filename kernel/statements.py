"""Statements of the hot paths, built once per registry and run with bound values.

Why: building a SQLAlchemy statement (``select(...).where(...)``) and working out its
cache key cost about an eighth of an order-to-cash cycle's CPU — more than running
many of those statements — and both were paid again on every call. A statement
built once keeps its cache key (SQLAlchemy memoizes it on the object), so the
compiled form, the access layer's per-shape answers (:mod:`kernel.reads`) and the
configuration row cache (:mod:`kernel.rowcache`) are found without rebuilding it.

Use it where a statement runs on every order, delivery or payment; elsewhere the
plain form reads better. Values go in as bound parameters: ``bindparam("name")``,
``bindparam("ids", expanding=True)`` for an ``IN`` list::

    stmt = built(env.registry, ("stock.picking_moves", open_only), lambda: select(Move)...)
    env.session.scalars(stmt, {"picking_id": picking.id})

The key names the statement (its function, plus any variant); a registry is code
only, so the statement is shared by every unit and thread of the process — the
access layer never changes it (it adds its criteria to a copy).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, TypeVar

from kernel.caches import Slot

if TYPE_CHECKING:
    from kernel.models.registry import Registry

T = TypeVar("T")

_BUILT: Slot[dict[Hashable, Any]] = Slot("kernel.statements", dict)


def built(registry: Registry, key: Hashable, build: Callable[[], T]) -> T:
    """The statement ``key`` of ``registry``: ``build()`` the first time, then the same one."""
    memo = registry.cache.get(_BUILT)
    found: T | None = memo.get(key)
    if found is None:
        found = memo[key] = build()
    return found

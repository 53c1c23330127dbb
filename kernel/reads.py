"""What an ORM statement reads — its models and tables — remembered per statement shape.

The access check, the attachment and record-rule filters (:mod:`kernel.security`)
and the configuration row cache (:mod:`kernel.rowcache`) all ask it of every ORM
query. The answer depends on the statement's shape only (its cache key without the
bound values), while working it out builds the statement's ORM compile state: that
was a fifth of the CPU of an order-to-cash cycle, paid again for every query of every
unit. So it is worked out once per shape and kept with the registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.sql.util import find_tables

from kernel.caches import Slot

if TYPE_CHECKING:
    from kernel.env import Env


@dataclass(frozen=True)
class Reads:
    """The classes and model names of a statement's entities, and every table it selects from."""

    classes: tuple[type, ...]
    models: tuple[str, ...]
    tables: frozenset[str]


#: Distinct statement shapes remembered per registry (beyond, each is worked out anew).
MAX_SHAPES = 20000
_READS: Slot[dict[Any, Reads]] = Slot("kernel.reads", dict)


def reads_of(env: Env, state: ORMExecuteState) -> Reads:
    """What ``state``'s statement reads, remembered per statement shape."""
    statement = state.statement
    cache_key = (
        statement._generate_cache_key() if hasattr(statement, "_generate_cache_key") else None
    )
    memo = env.registry.cache.get(_READS)
    if cache_key is not None:
        known = memo.get(cache_key.key)
        if known is not None:
            return known
    classes = tuple(mapper.class_ for mapper in state.all_mappers)
    names = (getattr(cls, "__model_name__", None) for cls in classes)
    froms = statement.get_final_froms() if hasattr(statement, "get_final_froms") else []
    found = Reads(
        classes=classes,
        models=tuple(name for name in names if name),
        tables=frozenset(
            name
            for frm in froms
            for table in find_tables(frm, include_aliases=True)
            if (name := getattr(table, "name", None)) is not None
        ),
    )
    if cache_key is not None and len(memo) < MAX_SHAPES:
        memo[cache_key.key] = found
    return found

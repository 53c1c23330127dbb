"""Configuration rows read once per process while the configuration stamp holds.

Every step of a business document reads the same configuration: the company,
its currency, units, taxes, journals, accounts, warehouses, locations,
numbering series. Each step is its own unit of work (its own session), so each
read them again: about a quarter of an order-to-cash cycle's statements.

A model declared with ``@model(..., cached=True)`` is configuration: rows users
change rarely, never as a side effect of a business step. A plain ``SELECT`` that
reads only such tables is answered from a process-wide memo kept under the
security stamp (:func:`kernel.caches.memoized`); any write to a cached table
bumps the stamp in the writer's transaction (:mod:`kernel.security`), so every
worker reads afresh in its next unit. The answer is merged into the unit's
session as if it had been loaded, so records, relationships and the identity
map behave as before.

Never served from the memo: ``SELECT … FOR UPDATE`` (a lock must reach the
database), statements touching any other table (a sub-query included),
refreshes of expired attributes, units without a user (no stamp), and a
session with unflushed changes (a merge would overwrite them). Answers are
kept per user and company, so record rules apply as they did when first read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Table
from sqlalchemy.orm import ORMExecuteState, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.loading import merge_frozen_result
from sqlalchemy.sql.util import find_tables

from kernel.caches import unit_cache
from kernel.reads import reads_of

if TYPE_CHECKING:
    from kernel.env import Env
    from kernel.models.registry import Registry

CACHED_ATTR = "__cached__"
#: Bound on the memo: configuration is a few hundred rows; beyond this many
#: distinct statements the least recently used answer is dropped (and the whole
#: memo whenever the stamp changes).
MAX_ENTRIES = 4096
ROWS_KEY = "rowcache"


def cached_tables(registry: Registry) -> frozenset[str]:
    """Tables of the models declared ``cached=True`` in this registry (computed once)."""
    found: frozenset[str] | None = registry.__dict__.get("_cached_tables")
    if found is None:
        found = frozenset(
            info.cls.__table__.name
            for info in registry.models.values()
            if getattr(info.cls, CACHED_ATTR, False) and hasattr(info.cls, "__table__")
        )
        registry.__dict__["_cached_tables"] = found
    return found


def is_cached_model(obj: Any) -> bool:
    return bool(getattr(obj, CACHED_ATTR, False))


def serve(state: ORMExecuteState) -> Any:
    """The ``do_orm_execute`` listener: a memoized answer, or ``None`` to run the statement."""
    if not state.is_select or state.is_column_load or state.is_executemany:
        return None
    unit = unit_cache(state.session)
    env = unit.env
    if env is None or env.uid is None or unit.in_check:
        return None
    classes = reads_of(env, state).classes
    if not classes or not all(is_cached_model(cls) for cls in classes):
        return None
    statement: Any = state.statement
    if getattr(statement, "_for_update_arg", None) is not None:
        return None
    if state.execution_options.get("populate_existing") or _changes_configuration(state.session):
        return None
    cache_key = statement._generate_cache_key()  # memoized: the compiler reuses it
    if cache_key is None or not _reads_only(env.registry, cache_key.key, statement):
        return None
    key = _key(env, cache_key, state.parameters)
    if key is None:
        return None
    from kernel.caches import shared_memo

    memo = shared_memo(env)
    if memo is None:
        return None
    rows: dict[Any, Any] = memo.setdefault(ROWS_KEY, {})
    frozen = rows.pop(key, None)
    if frozen is None:
        live = state.invoke_statement().freeze()
        _evict_oldest(rows)
        # the memo keeps copies: the records just read belong to this unit, which may
        # change them (and roll back); other units must never see those changes
        copied: Any = [tuple(_copy(v) for v in row) for row in live._rewrite_rows()]
        rows[key] = live.with_new_rows(copied)
        return live()
    rows[key] = frozen  # re-inserted last: the oldest entries are the least recently used
    # merged as already loaded (no SELECT): the identity map and relationships work as usual
    merged = merge_frozen_result(state.session, statement, frozen, load=False)  # type: ignore[no-untyped-call]
    return merged()


def _copy(value: Any) -> Any:
    """A detached copy of a record's loaded columns (other values as they are)."""
    state = getattr(value, "_sa_instance_state", None)
    if state is None:
        return value
    mapper = state.mapper
    copy = mapper.class_manager.new_instance()
    for attr in mapper.column_attrs:
        if attr.key in state.dict:
            set_committed_value(copy, attr.key, state.dict[attr.key])
    make_transient_to_detached(copy)
    return copy


def _evict_oldest(rows: dict[Any, Any]) -> None:
    """Keep the memo bounded: statements with many distinct values (a price rule
    look-up per customer and products) must not crowd out the company or journals."""
    while len(rows) >= MAX_ENTRIES:
        try:
            rows.pop(next(iter(rows)))
        except (KeyError, RuntimeError, StopIteration):  # another thread got there first
            return


def _changes_configuration(session: Any) -> bool:
    """Whether the session holds unflushed changes to configuration (a merge would undo them)."""
    pending = [*session.identity_map._modified, *session._new]
    return any(is_cached_model(state.class_) for state in pending)


def _reads_only(registry: Registry, shape: Any, statement: Any) -> bool:
    """Whether every table the statement reads (sub-queries included) is a cached one.

    Remembered per statement shape (its cache key without the values): walking the
    statement for its tables was a twentieth of an order's CPU, paid on every read
    of configuration.
    """
    known: dict[Any, bool] = registry.__dict__.setdefault("_cached_reads_by_shape", {})
    answer = known.get(shape)
    if answer is None:
        allowed = cached_tables(registry)
        tables = find_tables(statement, include_aliases=True, include_joins=False)
        answer = bool(tables) and all(isinstance(t, Table) and t.name in allowed for t in tables)
        if len(known) < MAX_ENTRIES:
            known[shape] = answer
    return answer


def _key(env: Env, cache_key: Any, parameters: Any) -> tuple[Any, ...] | None:
    """The statement's shape and values, per user, company and privilege."""
    try:
        values = tuple(_hashable(bp.effective_value) for bp in cache_key.bindparams)
        extra = tuple(sorted((k, _hashable(v)) for k, v in (parameters or {}).items()))
        key = (env.uid, env.company_id, env.su, cache_key.key, values, extra)
        hash(key)
    except TypeError:
        return None
    return key


def _hashable(value: Any) -> Any:
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(_hashable(v) for v in value)
    return value

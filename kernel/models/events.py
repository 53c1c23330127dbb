"""The record life cycle: what every write path (form, JSON API, service, import, data file) runs.

All write paths end in a flush, so a model that must act when one of its records is
created, changed or deleted does it here, once, instead of in each path. This is the
only ``before_flush`` listener that runs model code; addons do not register their own.
Each flush runs these steps, in this order:

1. for each new record, ``def __defaults__(self) -> None`` — fill what depends on other
   values (a partner with a parent is a person) while what the caller left out is
   still ``None``;
2. for each model with new, changed or deleted records, once per flush,
   ``@classmethod def __on_flush__(cls, env, changes: Changes) -> None`` — work that
   spans records or models and must be done in bulk: price all new lines of an order
   with one query, recompute an order once when several of its lines changed;
3. for each new record: its numbering columns (``info(_("Number"),
   sequence="purchase.order")``) left empty get the next number of that sequence (for
   its ``company_id`` when it has one), then ``def __on_create__(self, env) -> None``
   runs (assign, fill in);
4. for each changed record, ``def __on_write__(self, env, changed: set[str]) -> None``
   with the names of the changed attributes;
5. each new record's columns still empty get their declared scalar default
   (``default="in_transit"``), what the INSERT would store; then for each new or changed
   record ``def __validate__(self) -> None``, and per model
   ``@classmethod def __validate_batch__(cls, session, records) -> None`` (uniqueness
   checked with one query for all the records).

Until step 5, a value the caller left out is ``None``: "left out" means "fill it for me"
(a sales line without a price is priced; one with ``0.00`` is free).

Records that steps 1–3 add are taken through steps 1–3 in turn (up to ten rounds). A
model extending another's (``parts.extend``) calls ``super()`` in these methods so that
every part's rule runs. Raise :class:`kernel.errors.ValidationError` to refuse the write;
the unit rolls back. All of this runs before the access checks of the same flush
(:mod:`kernel.security`), so records the hooks add are checked too. A session without an
``Env`` (rare: maintenance scripts) runs steps 1 and 5 only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.orm.base import PassiveFlag

from kernel.caches import unit_cache

MAX_ROUNDS = 10


@dataclass
class Changes:
    """One model's records in a flush, given to its ``__on_flush__``."""

    created: list[Any] = field(default_factory=list)
    changed: list[Any] = field(default_factory=list)
    deleted: list[Any] = field(default_factory=list)


def before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    unit = unit_cache(session)
    env = unit.env
    seen = unit.created_seen
    changed = changed_records(session)
    deleted = [*session.deleted, *_orphans(session)]
    created: list[Any] = []
    with session.no_autoflush:
        for round_ in range(MAX_ROUNDS):
            fresh = [obj for obj in list(session.new) if id(obj) not in seen]
            if not fresh and round_ > 0:
                break
            seen.update(id(obj) for obj in fresh)
            created += fresh
            for obj in fresh:
                hook = getattr(obj, "__defaults__", None)
                if hook is not None:
                    hook()
            if env is not None:
                _on_flush(
                    env, fresh, changed if round_ == 0 else [], deleted if round_ == 0 else []
                )
            if env is not None:
                for obj in fresh:
                    _number(env, obj)
                    hook = getattr(obj, "__on_create__", None)
                    if hook is not None:
                        hook(env)
        changed = changed_records(session)  # with what the hooks above changed
        if env is not None:
            for obj in changed:
                hook = getattr(obj, "__on_write__", None)
                if hook is None:
                    continue
                names = {attr.key for attr in inspect(obj).attrs if attr.history.has_changes()}
                if names:
                    hook(env, names)
        for obj in created:
            apply_scalar_defaults(obj)
        _validate(session, [*created, *changed])


def _orphans(session: Session) -> list[Any]:
    """Records dropped from a ``delete-orphan`` collection (an order's lines replaced by the
    form or the API): the flush deletes them, so the life cycle sees them as deleted.

    Why: they are not in ``session.deleted`` before the flush, and a model recomputing its
    parent's totals on deleted lines would otherwise keep the dropped line's amounts.
    """
    found: list[Any] = []
    for obj in session.dirty:
        state = inspect(obj)
        for rel in state.mapper.relationships:
            if not (rel.uselist and rel.cascade.delete_orphan):
                continue
            for gone in state.attrs[rel.key].history.deleted:
                if gone not in session.deleted and inspect(gone).persistent:
                    found.append(gone)
    return found


def changed_records(session: Session) -> list[Any]:
    """The dirty records with a net change of a column or reference: those a flush UPDATEs.

    The same answer as ``session.is_modified(obj, include_collections=False)`` for
    each of ``session.dirty``, which asks every attribute of the model for its
    history. Only attributes that were set since the load have a committed value to
    compare with, so this asks those only: an order of forty columns with its state
    changed asks one attribute instead of forty, for every dirty record of every
    flush (it was 6 % of the calls of an order-to-cash cycle).
    """
    found = []
    for obj in session.dirty:
        state = instance_state(obj)
        dict_ = state.dict
        manager = state.manager
        for key in state.committed_state:
            impl = manager[key].impl
            if hasattr(impl, "get_collection") or not hasattr(impl, "get_history"):
                continue
            added, _unchanged, deleted = impl.get_history(
                state, dict_, passive=PassiveFlag.NO_CHANGE
            )
            if added or deleted:
                found.append(obj)
                break
    return found


def _on_flush(env: Any, created: list[Any], changed: list[Any], deleted: list[Any]) -> None:
    """Call each model's ``__on_flush__`` once with its records of this round."""
    by_model: dict[type, Changes] = {}
    for kind, objs in (("created", created), ("changed", changed), ("deleted", deleted)):
        for obj in objs:
            cls = type(obj)
            if getattr(cls, "__on_flush__", None) is None:
                continue
            getattr(by_model.setdefault(cls, Changes()), kind).append(obj)
    for cls, changes in by_model.items():
        cls.__on_flush__(env, changes)


def _validate(session: Session, pending: list[Any]) -> None:
    """Run ``__validate__`` of each record, then ``__validate_batch__`` once per model."""
    batches: dict[Any, list[Any]] = {}
    for obj in pending:
        rule = getattr(obj, "__validate__", None)
        if rule is not None:
            rule()
        batch_rule = getattr(type(obj), "__validate_batch__", None)
        if batch_rule is not None:
            batches.setdefault(batch_rule, []).append(obj)
    for batch_rule, objs in batches.items():
        batch_rule(session, objs)


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


def _scalar_defaults(cls: type) -> list[tuple[str, Any]]:
    """``(attribute, value)`` of the class's columns with a plain (non-callable) default.

    Nullable columns too: the INSERT would use the default for an attribute left
    ``None`` anyway, so filling it first only lets the hooks see the stored value.
    """
    cached: list[tuple[str, Any]] | None = cls.__dict__.get("_sp_scalar_defaults")
    if cached is None:
        cached = []
        mapper: Any = inspect(cls, raiseerr=False)
        for prop in mapper.column_attrs if mapper is not None else ():
            column = prop.columns[0]
            default = column.default
            if (
                len(prop.columns) == 1
                and default is not None
                and getattr(default, "is_scalar", False)
            ):
                cached.append((prop.key, default.arg))
        type.__setattr__(cls, "_sp_scalar_defaults", cached)
    return cached


def apply_scalar_defaults(obj: Any) -> None:
    """Fill ``obj``'s unset columns with their scalar defaults (also for a record never flushed)."""
    for key, value in _scalar_defaults(type(obj)):
        if getattr(obj, key, None) is None:
            setattr(obj, key, value)


def preview(session: Session) -> dict[str, Any]:
    """Run steps 1–5 on the session's pending changes without writing them; their problems.

    A form's live preview shows what saving would fill in, compute and refuse, through
    the very code saving runs. Nothing is flushed and no number is taken (numbers are
    gapless: a preview must not use one up); the caller rolls the unit back.
    """
    from kernel.errors import UserError

    unit = unit_cache(session)
    unit.preview = True
    try:
        before_flush(session, None, None)
    except UserError as exc:
        return dict(exc.fields) or {"": exc.message}
    finally:
        unit.preview = False
        unit.created_seen.clear()
    return {}


def _number(env: Any, obj: Any) -> None:
    for key, code in _sequence_columns(type(obj)):
        if not getattr(obj, key, None):
            setattr(obj, key, env.next_number(code, getattr(obj, "company_id", None)))


def after_flush(session: Session, _ctx: Any) -> None:
    unit_cache(session).created_seen.clear()


#: Records a unit keeps alive once it has read them (beyond this, the session's
#: weak identity map decides, as before): enough for any business step, bounded
#: for a unit that streams a large export.
HELD_PER_UNIT = 5000


def hold_loaded(session: Any, instance: Any) -> None:
    """Keep a record read by this unit alive until the unit ends.

    The session's identity map is weak: a company, journal or product a service
    read and let go was garbage-collected, and the next service of the same step
    asking ``session.get`` for it read it again (a third of an order's
    statements). Held here, ``session.get`` answers from the identity map.
    """
    held = unit_cache(session).held
    if len(held) < HELD_PER_UNIT:
        held.append(instance)


def install(session_factory: Any) -> None:
    event.listen(session_factory, "loaded_as_persistent", hold_loaded)
    event.listen(session_factory, "before_flush", before_flush)
    event.listen(session_factory, "after_flush", after_flush)

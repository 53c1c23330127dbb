"""What the kernel remembers, and for how long: per unit of work, per instance, per registry.

Two lifetimes, two typed homes, instead of string keys scattered over
``session.info`` and weak dictionaries keyed by plugin managers:

- :class:`UnitCache` lives as long as one unit of work (one session). The kernel's
  own state has typed attributes; an addon declares a :class:`Slot` once, at module
  level, and reads it with ``env.cache.get(SLOT)`` — typed, created on first use,
  and named so that two addons cannot collide by accident.
- :class:`InstanceCache` lives as long as one instance object: what belongs to its
  database or is bound to it (the web host's freshness check, template environments,
  the jobs' sync). Instances with the same addons share their registry, so none of
  this may hang on the registry.
- :class:`RegistryCache` lives as long as one composed registry: installing or
  removing an addon composes a new registry, so everything derived from the
  installed code (model metadata, views, display functions) is dropped with the old
  one, without a restart and without invalidation code. The security memo lives
  here too, keyed by the security stamp every worker reads with the user.

A session reaches its unit cache through ``session.info`` under one key, because
SQLAlchemy's events (the access check on every statement) receive the session,
not the env.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kernel.env import Env

T = TypeVar("T")

_UNIT_KEY = "kernel.unit"
#: databases whose security memo a registry keeps (a process serving more drops the oldest)
MAX_DATABASES = 64


@dataclass(frozen=True, eq=False)
class Slot(Generic[T]):
    """A named, typed entry of a cache; declare it once at module level.

    ``factory`` makes the empty value on first use; ``per_transaction`` entries are
    forgotten when the unit's transaction rolls back (they describe rows that the
    rollback undid), the others live as long as the cache.
    """

    name: str
    factory: Callable[[], T]
    per_transaction: bool = False

    def __repr__(self) -> str:
        return f"Slot({self.name!r})"


class _Slots:
    """The addon-declared part of a cache: values by :class:`Slot`."""

    def __init__(self) -> None:
        self._values: dict[Slot[Any], Any] = {}

    def get(self, slot: Slot[T]) -> T:
        """The slot's value, made by its factory the first time."""
        try:
            found: T = self._values[slot]
        except KeyError:
            found = self._values[slot] = slot.factory()
        return found

    def peek(self, slot: Slot[T]) -> T | None:
        """The slot's value if it was made, else ``None`` (nothing is created)."""
        found: T | None = self._values.get(slot)
        return found

    def set(self, slot: Slot[T], value: T) -> None:
        self._values[slot] = value

    def pop(self, slot: Slot[T]) -> T | None:
        found: T | None = self._values.pop(slot, None)
        return found

    def _forget_transaction(self) -> None:
        for slot in [s for s in self._values if s.per_transaction]:
            del self._values[slot]


@dataclass(eq=False)
class UnitCache(_Slots):
    """One unit of work's memory: the kernel's part typed, addons' parts by slot."""

    #: the env that opened the unit (the access check reads it back from the session)
    env: Env | None = None
    #: nesting depth of ``env.sudo()`` blocks
    su_depth: int = 0
    #: inside a kernel-internal read that must not recurse into the access check
    in_check: bool = False
    #: a form's live preview: no number is drawn, nothing is flushed
    preview: bool = False
    #: the security stamp read with the user (``None``: not read, or just bumped)
    security_stamp: str | None = None
    #: the user's rights by model, for the uid they were computed for
    access_map: tuple[int | None, dict[str, set[str]]] | None = None
    #: the user's allowed companies and current company, for the uid they were read for
    companies: tuple[int, tuple[frozenset[int] | None, int | None]] | None = None
    #: records created inside the life cycle's flush rounds (by ``id()``)
    created_seen: set[int] = field(default_factory=set)
    #: records this unit read, kept alive so the identity map keeps answering
    held: list[Any] = field(default_factory=list)
    #: records fetched by ``env.browse``, keyed ``(class, id)``
    browsed: dict[tuple[type, int], Any] = field(default_factory=dict)
    #: objects the kernel writes on the system's behalf (pass the write check)
    system_objects: weakref.WeakSet[Any] = field(default_factory=weakref.WeakSet)
    #: workflow milestones by ``(model, id)`` then name, read once per unit
    milestones: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)
    #: ``(model, id)`` of records this unit inserted: no milestone row can exist, and no
    #: other transaction can see (or lock, or change) them before this one commits
    created_records: set[tuple[str, int]] = field(default_factory=set)
    #: how many workflow transitions are running inside each other right now
    transition_depth: int = 0
    #: documents whose automatic transitions run when the outermost transition returns,
    #: each with whether it was queued under ``env.sudo()`` (it then moves on under it)
    to_advance: list[tuple[Any, bool]] = field(default_factory=list)
    #: the queue above is being worked through (nested transitions leave it alone)
    advancing: bool = False
    #: history rows of this step's transitions, written together when the step's
    #: outermost transition has moved every queued document on (one INSERT)
    history: list[Any] = field(default_factory=list)

    def __post_init__(self) -> None:
        _Slots.__init__(self)

    def forget_transaction(self) -> None:
        """A rollback undid the rows these entries describe."""
        self.milestones.clear()
        self.created_records.clear()
        self.to_advance.clear()
        self.history.clear()
        self._forget_transaction()


def unit_cache(session: Session) -> UnitCache:
    """The unit cache of ``session``, made on first use."""
    found: UnitCache | None = session.info.get(_UNIT_KEY)
    if found is None:
        found = session.info[_UNIT_KEY] = UnitCache()
    return found


class InstanceCache(_Slots):
    """One instance object's memory (its database, in this process), by slot."""


class RegistryCache(_Slots):
    """What is derived from one composed registry; dropped with it.

    The security memo (groups, rights, settings, external ids, configuration rows
    shared by every unit of the process) is read from a database and valid for one
    security stamp. Instances with the same addons share a registry, so the memo is
    kept per database: :meth:`memo` hands out the memo of a database's stamp and
    starts an empty one when that stamp changes.
    """

    def __init__(self) -> None:
        super().__init__()
        self._memos: dict[str, tuple[str, dict[Hashable, Any]]] = {}
        self._memo_lock = threading.Lock()

    def memo(self, stamp: str, database: str = "") -> dict[Hashable, Any]:
        kept = self._memos.get(database)
        if kept is not None and kept[0] == stamp:
            return kept[1]
        with self._memo_lock:
            kept = self._memos.pop(database, None)
            if kept is None or kept[0] != stamp:
                kept = (stamp, {})
            self._memos[database] = kept  # last: the oldest are the least recently used
            while len(self._memos) > MAX_DATABASES:
                self._memos.pop(next(iter(self._memos)))
            return kept[1]


def shared_memo(env: Env) -> dict[Hashable, Any] | None:
    """The process-wide memo valid for the stamp this unit read (``None``: do not cache).

    A unit without a user reads no stamp, so it has nothing to key a memo by.
    """
    if env.uid is None:
        return None
    env.user  # noqa: B018 - reading the user reads the stamp with it
    stamp = env.cache.security_stamp
    if not stamp:
        return None
    return env.registry.cache.memo(stamp, env.instance.url)


def memoized(env: Env, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, shared by every unit of this process that read the same stamp."""
    memo = shared_memo(env)
    if memo is not None and key in memo:
        found: T = memo[key]
        return found
    value = compute()
    if memo is not None:
        memo[key] = value
    return value

"""The unit-of-work environment handed to business code: session, user, language, company.

There are no hidden globals: everything that touches the database receives an
``Env``. Its session is bound to one transaction; the access checks in
:mod:`kernel.security` read the env back from the session (:mod:`kernel.caches`) so that every path
(UI, API, CLI, hooks) goes through the same enforcement point.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar, overload

from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.util import identity_key

from kernel.caches import UnitCache, memoized, unit_cache
from kernel.errors import NotFound
from kernel.i18n import _
from kernel.statements import built

if TYPE_CHECKING:
    import pluggy

    from kernel.instance import Instance
    from kernel.models.registry import Registry
    from kernel.workflow import Workflow

T = TypeVar("T")

SUPERUSER_ID = 1


class Env:
    """One user's view of one instance inside one transaction."""

    def __init__(
        self,
        instance: Instance,
        session: Session,
        uid: int | None,
        *,
        lang: str = "en",
        tz: str = "UTC",
        company_id: int | None = None,
        su: bool = False,
    ) -> None:
        self.instance = instance
        self.session = session
        self.uid = uid
        self.lang = lang
        self.tz = tz
        self._company_id = company_id
        self._su = su
        self.outbox_count = 0
        #: the database refuses writes in this unit (a GET request on PostgreSQL)
        self.read_only_transaction = False
        self.cache: UnitCache = unit_cache(session)
        self.cache.env = self

    @staticmethod
    def of(obj: Session | Any) -> Env | None:
        """The env of the unit a session (or a record held by one) belongs to.

        For model code (``__defaults__``, ``__on_create__``) that receives a record,
        not an env; ``None`` outside a unit (a detached record, a bare session).
        """
        session = obj if isinstance(obj, Session) else object_session(obj)
        return unit_cache(session).env if session is not None else None

    @property
    def company_id(self) -> int | None:
        """The company this unit works for: the one it was opened with, else the
        user's current company (``res.user.company``), else ``None`` (the main one)."""
        if self._company_id is None and self.uid is not None:
            from kernel.security import current_company

            return current_company(self)
        return self._company_id

    @company_id.setter
    def company_id(self, value: int | None) -> None:
        self._company_id = value

    # --- registry access ------------------------------------------------------------

    @property
    def registry(self) -> Registry:
        return self.instance.registry

    @overload
    def __getitem__(self, key: str) -> type[Any]: ...
    @overload
    def __getitem__(self, key: type[T]) -> type[T]: ...
    def __getitem__(self, key: str | type[T]) -> type[Any]:
        return self.registry[key]

    def __contains__(self, model: str) -> bool:
        return model in self.registry

    @property
    def hook(self) -> pluggy.HookRelay:
        """The bare pluggy relay; prefer a typed facade: ``SalesOrderHooks(env).sale_order_approved(...)``."""
        return self.registry.pm.hook

    def has_addon(self, name: str) -> bool:
        return self.registry.has(name)

    def workflow(self, record_or_model: Any) -> Workflow:
        name = (
            record_or_model if isinstance(record_or_model, str) else record_or_model.__model_name__
        )
        found: Workflow = self.registry.workflows[name]
        return found

    # --- privileges -----------------------------------------------------------------

    @property
    def su(self) -> bool:
        return self._su or self.cache.su_depth > 0

    @contextmanager
    def sudo(self, reason: str) -> Iterator[Env]:
        """Run a block with every access check lifted, for a stated reason.

        Pending changes are flushed before (checked as the user) and after
        (as superuser), so nothing crosses the boundary unchecked.
        """
        if not reason:
            raise ValueError("sudo() needs a reason")
        self.session.flush()
        self.cache.su_depth += 1
        try:
            yield self
            self.session.flush()
        finally:
            self.cache.su_depth -= 1

    @cached_property
    def user(self) -> Any:
        from kernel.security import load_user

        if self.uid is None:
            return None
        return load_user(self)

    def rollback(self) -> None:
        """Undo what this unit wrote so far and go on in a fresh transaction.

        Why not ``session.rollback()`` alone: it expires every loaded row, the user
        included, and reloading the user through an ordinary attribute access would
        run the access check, which reads the user. The user is read again here,
        with the security stamp, outside the check.
        """
        self.session.rollback()
        self.__dict__.pop("user", None)
        self.user  # noqa: B018 - read now, outside the access check

    @contextmanager
    def unchecked(self) -> Iterator[None]:
        """Kernel-internal reads that must not recurse into the access check."""
        cache = self.cache
        previous = cache.in_check
        cache.in_check = True
        try:
            yield
        finally:
            cache.in_check = previous

    @cached_property
    def group_xmlids(self) -> frozenset[str]:
        """The user's groups, implied ones included."""
        from kernel.security import group_xmlids_of

        if self.uid is None:
            return frozenset()
        return group_xmlids_of(self)

    @property
    def is_superuser(self) -> bool:
        if self.su:
            return True
        user = self.user
        return bool(user is not None and user.is_superuser)

    def has_group(self, xmlid: str) -> bool:
        return self.is_superuser or xmlid in self.group_xmlids

    def check(self, model: str, operation: str) -> None:
        """Raise :class:`AccessDenied` unless the user may ``operation`` on ``model``."""
        from kernel.security import check_access

        check_access(self, model, operation)

    def can(self, model: str, operation: str) -> bool:
        from kernel.security import can_access

        return can_access(self, model, operation)

    # --- convenience ----------------------------------------------------------------

    @overload
    def get(self, model: str, record_id: int) -> Any: ...
    @overload
    def get(self, model: type[T], record_id: int) -> T: ...
    def get(self, model: str | type[T], record_id: int) -> Any:
        """The record or a translated 404 naming the model (typed when given the class)."""
        cls: Any = self[model]
        # an id its key column cannot hold (beyond 32 bits on PostgreSQL) names no record
        record = self.session.get(cls, record_id) if _fits_key(cls, record_id) else None
        if record is None:
            raise NotFound(
                _("%(model)s #%(id)s does not exist", model=str(cls.__label__), id=record_id)
            )
        found: T = record
        return found

    def browse(self, model: str | type[Any], ids: Iterable[int]) -> dict[int, Any]:
        """Records by id: those this unit already holds cost nothing, the rest one query.

        Business steps pass the same products, units and locations through several
        services; each asking the database again was most of the statements of an
        order's approval. Records held by the session were read (and access-checked)
        in this unit, or created by it.
        """
        cls = self[model] if isinstance(model, str) else model
        found: dict[int, Any] = {}
        missing: list[int] = []
        for record_id in set(ids):
            if record_id is None:
                continue
            held = self.session.identity_map.get(identity_key(cls, record_id))
            if held is not None and not inspect(held).expired:
                found[record_id] = held
            else:
                missing.append(record_id)
        if missing:
            # the identity map holds records weakly: keep these for the rest of the
            # unit, so the next service asking for them finds them without a query
            keep = self.cache.browsed
            stmt = built(
                self.registry,
                ("kernel.env.browse", cls),
                lambda: select(cls).where(cls.id.in_(bindparam("ids", expanding=True))),
            )
            for record in self.session.scalars(stmt, {"ids": sorted(missing)}):
                found[record.id] = keep[(cls, record.id)] = record
        return found

    def ref(self, xmlid: str) -> Any:
        """The record created by a data file under external id ``addon.name``."""
        target = memoized(self, ("ref", xmlid), lambda: self._external_id(xmlid))
        return self.session.get(self.registry[target[0]], target[1])

    def _external_id(self, xmlid: str) -> tuple[str, int]:
        addon, _sep, name = xmlid.partition(".")
        Data = self.registry["ir.model.data"]
        row = self.session.execute(
            select(Data.model, Data.res_id).where(Data.addon == addon, Data.name == name)
        ).first()
        if row is None:
            raise NotFound(_("no record with external id %(xmlid)s", xmlid=xmlid))
        return str(row.model), int(row.res_id)

    def setting(self, key: str, default: Any = None) -> Any:
        """An instance setting; read once per configuration stamp (see :mod:`kernel.security`)."""
        settings = memoized(self, "settings", lambda: self.instance.settings(self.session))
        return settings.get(key, default)

    def next_number(self, code: str, company_id: int | None = None, when: Any = None) -> str:
        """Draw the next gapless number of sequence ``code`` (see :mod:`kernel.sequence`).

        A form's live preview (:func:`kernel.models.events.preview`) gets ``""``: it
        must not lock the counter nor pretend to know the number saving will take.
        """
        from kernel.sequence import next_number

        if self.cache.preview:
            return ""

        return next_number(
            self, code, company_id if company_id is not None else (self.company_id or 0), when
        )

    def outbox(
        self, topic: str, payload: dict[str, Any], *, record: Any = None, summary: str = ""
    ) -> None:
        """Queue a side effect to run after this unit of work commits.

        ``record`` names the document it is about (shown on the outbox screen and
        used by deliverers to write the document's history).
        """
        from kernel.security import system_write

        Outbox = self.registry["ir.outbox"]
        message = Outbox(
            topic=topic,
            payload=payload,
            res_model=getattr(record, "__model_name__", "") if record is not None else "",
            res_id=getattr(record, "id", None) if record is not None else None,
            summary=summary[:255],
        )
        system_write(self.session, message)  # the outbox is a system model (kernel.policy)
        self.session.add(message)
        self.outbox_count += 1


def _fits_key(cls: Any, record_id: Any) -> bool:
    """Whether ``record_id`` fits the integer type of the model's primary key column."""
    from sqlalchemy import BigInteger, Integer

    if not isinstance(record_id, int):
        return True
    column = cls.__table__.c.get("id")
    if column is None or not isinstance(column.type, Integer):
        return True
    bits = 64 if isinstance(column.type, BigInteger) else 32
    return bool(-(2 ** (bits - 1)) <= record_id < 2 ** (bits - 1))

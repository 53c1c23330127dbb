"""An instance: one database, the addons installed in it, and its composed registry.

``Instance.open(url)`` is cached per process and URL. Units of work come from
:meth:`Instance.unit` (a context manager: commit at the end, roll back on error) and
:meth:`Instance.run` (a function retried on PostgreSQL conflicts). Installing,
uninstalling and upgrading addons live in :mod:`kernel.lifecycle`.
"""

from __future__ import annotations

import logging
import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, inspect, select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from kernel import i18n, security
from kernel.addons.discovery import discover, import_addon
from kernel.addons.manifest import Manifest
from kernel.addons.parts import AddonParts
from kernel.addons.resolve import order
from kernel.caches import InstanceCache
from kernel.database import is_retryable, make_engine, normalize_url
from kernel.env import Env
from kernel.errors import AddonError, RetryLater
from kernel.i18n import _
from kernel.models import events as model_events
from kernel.models.registry import Registry, build_registry

log = logging.getLogger(__name__)
T = TypeVar("T")

ENV_BACKGROUND = "SUANPAN_BACKGROUND_DELIVERY"
_instances: dict[str, Instance] = {}
_lock = threading.Lock()
_parts_cache: dict[str, AddonParts] = {}
#: composed registries by their addons (and the very code of each), shared by instances
_registries: dict[tuple[tuple[str, str, int], ...], Registry] = {}
_compose_lock = threading.RLock()
#: sets of addons whose registry is kept; beyond, the least recently used is dropped
MAX_REGISTRIES = 32


def addon_parts(manifest: Manifest) -> AddonParts:
    """Import an addon once per process and collect what its ``register(parts)`` declares."""
    cached = _parts_cache.get(manifest.module)
    if cached is not None:
        return cached
    module = import_addon(manifest)
    register = getattr(module, "register", None)
    if register is None:
        raise AddonError(_("addon %(name)s has no register(parts) function", name=manifest.name))
    parts = AddonParts(addon=manifest.name)
    register(parts)
    i18n.add_catalog_dir(manifest.i18n_dir, manifest.name)
    _parts_cache[manifest.module] = parts
    return parts


class Instance:
    """One customer database."""

    def __init__(
        self, url: str, addons_path: list[str] | None = None, engine: Engine | None = None
    ) -> None:
        self.url = normalize_url(url)
        self.addons_path = list(addons_path or [])
        self.engine = engine or make_engine(self.url)
        self.available: dict[str, Manifest] = discover(self.addons_path)
        self._registry: Registry | None = None
        self._registry_key: tuple[str, ...] = ()
        self.sessionmaker = sessionmaker(bind=self.engine, expire_on_commit=False)
        model_events.install(
            self.sessionmaker
        )  # before the access checks: see kernel/models/events.py
        security.install(self.sessionmaker)
        #: what belongs to this instance's database (its registry may be shared)
        self.cache = InstanceCache()
        self.after_commit: list[Callable[[Instance], None]] = []
        # a job runner (in-process thread or `suanpan worker`) drains the outbox;
        # without one (scripts, tests, the CLI) a unit delivers its messages itself
        self.background_delivery = os.environ.get(ENV_BACKGROUND, "") == "1"

    # --- opening ------------------------------------------------------------------

    @classmethod
    def open(cls, url: str, addons_path: list[str] | None = None) -> Instance:
        key = normalize_url(url)
        with _lock:
            inst = _instances.get(key)
            if inst is None:
                inst = cls(key, addons_path)
                _instances[key] = inst
            return inst

    @classmethod
    def forget(cls, url: str) -> None:
        with _lock:
            inst = _instances.pop(normalize_url(url), None)
        if inst is not None:
            inst.engine.dispose()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def is_initialized(self) -> bool:
        with self.engine.connect() as conn:
            return "ir_addon" in inspect(conn).get_table_names()

    def _installed_rows(self) -> list[str]:
        if not self.is_initialized():
            return []
        with self.engine.connect() as conn:
            return list(conn.exec_driver_sql("SELECT name FROM ir_addon").scalars().all())

    def missing_addons(self) -> list[str]:
        """Installed addons whose code this process cannot find (removed, or a wrong addons_path)."""
        return sorted(n for n in self._installed_rows() if n not in self.available)

    def installed_names(self) -> list[str]:
        """Installed addons in dependency order (read from the database)."""
        rows = self._installed_rows()
        missing = [n for n in rows if n not in self.available]
        if missing:
            raise AddonError(
                _(
                    "installed addons cannot be found: %(names)s (check addons_path, or "
                    "remove them with `suanpan addons uninstall --force %(names)s`)",
                    names=", ".join(missing),
                )
            )
        return order(rows, self.available)

    @property
    def registry(self) -> Registry:
        if self._registry is None:
            self.reload()
        assert self._registry is not None
        return self._registry

    def reload(self, names: list[str] | None = None) -> Registry:
        """(Re)compose the registry from the installed addons (or ``names``)."""
        names = self.installed_names() if names is None else order(names, self.available)
        key = tuple(names)
        if self._registry is not None and key == self._registry_key:
            return self._registry
        self._registry = self.compose(names)
        self._registry_key = key
        return self._registry

    def compose(self, names: list[str]) -> Registry:
        """The registry of these addons, composed once per process for every instance.

        A registry is code only (mapped classes, hooks, workflows, views), so every
        instance with the same addons shares one: a process serving many databases
        (a host of several customers, the test suite) composes each set of addons
        once. What belongs to a database lives elsewhere: the security memo is kept
        per database (:meth:`kernel.caches.RegistryCache.memo`), the rest on the
        instance (:class:`kernel.caches.InstanceCache`).
        """
        manifests = [self.available[n] for n in order(names, self.available)]
        parts = {m.name: addon_parts(m) for m in manifests}
        key = tuple((m.name, m.module, id(parts[m.name])) for m in manifests)
        with _compose_lock:
            found = _registries.pop(key, None)
            if found is None:
                found = build_registry(manifests, parts)
            _registries[key] = found  # last: the oldest entries are the least recently used
            while len(_registries) > MAX_REGISTRIES:
                _registries.pop(next(iter(_registries)))
            return found

    # --- units of work --------------------------------------------------------------

    @contextmanager
    def unit(
        self,
        uid: int | None = None,
        *,
        lang: str | None = None,
        readonly: bool = False,
        su: bool = False,
        company_id: int | None = None,
    ) -> Iterator[Env]:
        """One transaction: commit when the block ends, roll back if it raises.

        ``uid=None`` is a system unit (no user): it must pass ``su=True`` to write.
        """
        env = self.open_unit(uid, lang=lang, readonly=readonly, su=su, company_id=company_id)
        try:
            with i18n.use_locale(env.lang):
                yield env
        except BaseException:
            self.end_unit(env, readonly=readonly, ok=False)
            raise
        self.end_unit(env, readonly=readonly, ok=True)

    def open_unit(
        self,
        uid: int | None = None,
        *,
        lang: str | None = None,
        readonly: bool = False,
        su: bool = False,
        company_id: int | None = None,
        read_only_transaction: bool = False,
        _reconnected: bool = False,
    ) -> Env:
        """The first half of :meth:`unit`, for callers whose unit spans several calls.

        Why split: the web host opens a request's unit in one worker thread, runs the
        handler in another and commits in a third (:mod:`kernel.web.deps`), so it cannot
        hold a ``with`` block. Pair every call with :meth:`end_unit`. The locale is not
        set here: it is a context variable, which the caller sets where the work runs.

        ``readonly`` units roll back whatever they wrote (a form's preview writes, then
        discards). ``read_only_transaction`` (with ``readonly``, for a GET request) is
        stricter: on PostgreSQL the transaction itself is READ ONLY, so the database
        refuses any write.
        """
        if self._registry is None:  # composed before the transaction opens
            self.reload()
        session = self.sessionmaker()
        if self.dialect == "sqlite":
            session.connection(
                execution_options={"sqlite_begin": "DEFERRED" if readonly else "IMMEDIATE"}
            )
        elif read_only_transaction:
            # BEGIN READ ONLY (no extra statement): the database refuses any write, so
            # the unit may end with COMMIT (see end_unit)
            session.connection(execution_options={"postgresql_readonly": True})
        env = Env(
            self, session, uid, lang=lang or "en", company_id=company_id, su=su or uid is None
        )
        env.read_only_transaction = read_only_transaction and self.dialect == "postgresql"
        if uid is not None:
            try:
                user = env.user
            except DBAPIError as exc:
                session.close()
                if not exc.connection_invalidated or _reconnected:
                    raise
                # The pooled connection had died (a restarted server): a connection in
                # steady use goes out unpinged (kernel.database.ping_after_idle), so the
                # unit's first statement finds out. Nothing was done yet and the pool
                # has been invalidated: start again on a fresh connection.
                return self.open_unit(
                    uid,
                    lang=lang,
                    readonly=readonly,
                    su=su,
                    company_id=company_id,
                    read_only_transaction=read_only_transaction,
                    _reconnected=True,
                )
            if user is None or not user.active:
                session.close()
                raise AddonError(_("user #%(uid)s does not exist or is inactive", uid=uid))
            env.lang = lang or user.lang
            env.tz = user.tz
        return env

    def end_unit(self, env: Env, *, readonly: bool, ok: bool) -> None:
        """Commit (``ok`` and writable) or roll back the unit, close it, then send its mail.

        A unit whose transaction was READ ONLY ends with COMMIT even when ``readonly``:
        there is nothing to undo, and psycopg forgets every prepared statement of the
        connection on ROLLBACK (each API read made its worker's connection parse and
        plan the next requests' statements afresh).
        """
        session = env.session
        try:
            if ok and (not readonly or env.read_only_transaction):
                session.commit()
            else:
                session.rollback()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
        if ok and not readonly and env.outbox_count and not self.background_delivery:
            self.deliver_outbox()

    def run(
        self, fn: Callable[[Env], T], uid: int | None = None, *, retries: int = 4, **kwargs: Any
    ) -> T:
        """Run ``fn(env)`` in a unit of work, retrying it whole on a concurrency conflict.

        Past ``retries`` attempts the caller gets :class:`RetryLater` and nothing is written.
        """
        delay = 0.02
        for attempt in range(retries + 1):
            try:
                with self.unit(uid, **kwargs) as env:
                    return fn(env)
            except (OperationalError, DBAPIError) as exc:
                if not is_retryable(exc) or attempt == retries:
                    if is_retryable(exc):
                        raise RetryLater(
                            _("the database is busy with a conflicting change; please retry")
                        ) from exc
                    raise
                log.info("retrying unit of work after conflict (attempt %s): %s", attempt + 1, exc)
                time.sleep(delay * (1 + random.random()))
                delay *= 2
        raise AssertionError("unreachable")

    # --- settings and outbox ----------------------------------------------------------

    def settings(self, session: Session) -> dict[str, Any]:
        Setting = self.registry["ir.setting"]
        return {row.key: row.value for row in session.scalars(select(Setting))}

    def deliver_outbox(self, limit: int = 100) -> int:
        """Send pending outbox messages through ``deliver_outbox_message`` hooks; returns how many were sent."""
        from kernel.outbox import deliver_pending

        return deliver_pending(self, limit)


def template_dir() -> Path:
    return Path(__file__).parent / "web" / "templates"

"""Creating instances and installing, upgrading and uninstalling addons.

Each operation is one transaction: schema changes (transactional on both
PostgreSQL and SQLite), data files, ownership records, the ``ir.addon`` rows and
post-install hooks commit together or not at all.
"""

from __future__ import annotations

import getpass
import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, delete, inspect, select
from sqlalchemy.orm import Session

from kernel import data as data_files
from kernel import migrations, schema, security
from kernel.addons.resolve import closure, dependents, order, unknown_addon, with_auto_install
from kernel.env import Env
from kernel.errors import AddonError
from kernel.hookspecs import KernelHooks
from kernel.i18n import _
from kernel.instance import Instance
from kernel.models import events as model_events
from kernel.models.registry import Registry
from kernel.passwords import hash_password

KERNEL_DATA = "kernel/data/kernel.toml"


@contextmanager
def _maintenance(instance: Instance, registry: Registry) -> Iterator[tuple[Connection, Env]]:
    """A transaction for schema work: foreign keys deferred on SQLite so tables can be rebuilt."""
    with instance.engine.connect() as conn:
        if instance.dialect == "sqlite":
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            with conn.begin():
                session = Session(bind=conn, expire_on_commit=False)
                model_events.install(session)
                env = Env(instance, session, None, su=True)
                instance._registry = registry
                with schema.sqlite_triggers_survive_rebuilds(conn):
                    yield conn, env
                    session.flush()
                security.bump_stamp(session, registry)
                if instance.dialect == "sqlite":
                    problems = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if problems:
                        raise AddonError(
                            _("foreign key check failed: %(rows)s", rows=str(problems[:5]))
                        )
        finally:
            if instance.dialect == "sqlite":
                conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


def initialize(
    instance: Instance,
    *,
    admin_password: str,
    company: str = "My Company",
    currency: str = "CNY",
    lang: str = "en",
    tz: str = "Asia/Shanghai",
    admin_login: str = "admin",
) -> bool:
    """Create the kernel tables, settings and the administrator; False if already there."""
    if instance.is_initialized():
        return False
    registry = instance.compose([])
    try:
        with _maintenance(instance, registry) as (conn, env):
            schema.create_owned(conn, registry, {"kernel"})
            _record_ownership(
                env, [("kernel", "table", t.name, "") for t in registry.metadata.sorted_tables]
            )
            Setting = registry["ir.setting"]
            for key, value in {
                "company_name": company,
                "currency": currency,
                "lang": lang,
                "tz": tz,
                # present from the start, so installs only ever update it: an
                # install followed by an uninstall leaves every row count as it was
                "registry_version": 1,
            }.items():
                env.session.add(Setting(key=key, value=value))
            User = registry["res.user"]
            env.session.add(
                User(
                    login=admin_login,
                    name="Administrator",
                    lang=lang,
                    tz=tz,
                    is_superuser=True,
                    password_hash=hash_password(admin_password),
                )
            )
            env.session.flush()
            from pathlib import Path

            from kernel.addons.manifest import Manifest

            kernel_manifest = Manifest(
                name="kernel",
                title="Kernel",
                version="1.0",
                summary="",
                depends=(),
                path=Path(__file__).parent,
                module="kernel",
            )
            data_files.load_files(env, kernel_manifest, ("data/kernel.toml",))
    except BaseException:
        instance._registry = None
        raise
    instance._registry = None
    instance.reload()
    return True


def install(
    instance: Instance, names: list[str], *, demo: bool = False, user: str | None = None
) -> list[str]:
    """Install ``names`` and their dependencies; returns the addons newly installed, in order."""
    if not instance.is_initialized():
        raise AddonError(
            _("the instance is not initialized; run setup_instance.py or `suanpan init` first")
        )
    installed = instance.installed_names()
    for name in names:
        if name not in instance.available:
            raise unknown_addon(name, instance.available)
    wanted = with_auto_install(
        closure([*installed, *names], instance.available), instance.available
    )
    new = [n for n in order(wanted, instance.available) if n not in installed]
    if not new:
        return []
    target = order(wanted, instance.available)
    registry = instance.compose(target)
    try:
        with _maintenance(instance, registry) as (conn, env):
            created = schema.create_owned(conn, registry, set(new))
            _record_ownership(env, created)
            migrations.stamp_new(conn, instance, new)
            AddonState = registry["ir.addon"]
            # Data of every new addon first, then post-install set-up (e.g. a chart of
            # accounts), then demo data, then the addon_installed hooks: a demo loader may
            # drive workflows whose hooks need another new addon's data or set-up.
            for name in new:
                manifest = instance.available[name]
                data_files.load_files(env, manifest, manifest.data)
                env.session.add(
                    AddonState(
                        name=name,
                        version=manifest.version,
                        sequence=target.index(name),
                        installed_by=user or getpass.getuser(),
                        demo=demo,
                    )
                )
            env.session.flush()
            for name in new:
                _post_install(env, instance.available[name].module)
            if demo:
                for name in new:
                    manifest = instance.available[name]
                    data_files.load_files(env, manifest, manifest.demo, demo=True)
            for name in new:
                KernelHooks(env).addon_installed(env=env, addon=name)
            _bump_registry_version(env)
    except BaseException:
        instance._registry = None
        instance._registry_key = ()
        raise
    instance._registry_key = tuple(target)
    return new


def _post_install(env: Env, module_name: str) -> None:
    module = importlib.import_module(module_name)
    hook = getattr(module, "post_install", None)
    if hook is not None:
        hook(env)


def uninstall_plan(instance: Instance, names: list[str], *, cascade: bool = False) -> list[str]:
    """The addons that would be removed, dependents first; raises if dependents block it."""
    installed = instance.installed_names()
    for name in names:
        if name not in installed:
            if name not in instance.available:
                raise unknown_addon(name, instance.available)
            raise AddonError(_("addon %(name)s is not installed", name=name))
    removing: set[str] = set(names)
    for name in names:
        needers = [d for d in dependents(name, installed, instance.available) if d not in removing]
        if needers and not cascade:
            raise AddonError(
                _(
                    "cannot uninstall %(name)s: %(needers)s depend on it (use --cascade to remove them too)",
                    name=name,
                    needers=", ".join(needers),
                )
            )
        removing.update(needers)
    return list(reversed(order(removing, instance.available)))


def uninstall(instance: Instance, names: list[str], *, cascade: bool = False) -> list[str]:
    """Remove addons, their tables, the columns they added and their data."""
    removing = uninstall_plan(instance, names, cascade=cascade)
    installed = instance.installed_names()
    old_registry = instance.reload(installed)  # the running registry when it is current
    try:
        with _maintenance(instance, old_registry) as (conn, env):
            for name in removing:
                KernelHooks(env).addon_uninstalling(env=env, addon=name)
            owned = schema.recorded_ownership(conn, old_registry, set(removing))
            dropped_tables = {t for kind, t, _c in owned if kind == "table"}
            keep = set(inspect(conn).get_table_names()) - dropped_tables
            for name in removing:
                data_files.remove_addon_data(env, name, keep)
            _remove_kernel_rows(env, old_registry, removing, dropped_tables)
            env.session.flush()
            schema.drop_owned(conn, owned)
            migrations.unstamp(conn, instance, removing)
            _bump_registry_version(env)
    except BaseException:
        instance._registry = None
        instance._registry_key = ()
        raise
    instance._registry = None  # composed again on first use, from what is installed now
    instance._registry_key = ()
    return removing


def remove_missing(instance: Instance, names: list[str]) -> list[str]:
    """Remove installed addons whose code is gone: their tables, columns, data and rows.

    The addon cannot be imported, so nothing of it runs (no uninstall hooks): what it
    put in the database is known from the ownership records (tables, columns) and
    external ids (data records). Refused while an addon whose code is present still
    depends on one of them.
    """
    missing = set(instance.missing_addons())
    for name in names:
        if name not in missing:
            raise AddonError(
                _(
                    "addon %(name)s is not an installed addon with missing code; "
                    "uninstall it without --force",
                    name=name,
                )
            )
    if missing - set(names):
        raise AddonError(
            _(
                "the code of %(names)s is missing too: remove them in the same command",
                names=", ".join(sorted(missing - set(names))),
            )
        )
    remaining = [n for n in instance._installed_rows() if n not in missing]
    for name in remaining:
        needs = set(instance.available[name].depends) & missing
        if needs:
            raise AddonError(
                _(
                    "cannot remove %(missing)s: %(name)s depends on it; uninstall %(name)s first",
                    missing=", ".join(sorted(needs)),
                    name=name,
                )
            )
    registry = instance.compose(order(remaining, instance.available))
    try:
        with _maintenance(instance, registry) as (conn, env):
            owned = schema.recorded_ownership(conn, registry, set(names))
            dropped_tables = {t for kind, t, _c in owned if kind == "table"}
            keep = set(inspect(conn).get_table_names()) - dropped_tables
            for name in names:
                data_files.remove_addon_data(env, name, keep)
            _remove_kernel_rows(env, registry, list(names), dropped_tables)
            env.session.flush()
            schema.drop_owned(conn, owned)
            migrations.unstamp_unknown(conn, instance)
            _bump_registry_version(env)
    except BaseException:
        instance._registry = None
        instance._registry_key = ()
        raise
    instance._registry = None
    instance._registry_key = ()
    return sorted(names)


def _models_of_tables(model_names: set[str], tables: set[str]) -> list[str]:
    """Model names whose table is among ``tables`` (``sale.order`` lives in ``sale_order``)."""
    return sorted(m for m in model_names if m.replace(".", "_") in tables)


def _remove_kernel_rows(
    env: Env, registry: Registry, removing: list[str], dropped_tables: set[str]
) -> None:
    models_gone = [
        name for name, info in registry.models.items() if info.cls.__table__.name in dropped_tables
    ]
    if dropped_tables:
        # models no longer composed (their addon's code is gone) are known by table name only
        Access = registry["ir.access"]
        recorded = set(env.session.scalars(select(Access.model).distinct()))
        models_gone += _models_of_tables(recorded - set(models_gone), dropped_tables)
    for model_name in ("workflow.milestone", "workflow.history"):
        cls = registry[model_name]
        env.session.execute(delete(cls).where(cls.addon.in_(removing)))
        if models_gone:
            env.session.execute(delete(cls).where(cls.model.in_(models_gone)))
    Owner = registry["ir.schema.owner"]
    Addon = registry["ir.addon"]
    Access = registry["ir.access"]
    if models_gone:
        env.session.execute(delete(Access).where(Access.model.in_(models_gone)))
    env.session.execute(delete(Owner).where(Owner.addon.in_(removing)))
    if dropped_tables:  # another addon's columns on a dropped table go with it (a when= part's)
        env.session.execute(delete(Owner).where(Owner.table_name.in_(sorted(dropped_tables))))
    env.session.execute(delete(Addon).where(Addon.name.in_(removing)))


def upgrade(instance: Instance, names: list[str] | None = None) -> list[str]:
    """Run pending migrations and reload data of ``names`` (all installed when ``None``)."""
    installed = instance.installed_names()
    targets = names or installed
    for name in targets:
        if name not in installed:
            raise AddonError(_("addon %(name)s is not installed", name=name))
    registry = instance.compose(installed)
    with _maintenance(instance, registry) as (conn, env):
        columns_before = schema.columns_of(conn)
        migrations.upgrade(conn, instance, order(targets, instance.available))
        added = schema.columns_of(conn) - columns_before
        schema.fill_defaults(
            conn,
            registry,
            [c for c in sorted(added) if registry.column_owners.get(c) in set(targets)],
        )
        schema.create_owned(conn, registry, set(targets))
        # what the migrations and create_owned added, so that uninstall removes it too
        _record_ownership(env, schema.unrecorded_ownership(conn, registry, set(targets)))
        AddonState = registry["ir.addon"]
        for name in order(targets, instance.available):
            manifest = instance.available[name]
            data_files.load_files(env, manifest, manifest.data)
            state = env.session.scalar(select(AddonState).where(AddonState.name == name))
            if state is not None:
                state.version = manifest.version
        _bump_registry_version(env)
    instance._registry_key = tuple(installed)
    return targets


def _record_ownership(env: Env, rows: list[tuple[str, str, str, str]]) -> None:
    Owner = env.registry["ir.schema.owner"]
    for addon, kind, table, column in rows:
        env.session.add(Owner(addon=addon, kind=kind, table_name=table, column_name=column))
    env.session.flush()


def _bump_registry_version(env: Env) -> None:
    """Web workers compare this number to notice that the addon set changed."""
    Setting = env.registry["ir.setting"]
    row = env.session.scalar(select(Setting).where(Setting.key == "registry_version"))
    if row is None:
        env.session.add(Setting(key="registry_version", value=1))
    else:
        row.value = int(row.value or 0) + 1


def registry_version(instance: Instance) -> int:
    with instance.engine.connect() as conn:
        value: Any = conn.exec_driver_sql(
            "SELECT value FROM ir_setting WHERE key = 'registry_version'"
        ).scalar()
    import json

    return int(json.loads(value)) if isinstance(value, str) else int(value or 0)

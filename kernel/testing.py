"""Test support for the kernel, our addons and third-party addons (a pytest plugin).

Enable with ``pytest_plugins = ["kernel.testing"]`` (our root ``conftest.py`` does).

Database choice: ``SUANPAN_TEST_DB=sqlite`` (default) or ``postgresql``. On
PostgreSQL (``SUANPAN_TEST_PG``, default ``postgresql://postgres@127.0.0.1:5432``)
each test run creates its own databases and drops them at the end. When the
server is missing, PostgreSQL runs fail under ``CI=true`` and are skipped with one
line elsewhere.

Browser tests on PostgreSQL: what a page does in Chromium does not depend on the
database, and the flows the pages drive run on both databases through the
services and the API. So on PostgreSQL only browser tests also marked
``both_databases`` run (the order-to-cash flows, in one language); the rest run
on SQLite.

``make_instance(["sales_order"], demo=False)`` gives a fresh, initialized instance
with those addons installed. Instances of the same addon set are cloned from a
template built once per run (a file copy on SQLite, ``CREATE DATABASE … TEMPLATE``
on PostgreSQL), so each test starts from a clean database cheaply.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.pool import NullPool

from kernel import lifecycle
from kernel.instance import Instance

os.environ.setdefault("SUANPAN_FAST_HASH", "1")
# tests drive one API key far faster than any client should; the rate limit's own
# tests pass a limit explicitly (create_app(api_rate_limit=…))
os.environ.setdefault("SUANPAN_API_RATE_LIMIT", "0")

ADMIN_PASSWORD = "admin-test-password"
PG_SERVER = os.environ.get("SUANPAN_TEST_PG", "postgresql://postgres@127.0.0.1:5432")


def db_kind() -> str:
    return os.environ.get("SUANPAN_TEST_DB", "sqlite")


def pg_available() -> str | None:
    """None when the PostgreSQL server answers, else the reason."""
    try:
        engine = create_engine(_pg_url("postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:
        return str(exc).splitlines()[0]


def _pg_url(database: str) -> str:
    return f"{PG_SERVER.replace('postgresql://', 'postgresql+psycopg://')}/{database}"


class DatabaseFactory:
    """Creates databases for one test run and drops them all at the end."""

    def __init__(self, kind: str, tmp: Path) -> None:
        self.kind = kind
        self.tmp = tmp
        self.run_id = uuid.uuid4().hex[:8]
        self.created: list[str] = []
        self.templates: dict[str, str] = {}
        self._admin = (
            create_engine(_pg_url("postgres"), isolation_level="AUTOCOMMIT")
            if kind == "postgresql"
            else None
        )
        # DROP DATABASE waits for a server checkpoint (seconds on a busy disk): databases
        # a test is done with are dropped in the background while later tests run.
        self._dropper: ThreadPoolExecutor | None = None
        self._drops: list[Future[None]] = []
        self._dropped: set[str] = set()

    def new_url(self, template: str | None = None) -> str:
        name = f"sp_{self.run_id}_{len(self.created)}"
        self.created.append(name)
        if self.kind == "sqlite":
            path = self.tmp / f"{name}.db"
            if template:
                shutil.copyfile(template, path)
            return f"sqlite:///{path}"
        assert self._admin is not None
        with self._admin.connect() as conn:
            clause = f' TEMPLATE "{template}"' if template else ""
            conn.execute(text(f'CREATE DATABASE "{name}"{clause}'))
        return _pg_url(name)

    def template_for(
        self, addons: tuple[str, ...], demo: bool, addons_path: tuple[str, ...]
    ) -> str:
        key = hashlib.sha1(repr((addons, demo, addons_path)).encode()).hexdigest()[:10]
        found = self.templates.get(key)
        if found:
            return found
        url = self.new_url()
        instance = Instance(url, list(addons_path))
        lifecycle.initialize(instance, admin_password=ADMIN_PASSWORD)
        if addons:
            lifecycle.install(instance, list(addons), demo=demo, user="tests")
        instance.engine.dispose()
        ref = (
            url.rsplit("/", 1)[-1] if self.kind == "postgresql" else url.removeprefix("sqlite:///")
        )
        self.templates[key] = ref
        return ref

    def _drop(self, name: str) -> None:
        engine = create_engine(
            _pg_url("postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
        )
        try:
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            engine.dispose()

    def release(self, url: str) -> None:
        """Drop a (non-template) database its test no longer uses, in the background."""
        if self.kind != "postgresql":
            return
        name = url.rsplit("/", 1)[-1]
        if name not in self.templates.values():
            self._submit_drop(name)

    def _submit_drop(self, name: str) -> None:
        if name in self._dropped:
            return
        if self._dropper is None:
            self._dropper = ThreadPoolExecutor(max_workers=16, thread_name_prefix="dropdb")
        self._dropped.add(name)
        self._drops.append(self._dropper.submit(self._drop, name))

    def drop_all(self) -> None:
        if self._admin is None:
            return
        self._admin.dispose()
        for name in self.created:
            self._submit_drop(name)
        if self._dropper is not None:
            self._dropper.shutdown(wait=True)
        for future in self._drops:
            future.result()


@pytest.fixture(scope="session")
def database_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseFactory]:
    kind = db_kind()
    if kind == "postgresql":
        reason = pg_available()
        if reason is not None:
            if os.environ.get("CI") == "true":
                pytest.fail(
                    f"PostgreSQL is required in CI but unreachable: {reason}", pytrace=False
                )
            pytest.skip(f"PostgreSQL runs skipped: server unreachable ({reason})")
    factory = DatabaseFactory(kind, tmp_path_factory.mktemp("db"))
    yield factory
    factory.drop_all()


MakeInstance = Callable[..., Instance]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "both_databases: a browser test that runs on PostgreSQL too (see kernel.testing)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, browser tests not marked ``both_databases`` are skipped (module docstring)."""
    if db_kind() != "postgresql":
        return
    skip = pytest.mark.skip(
        reason="what the browser does does not depend on the database: runs on SQLite"
    )
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("both_databases"):
            item.add_marker(skip)


@pytest.fixture
def make_instance(database_factory: DatabaseFactory) -> Iterator[MakeInstance]:
    """``make_instance(addons=(), demo=False, addons_path=(), template=True)`` → fresh Instance."""
    made: list[Instance] = []

    def make(
        addons: list[str] | tuple[str, ...] = (),
        *,
        demo: bool = False,
        addons_path: list[str] | tuple[str, ...] = (),
        template: bool = True,
    ) -> Instance:
        if template:
            ref = database_factory.template_for(
                tuple(addons), demo, tuple(str(p) for p in addons_path)
            )
            url = database_factory.new_url(ref)
            instance = Instance(url, list(addons_path))
        else:
            url = database_factory.new_url()
            instance = Instance(url, list(addons_path))
            lifecycle.initialize(instance, admin_password=ADMIN_PASSWORD)
            if addons:
                lifecycle.install(instance, list(addons), demo=demo, user="tests")
        made.append(instance)
        return instance

    yield make
    for instance in made:
        instance.engine.dispose()
        database_factory.release(instance.url)


@pytest.fixture
def db_url(database_factory: DatabaseFactory) -> str:
    """A fresh, empty database URL."""
    return database_factory.new_url()


class StatementCounter:
    """Counts SQL statements sent through an engine while the block runs."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.count = 0
        self.statements: list[str] = []

    def _on(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.count += 1
        self.statements.append(statement)

    def __enter__(self) -> StatementCounter:
        event.listen(self.engine, "before_cursor_execute", self._on)
        return self

    def __exit__(self, *exc: Any) -> None:
        event.remove(self.engine, "before_cursor_execute", self._on)


def make_user(
    instance: Instance, login: str, groups: list[str], *, lang: str = "en", password: str = "pw"
) -> int:
    """Create a user in ``groups`` (external ids) and return its id."""
    from sqlalchemy import select

    from kernel.passwords import hash_password

    with instance.unit(None, su=True) as env:
        User = env["res.user"]
        Group = env["res.group"]
        UserGroup = env["res.user.group"]
        user = User(
            login=login, name=login.title(), lang=lang, password_hash=hash_password(password)
        )
        env.session.add(user)
        env.session.flush()
        for xmlid in ["kernel.group_user", *groups]:
            gid = env.session.scalar(select(Group.id).where(Group.xmlid == xmlid))
            if gid is None:
                raise LookupError(f"no group {xmlid}")
            env.session.add(UserGroup(user_id=user.id, group_id=gid))
        return int(user.id)


class AddonConformance:
    """Generic checks every addon gets by subclassing and setting ``addon``.

    ``class TestConformance(AddonConformance): addon = "sales_order"``
    """

    addon: str = ""
    addons_path: tuple[str, ...] = ()

    def test_manifest_is_complete(self, make_instance: MakeInstance) -> None:
        from kernel.addons.discovery import discover

        manifest = discover(self.addons_path)[self.addon]
        assert manifest.title and manifest.version and manifest.summary and manifest.license

    def test_installs_and_uninstalls_cleanly(self, make_instance: MakeInstance) -> None:
        from kernel import schema
        from kernel.addons.discovery import discover

        manifest = discover(self.addons_path)[self.addon]
        instance = make_instance(list(manifest.depends), addons_path=self.addons_path)
        if manifest.auto_install:
            # A glue addon arrives with its dependencies; the picture without it
            # is the one after removing it.
            assert self.addon in instance.installed_names()
            lifecycle.uninstall(instance, [self.addon], cascade=True)
        with instance.engine.connect() as conn:
            before = schema.snapshot(conn)
        before_rows = table_counts(instance)
        lifecycle.install(instance, [self.addon])
        lifecycle.uninstall(instance, [self.addon], cascade=True)
        with instance.engine.connect() as conn:
            after = schema.snapshot(conn)
        assert after == before
        assert table_counts(instance) == before_rows

    def test_models_have_labels(self, make_instance: MakeInstance) -> None:
        instance = make_instance([self.addon], addons_path=self.addons_path)
        for name, info in instance.registry.models.items():
            if info.addon != self.addon:
                continue
            assert getattr(info.cls, "__label__", None), f"{name} has no label"
            for column in info.cls.__table__.columns:
                if column.name == "id":
                    continue
                owner = instance.registry.column_owners[(info.cls.__table__.name, column.name)]
                if owner == self.addon:
                    assert column.info.get("label"), f"{name}.{column.name} has no label"

    def test_workflows_are_consistent(self, make_instance: MakeInstance) -> None:
        instance = make_instance([self.addon], addons_path=self.addons_path)
        for wf in instance.registry.workflows.values():
            names = {s.name for s in wf.states}
            for tr in wf.transitions:
                assert tr.target in names, f"{wf.model}:{tr.name} goes to unknown state {tr.target}"
                assert set(tr.sources) <= names, f"{wf.model}:{tr.name} leaves from unknown states"

    def test_access_rights_name_known_models_and_groups(self, make_instance: MakeInstance) -> None:
        from sqlalchemy import select

        instance = make_instance([self.addon], addons_path=self.addons_path)
        with instance.unit(None, su=True) as env:
            Access = env["ir.access"]
            for model in env.session.scalars(select(Access.model)):
                assert model in env.registry, f"access right for unknown model {model}"
            own = [n for n, i in env.registry.models.items() if i.addon == self.addon]
            granted = set(env.session.scalars(select(Access.model)))
            missing = [m for m in own if m not in granted]
            assert not missing, f"models without any access right: {missing}"

    def test_models_have_explicit_policies(self, make_instance: MakeInstance) -> None:
        """Every model the addon defines says what kind of model it is (kernel.policy)."""
        from kernel import policy

        instance = make_instance([self.addon], addons_path=self.addons_path)
        missing = policy.undeclared(instance.registry, self.addon)
        assert not missing, f"models without a [[policy]] in the data files: {missing}"
        assert not policy.misplaced(instance.registry)

    def test_translations_complete(self) -> None:
        from kernel.i18n.catalogs import missing_translations

        missing = missing_translations(self.addon, "zh_CN", self.addons_path)
        assert not missing, f"{len(missing)} untranslated zh_CN strings, e.g. {missing[:5]}"


def table_counts(instance: Instance) -> dict[str, int]:
    from sqlalchemy import inspect

    counts: dict[str, int] = {}
    with instance.engine.connect() as conn:
        for name in inspect(conn).get_table_names():
            counts[name] = int(conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar() or 0)
    return counts

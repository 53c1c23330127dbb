"""Configuration rows are read once per process, and never served stale or uncommitted.

``kernel.rowcache`` answers plain SELECTs of ``cached=True`` models (here the
base addon's companies) from a process-wide memo kept under the security stamp.
What must hold: a warm unit reads the company without a statement; a change
another unit made but rolled back is never seen; a committed change is seen by
the next unit (the write bumped the stamp); a locking read always reaches the
database.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from kernel.instance import Instance
from kernel.testing import StatementCounter, make_user


@pytest.fixture
def base(make_instance: Callable[..., Instance]) -> tuple[Instance, int]:
    instance = make_instance(["base"])
    return instance, make_user(instance, "clerk", ["base.group_manager"])


def _company_name(instance: Instance, uid: int, *, readonly: bool = False) -> tuple[str, int]:
    """The main company's name as a user's unit reads it, and the statements it took."""
    with instance.unit(uid, readonly=readonly) as env:
        env.can("res.company", "read")  # the user, the stamp and their rights: not counted
        Company = env["res.company"]
        with StatementCounter(instance.engine) as counter:
            name = env.session.scalars(select(Company).order_by(Company.id)).first().name
        return str(name), counter.count


def test_a_warm_unit_reads_configuration_without_a_statement(base: tuple[Instance, int]) -> None:
    instance, uid = base
    first, cold = _company_name(instance, uid)
    again, warm = _company_name(instance, uid)
    assert (again, cold, warm) == (first, 1, 0)


def test_uncommitted_and_rolled_back_changes_are_never_served(base: tuple[Instance, int]) -> None:
    instance, uid = base
    with instance.unit(None, su=True) as env:  # a system unit: no stamp, never cached
        Company = env["res.company"]
        original = env.session.scalars(select(Company).order_by(Company.id)).first().name

    class Abort(Exception):
        pass

    # the first (cold) reader changes what it read: the memo must have kept a copy
    with pytest.raises(Abort), instance.unit(uid) as env:
        Company = env["res.company"]
        company: Any = env.session.scalars(select(Company).order_by(Company.id)).first()
        company.name = "Renamed, then rolled back"
        # another unit reading meanwhile (from the memo) sees the committed name
        assert _company_name(instance, uid, readonly=True)[0] == original
        env.session.flush()
        raise Abort
    assert _company_name(instance, uid)[0] == original


def test_a_committed_change_is_seen_by_the_next_unit(base: tuple[Instance, int]) -> None:
    instance, uid = base
    _company_name(instance, uid)  # warm
    with instance.unit(None, su=True) as env:
        Company = env["res.company"]
        company: Any = env.session.scalars(select(Company).order_by(Company.id)).first()
        company.name = "Renamed Ltd"
    name, count = _company_name(instance, uid)
    assert name == "Renamed Ltd" and count == 1


def test_locking_reads_reach_the_database(base: tuple[Instance, int]) -> None:
    instance, uid = base
    _company_name(instance, uid)  # warm
    with instance.unit(uid) as env:
        env.user  # noqa: B018
        Company = env["res.company"]
        with StatementCounter(instance.engine) as counter:
            env.session.scalars(select(Company).order_by(Company.id).with_for_update()).first()
        assert counter.count == 1


def test_databases_with_the_same_addons_share_the_registry_not_the_memo(
    make_instance: Callable[..., Instance],
) -> None:
    """Instances with the same addons share one composed registry (code only), while
    configuration read from one database is never served to another — even when both
    were copied from one template and so hold the same security stamp."""
    from kernel.security import STAMP_KEY

    first = make_instance(["base"])
    uid = make_user(first, "clerk", ["base.group_manager"])
    second = make_instance(["base"])
    assert make_user(second, "clerk", ["base.group_manager"]) == uid
    assert first.registry is second.registry, "the addons' code is composed once per process"
    with first.unit(None, su=True) as env:  # the same stamp in both databases
        Setting = env["ir.setting"]
        stamp = env.session.scalars(select(Setting.value).where(Setting.key == STAMP_KEY)).one()
    with second.unit(None, su=True) as env:
        Setting = env["ir.setting"]
        env.session.execute(
            Setting.__table__.update().where(Setting.key == STAMP_KEY).values(value=stamp)
        )
        Company = env["res.company"]
        env.session.scalars(select(Company).order_by(Company.id)).first().name = "Second Ltd"
        env.session.flush()
        env.session.execute(
            Setting.__table__.update().where(Setting.key == STAMP_KEY).values(value=stamp)
        )
    name, _count = _company_name(first, uid)
    assert name != "Second Ltd"
    assert _company_name(first, uid) == (name, 0), "warm in the first database"
    assert _company_name(second, uid) == ("Second Ltd", 1), "cold in the second, same stamp"

"""Per-API-key rate limits shared by every worker: 429 problem+json with Retry-After."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from litestar.testing import TestClient
from shell_helpers import BASE_URL, SHELL_ADDONS
from sqlalchemy import select, update

from kernel.apikeys import create_api_key
from kernel.instance import Instance
from kernel.testing import MakeInstance, make_user
from kernel.web.app import create_app
from kernel.web.context import ensure_fresh
from kernel.web.ratelimit import MINUTE, Usage, record


@pytest.fixture
def shop(make_instance: MakeInstance) -> Instance:
    instance = make_instance(["webshell"], addons_path=SHELL_ADDONS)
    make_user(instance, "robot", [], password="pw")
    make_user(instance, "other", [], password="pw", lang="zh_CN")
    return instance


def _key(instance: Instance, login: str) -> str:
    with instance.unit(None, su=True) as env:
        User = env["res.user"]
        uid = env.session.scalar(select(User.id).where(User.login == login))
        return create_api_key(env, int(uid), "sync")


@contextmanager
def worker(instance: Instance, key: str, limit: int, **headers: str) -> Iterator[TestClient[Any]]:
    """One more app on the database (a worker of the same server), calling with ``key``."""
    ensure_fresh(instance, force=True)
    with TestClient(create_app(instance, api_rate_limit=limit), base_url=BASE_URL) as client:
        client.headers.update({"Authorization": f"Bearer {key}", **headers})
        yield client


def test_retry_after_is_when_one_more_request_would_pass() -> None:
    assert Usage(count=3, previous=0, elapsed=0.5).retry_after(3) is None
    # over the limit with nothing before: the next minute, once this one has faded enough
    assert Usage(count=4, previous=0, elapsed=0.5).retry_after(3) == 60
    assert Usage(count=4, previous=0, elapsed=0.0).retry_after(3) == 90
    # room in this minute, the previous minute's share must fade first
    assert Usage(count=1, previous=6, elapsed=0.25).retry_after(3) == 35  # 6·(1−5/6)+2 ≤ 3
    assert Usage(count=2, previous=6, elapsed=0.5).retry_after(3) == 30
    assert Usage(count=1, previous=4, elapsed=0.9).retry_after(3) is None


def test_a_key_over_its_limit_gets_429_in_every_worker(shop: Instance) -> None:
    robot, other = _key(shop, "robot"), _key(shop, "other")
    with worker(shop, robot, 3) as worker_a, worker(shop, robot, 3) as worker_b:
        answers = [w.get("/api/webshell/whoami").status_code for w in (worker_a, worker_b) * 2]
        assert answers == [200, 200, 200, 429]
        refused = worker_a.get("/api/v1/_models")
        assert refused.status_code == 429
        assert refused.headers["content-type"].startswith("application/problem+json")
        wait = int(refused.headers["retry-after"])
        assert 1 <= wait <= 120
        problem = refused.json()
        assert problem["status"] == 429 and problem["title"] == "Too many requests"
        assert f"Wait {wait} seconds" in problem["detail"]
        # writes are refused before they start
        assert worker_b.post("/api/webshell/echo", json={"a": 1}).status_code == 429
    # another key is not affected, and reads the refusal in its language when refused
    with worker(shop, other, 1, **{"Accept-Language": "zh-CN"}) as zh:
        assert zh.get("/api/webshell/whoami").status_code == 200
        refused = zh.get("/api/webshell/whoami")
        assert refused.status_code == 429 and refused.json()["title"] == "请求过多"
        assert "秒" in refused.json()["detail"]


def test_the_limit_lifts_as_time_passes(shop: Instance) -> None:
    robot = _key(shop, "robot")
    with worker(shop, robot, 2) as api:
        assert [api.get("/api/webshell/whoami").status_code for _ in range(3)] == [200, 200, 429]
        with shop.unit(None, su=True) as env:
            Usage_ = env["web.api.usage"]
            env.session.execute(update(Usage_).values(minute=Usage_.minute - 2))
        assert api.get("/api/webshell/whoami").status_code == 200


def test_zero_turns_the_limit_off_and_sessions_are_not_counted(shop: Instance) -> None:
    robot = _key(shop, "robot")
    with worker(shop, robot, 0) as api:
        assert {api.get("/api/webshell/whoami").status_code for _ in range(5)} == {200}
    with shop.unit(None, su=True) as env:
        assert env.session.scalar(select(env["web.api.usage"].count)) is None


def test_served_instances_are_limited_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    from kernel.web.ratelimit import DEFAULT_PER_MINUTE, configured_limit

    monkeypatch.delenv("SUANPAN_API_RATE_LIMIT", raising=False)
    assert configured_limit() == DEFAULT_PER_MINUTE == 600
    monkeypatch.setenv("SUANPAN_API_RATE_LIMIT", "120")
    assert configured_limit() == 120
    assert configured_limit(0) == 0


def test_the_count_carries_into_the_next_minute_and_fades_after(shop: Instance) -> None:
    """The sliding window's two counts as the minutes turn: this one, and the one before."""
    _key(shop, "robot"), _key(shop, "other")
    start = 1_000 * MINUTE
    with shop.unit(None, su=True) as env:
        Usage_ = env["web.api.usage"]
        ApiKey = env["res.user.apikey"]
        first, second = env.session.scalars(select(ApiKey.id).order_by(ApiKey.id)).all()
        seen = [
            record(env.session, Usage_, first, now=start + offset)
            for offset in (1, 2, 3, MINUTE + 5, MINUTE + 6, 3 * MINUTE)
        ]
        other = record(env.session, Usage_, second, now=start + 1)
    assert [(u.count, u.previous) for u in seen] == [(1, 0), (2, 0), (3, 0), (1, 3), (2, 3), (1, 0)]
    assert (other.count, other.previous) == (1, 0), "each key counts alone"
    assert seen[3].elapsed == pytest.approx(5 / MINUTE)


def test_a_known_keys_check_and_count_is_one_statement_on_postgresql(shop: Instance) -> None:
    """After the first (argon2) check, the key's user and the request's count are one round trip."""
    if shop.dialect != "postgresql":
        pytest.skip("SQLite counts in a statement of its own (no data-modifying WITH)")
    from kernel.testing import StatementCounter
    from kernel.web.context import _from_api_key

    robot = _key(shop, "robot")
    first = _from_api_key(shop, robot, 3)
    assert first is not None and first.retry_after is None
    with StatementCounter(shop.engine) as counter:
        answers = [_from_api_key(shop, robot, 3) for _ in range(3)]
    assert counter.count == 3, counter.statements
    assert [a.uid for a in answers if a is not None] == [first.uid] * 3
    assert [a.retry_after is None for a in answers if a is not None] == [True, True, False]
    with shop.unit(None, su=True) as env:
        assert env.session.scalar(select(env["web.api.usage"].count)) == 4
        ApiKey = env["res.user.apikey"]
        env.session.execute(update(ApiKey).values(revoked_at=ApiKey.created_at))
    assert _from_api_key(shop, robot, 3) is None, "a revoked key is refused at once"

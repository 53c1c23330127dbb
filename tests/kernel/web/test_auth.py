"""Signing in and out: sessions in the database, rotation, expiry, throttling across workers."""

from __future__ import annotations

import datetime as dt

import pytest
from shell_helpers import SHELL_ADDONS, browser, csrf, post_form, sign_in
from sqlalchemy import create_engine, func, select, text, update

from kernel.database import normalize_url
from kernel.fields import utcnow
from kernel.instance import Instance
from kernel.testing import MakeInstance, db_kind, make_user
from kernel.web.auth import authenticate
from kernel.web.sessions import COOKIE_NAME, hash_sid


@pytest.fixture
def shop(make_instance: MakeInstance) -> Instance:
    instance = make_instance(["webshell"], addons_path=SHELL_ADDONS)
    make_user(instance, "clerk", [], password="pw")
    return instance


def _sessions(instance: Instance) -> list[tuple[str, bool]]:
    with instance.unit(None, su=True) as env:
        WebSession = env["web.session"]
        return [
            (row.sid_hash, row.revoked)
            for row in env.session.scalars(
                select(WebSession).where(WebSession.user_id.is_not(None)).order_by(WebSession.id)
            )
        ]


def _user(instance: Instance, login: str) -> object:
    with instance.unit(None, su=True) as env:
        User = env["res.user"]
        return env.session.scalar(select(User).where(User.login == login))


def test_sign_in_opens_a_session_and_sign_out_ends_it(shop: Instance) -> None:
    with browser(shop) as client:
        response = sign_in(client, "clerk", next="/account/preferences")
        assert response.status_code == 303
        assert response.headers["location"] == "/account/preferences"
        cookie = response.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
        sid = client.cookies.get(COOKIE_NAME)
        assert sid and [(hash_sid(sid), False)] == _sessions(shop)

        home = client.get("/")
        assert home.status_code == 200 and "Clerk" in home.text

        out = post_form(client, "/logout")
        assert out.status_code == 303 and out.headers["location"] == "/login"
        assert _sessions(shop) == [(hash_sid(sid), True)]

        # the old cookie, replayed, no longer signs anybody in
        client.cookies.set(COOKIE_NAME, sid)
        again = client.get("/", follow_redirects=False)
        assert again.status_code == 303 and again.headers["location"].startswith("/login?next=/")


def test_wrong_password_is_refused_with_a_message(shop: Instance) -> None:
    with browser(shop) as client:
        response = sign_in(client, "clerk", "nope")
        assert response.status_code == 401
        assert "Wrong login or password." in response.text
        assert client.cookies.get(COOKIE_NAME) is None
        assert client.get("/", follow_redirects=False).status_code == 303


def test_session_id_is_rotated_at_sign_in(shop: Instance) -> None:
    make_user(shop, "other", [], password="pw2")
    with browser(shop) as client:
        sign_in(client, "clerk")
        first = client.cookies.get(COOKIE_NAME)
        assert first
        sign_in(client, "other", "pw2")
        second = client.cookies.get(COOKIE_NAME)
        assert second and second != first
        assert dict(_sessions(shop)) == {hash_sid(first): True, hash_sid(second): False}
        assert "Other" in client.get("/").text


def test_unknown_session_cookie_is_not_trusted(shop: Instance) -> None:
    with browser(shop) as client:
        client.cookies.set(COOKIE_NAME, "forged-session-id")
        response = client.get("/account/api-keys?x=1", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/login?next=/account/api-keys%3Fx%3D1"


def test_expired_sessions_send_back_to_sign_in(shop: Instance) -> None:
    with browser(shop) as client:
        sign_in(client, "clerk")
        assert client.get("/").status_code == 200
        with shop.unit(None, su=True) as env:
            WebSession = env["web.session"]
            env.session.execute(
                update(WebSession)
                .where(WebSession.user_id.is_not(None))
                .values(expires_at=utcnow() - dt.timedelta(seconds=1))
            )
        response = client.get("/", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/login?next=/"


def test_absolute_lifetime_ends_even_an_active_session(shop: Instance) -> None:
    with browser(shop) as client:
        sign_in(client, "clerk")
        with shop.unit(None, su=True) as env:
            WebSession = env["web.session"]
            env.session.execute(
                update(WebSession)
                .where(WebSession.user_id.is_not(None))
                .values(created_at=utcnow() - dt.timedelta(days=7, minutes=1))
            )
        assert client.get("/", follow_redirects=False).status_code == 303


def test_idle_expiry_slides_forward_on_use(shop: Instance) -> None:
    with browser(shop) as client:
        sign_in(client, "clerk")
        soon = utcnow() + dt.timedelta(minutes=30)
        with shop.unit(None, su=True) as env:
            WebSession = env["web.session"]
            mine = WebSession.user_id.is_not(None)
            env.session.execute(update(WebSession).where(mine).values(expires_at=soon))
        assert client.get("/").status_code == 200
        with shop.unit(None, su=True) as env:
            expires = env.session.scalar(select(WebSession.expires_at).where(mine))
        assert expires.replace(tzinfo=dt.UTC) > utcnow() + dt.timedelta(hours=7)


def test_deactivated_user_loses_the_session(shop: Instance) -> None:
    with browser(shop) as client:
        sign_in(client, "clerk")
        with shop.unit(None, su=True) as env:
            env.session.execute(
                update(env["res.user"]).where(env["res.user"].login == "clerk").values(active=False)
            )
        assert client.get("/", follow_redirects=False).status_code == 303


def _age(instance: Instance, seconds: float) -> None:
    """Move every recorded failure and lock ``seconds`` into the past (time passing)."""
    delta = dt.timedelta(seconds=seconds)
    with instance.unit(None, su=True) as env:
        User, Attempt = env["res.user"], env["web.login.attempt"]
        for attempt in env.session.scalars(select(Attempt)):
            attempt.at = attempt.at - delta
        for user in env.session.scalars(select(User).where(User.locked_until.is_not(None))):
            user.locked_until = user.locked_until - delta


def test_throttling_policy_figures() -> None:
    from kernel.web import throttle

    minutes = dt.timedelta(minutes=1)
    assert [throttle.account_lock(n) for n in (1, 9)] == [None, None]
    assert [throttle.account_lock(n) for n in (10, 11, 12, 13)] == [
        5 * minutes,
        10 * minutes,
        20 * minutes,
        40 * minutes,
    ]
    assert throttle.account_lock(60) == dt.timedelta(days=1)
    assert throttle.pair_cooldown(2) is None
    assert [throttle.pair_cooldown(n) for n in (3, 4, 5)] == [
        dt.timedelta(seconds=s) for s in (2, 4, 8)
    ]
    assert throttle.pair_cooldown(40) == dt.timedelta(minutes=5)
    assert [throttle.address_delay(n) for n in (19, 20, 23, 500)] == [0.0, 0.25, 1.0, 3.0]


def test_ten_failures_lock_the_account_with_doubling_backoff(shop: Instance) -> None:
    # from ten different addresses: the per-address cool-down never applies
    results = [authenticate(shop, "clerk", f"guess{i}", f"10.0.0.{i}") for i in range(10)]
    assert [r.status for r in results] == [401] * 9 + [429]
    assert "locked" in str(results[-1].message)
    assert 299 <= (results[-1].retry_after or 0) <= 300
    assert _user(shop, "clerk").locked_until is not None  # type: ignore[attr-defined]
    # even the right password, from a new address, waits for the lock
    right = authenticate(shop, "clerk", "pw", "10.9.9.9")
    assert right.uid is None and right.status == 429
    # five minutes later: one more failure locks it again, twice as long
    _age(shop, 301)
    again = authenticate(shop, "clerk", "guess10", "10.0.1.1")
    assert again.status == 429 and 599 <= (again.retry_after or 0) <= 600
    _age(shop, 601)
    assert authenticate(shop, "clerk", "pw", "10.0.1.1").uid is not None
    # a success forgets the failures: the next mistake starts from the beginning
    assert authenticate(shop, "clerk", "oops", "10.0.1.1").status == 401


def test_unknown_logins_are_locked_alike(shop: Instance) -> None:
    ghost = [authenticate(shop, "ghost", "x", f"10.0.0.{i}") for i in range(10)]
    clerk = [authenticate(shop, "clerk", "x", f"10.0.0.{i}") for i in range(10)]
    assert [r.status for r in ghost] == [r.status for r in clerk] == [401] * 9 + [429]
    assert str(ghost[-1].message) == str(clerk[-1].message)


def test_address_and_login_pair_cools_down_without_locking_others(shop: Instance) -> None:
    make_user(shop, "boss", [], password="pw")
    office = "203.0.113.7"
    assert [authenticate(shop, "clerk", f"g{i}", office).status for i in range(3)] == [401] * 3
    cooling = authenticate(shop, "clerk", "pw", office)
    assert cooling.status == 429 and cooling.retry_after == 2
    assert "Wait 2 seconds" in str(cooling.message)
    # the boss behind the same address signs in; the clerk from elsewhere may try
    assert authenticate(shop, "boss", "pw", office).uid is not None
    assert authenticate(shop, "clerk", "wrong", "198.51.100.1").status == 401
    # after the wait the pair may try again; a further failure doubles the wait
    _age(shop, 3)
    assert authenticate(shop, "clerk", "g3", office).status == 401
    assert authenticate(shop, "clerk", "pw", office).retry_after == 4


def test_many_failures_from_one_address_slow_it_but_lock_nobody_out(shop: Instance) -> None:
    make_user(shop, "admin2", [], password="pw")
    office = "203.0.113.8"
    for i in range(24):
        assert authenticate(shop, f"nobody{i}", "x", office).status == 401
    admin = authenticate(shop, "admin2", "pw", office)
    assert admin.uid is not None and admin.delay == 1.25
    assert authenticate(shop, "clerk", "pw", "198.51.100.2").delay == 0.0


def test_sign_in_refusals_say_when_to_retry(shop: Instance) -> None:
    # two apps on the same database stand for two workers of one server
    with browser(shop) as worker_a, browser(shop) as worker_b:
        statuses = [sign_in(worker_a, "clerk", f"guess{i}").status_code for i in range(3)]
        assert statuses == [401, 401, 401]
        refused = sign_in(worker_b, "clerk", "pw")
        assert refused.status_code == 429 and refused.headers["retry-after"] == "2"
        assert "Wait 2 seconds" in refused.text
        assert worker_b.cookies.get(COOKIE_NAME) is None
        _age(shop, 3)
        assert sign_in(worker_b, "clerk", "pw").status_code == 303


def test_failures_from_one_address_do_not_lock_out_colleagues(shop: Instance) -> None:
    make_user(shop, "admin2", [], password="pw")
    with browser(shop) as attacker, browser(shop) as colleague:
        for i in range(21):
            assert sign_in(attacker, f"nobody{i}", "x").status_code == 401
        assert sign_in(colleague, "admin2", "pw").status_code == 303
    with shop.unit(None, su=True) as env:
        Attempt = env["web.login.attempt"]
        assert env.session.scalar(select(func.count(Attempt.id))) == 21


def test_addresses_behind_a_trusted_proxy_are_told_apart(
    shop: Instance, monkeypatch: pytest.MonkeyPatch
) -> None:
    from litestar.testing import TestClient

    from kernel.web.server import app_factory

    monkeypatch.setenv("SUANPAN_DB", shop.url)
    monkeypatch.setenv("SUANPAN_ADDONS_PATH", SHELL_ADDONS[0])
    monkeypatch.setenv("SUANPAN_ALLOWED_HOSTS", "erp.example.com")
    monkeypatch.setenv("SUANPAN_TRUSTED_PROXIES", "testclient")
    with TestClient(app_factory(), base_url="http://erp.example.com") as client:

        def attempt(address: str, password: str) -> int:
            client.headers["X-Forwarded-For"] = address
            return int(sign_in(client, "clerk", password).status_code)

        assert [attempt("192.0.2.1", "x") for _ in range(4)] == [401, 401, 401, 429]
        with shop.unit(None, su=True) as env:
            Attempt = env["web.login.attempt"]
            assert set(env.session.scalars(select(Attempt.address))) == {"192.0.2.1"}
        assert attempt("192.0.2.2", "pw") == 303
    Instance.forget(shop.url)


def test_success_clears_earlier_failures(shop: Instance) -> None:
    with browser(shop) as client:
        for _ in range(3):
            sign_in(client, "clerk", "bad")
        _age(shop, 3)
        assert sign_in(client, "clerk", "pw").status_code == 303
        post_form(client, "/logout")
        assert [sign_in(client, "clerk", "bad").status_code for _ in range(3)] == [401] * 3


def test_next_only_goes_to_this_site(shop: Instance) -> None:
    with browser(shop) as client:
        for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
            response = sign_in(client, "clerk", next=target)
            assert response.headers["location"] == "/"


def test_sign_in_page_redirects_signed_in_users(shop: Instance) -> None:
    with browser(shop) as client:
        sign_in(client, "clerk")
        response = client.get("/login?next=/account/api-keys", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/account/api-keys"


def test_sign_in_form_without_csrf_token_is_refused(shop: Instance) -> None:
    with browser(shop) as client:
        csrf(client)
        response = client.post(
            "/login", data={"login": "clerk", "password": "pw"}, follow_redirects=False
        )
        assert response.status_code == 403
        assert client.cookies.get(COOKIE_NAME) is None
        assert _sessions(shop) == []


def test_outdated_password_hash_is_upgraded_at_sign_in(shop: Instance) -> None:
    from pwdlib.hashers.argon2 import Argon2Hasher

    from kernel.passwords import verify_password

    old = Argon2Hasher(time_cost=2, memory_cost=2048, parallelism=1).hash("pw")
    with shop.unit(None, su=True) as env:
        User = env["res.user"]
        env.session.execute(update(User).where(User.login == "clerk").values(password_hash=old))
    with browser(shop) as client:
        assert sign_in(client, "clerk").status_code == 303
    new = _user(shop, "clerk").password_hash  # type: ignore[attr-defined]
    assert new != old and new.startswith("$argon2id$")
    assert verify_password("pw", new)[0]


def test_changing_the_password_needs_the_current_one_and_signs_out_elsewhere(
    shop: Instance,
) -> None:
    with browser(shop) as laptop, browser(shop) as phone:
        sign_in(laptop, "clerk")
        sign_in(phone, "clerk")
        wrong = post_form(
            laptop,
            "/account/password",
            {"current_password": "nope", "new_password": "n3w-secret", "confirm_password": "x"},
        )
        assert wrong.status_code == 422
        assert "The current password is not correct." in wrong.text
        assert "The two new passwords differ." in wrong.text
        short = post_form(
            laptop,
            "/account/password",
            {"current_password": "pw", "new_password": "short", "confirm_password": "short"},
        )
        assert short.status_code == 422 and "at least 8 characters" in short.text

        done = post_form(
            laptop,
            "/account/password",
            {
                "current_password": "pw",
                "new_password": "n3w-secret",
                "confirm_password": "n3w-secret",
            },
        )
        assert done.status_code == 303
        assert "Your password was changed." in laptop.get("/account/preferences").text
        # this browser stays signed in, the other one is signed out
        assert phone.get("/", follow_redirects=False).status_code == 303
    with browser(shop) as client:
        assert sign_in(client, "clerk", "pw").status_code == 401
        assert sign_in(client, "clerk", "n3w-secret").status_code == 303


def test_guessing_the_current_password_is_throttled(shop: Instance) -> None:
    with browser(shop) as client:
        sign_in(client, "clerk")
        statuses = [
            post_form(
                client,
                "/account/password",
                {
                    "current_password": f"guess{i}",
                    "new_password": "n3w-secret",
                    "confirm_password": "n3w-secret",
                },
            ).status_code
            for i in range(6)
        ]
        assert statuses == [422] * 3 + [429] * 3


@pytest.mark.skipif(db_kind() != "postgresql", reason="a PostgreSQL server restart")
def test_a_lost_database_connection_is_a_503_to_retry_then_sign_in_works(shop: Instance) -> None:
    """A restarted server kills the pooled connections: one 503, never a 500, then it works."""
    with browser(shop) as client:
        token = csrf(client)
        with shop.engine.connect() as conn:  # the pool now holds a connection in steady use
            conn.execute(text("SELECT 1"))
        admin = create_engine(normalize_url(shop.url), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                )
        finally:
            admin.dispose()
        data = {"login": "clerk", "password": "pw", "_csrf_token": token}
        lost = client.post("/login", data=data, headers={"Accept": "application/json"})
        assert lost.status_code == 503
        assert lost.headers["retry-after"] == "1"
        assert "connection to the database was lost" in lost.json()["detail"]
        again = client.post("/login", data=data, follow_redirects=False)
        assert again.status_code == 303

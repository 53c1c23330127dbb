"""Settings → Users and Groups, and the same through /api/v1/_users and /api/v1/_groups."""

from __future__ import annotations

from typing import Any

import pytest
from fixtures.webclient import Browser, api_client, text_of_html
from sqlalchemy import select

from kernel.apikeys import create_api_key
from kernel.testing import make_user
from kernel.web.auth import authenticate
from kernel.web.sessions import create_session, resolve_session
from kernel.web.throttle import ACCOUNT_FREE


@pytest.fixture
def office(make_instance: Any) -> Any:
    instance = make_instance([])
    make_user(instance, "boss", ["kernel.group_admin"])
    make_user(instance, "clerk", [], lang="zh_CN")
    return instance


def _ids(instance: Any, *xmlids: str) -> list[str]:
    with instance.unit(None, su=True, readonly=True) as env:
        Group = env["res.group"]
        rows = {x: i for x, i in env.session.execute(select(Group.xmlid, Group.id))}
    return [str(rows[x]) for x in xmlids]


def _uid(instance: Any, login: str) -> int:
    with instance.unit(None, su=True, readonly=True) as env:
        User = env["res.user"]
        return int(env.session.scalar(select(User.id).where(User.login == login)))


def _groups_of(instance: Any, login: str) -> set[str]:
    with instance.unit(None, su=True, readonly=True) as env:
        User, Group, Member = env["res.user"], env["res.group"], env["res.user.group"]
        return set(
            env.session.scalars(
                select(Group.xmlid)
                .join(Member, Member.group_id == Group.id)
                .join(User, User.id == Member.user_id)
                .where(User.login == login)
            )
        )


def test_an_admin_creates_a_user_who_can_then_sign_in(office: Any) -> None:
    admin = Browser(office, "boss")
    try:
        listing = text_of_html(admin.get("/settings/users").text)
        assert "boss" in listing and "clerk" in listing and "New user" in listing
        assert "/settings/users" in admin.get("/").text  # in the Settings menu
        created = admin.post(
            "/settings/users/new",
            {
                "login": "li.lei",
                "name": "李雷",
                "email": "li.lei@example.cn",
                "lang": "zh_CN",
                "tz": "Asia/Shanghai",
                "password": "s3cret-enough",
                "confirm_password": "s3cret-enough",
                "group_ids": _ids(office, "kernel.group_admin"),
            },
        )
        assert created.status_code == 303
        page = text_of_html(admin.get(created.headers["location"]).text)
        assert "li.lei" in page and "was created" in page
    finally:
        admin.close()
    assert _groups_of(office, "li.lei") == {"kernel.group_user", "kernel.group_admin"}
    signed = authenticate(office, "li.lei", "s3cret-enough", "127.0.0.1")
    assert signed.uid == _uid(office, "li.lei")


def test_the_form_names_each_wrong_field_and_writes_nothing(office: Any) -> None:
    admin = Browser(office, "boss")
    try:
        answer = admin.post(
            "/settings/users/new",
            {
                "login": "clerk",
                "name": "x" * 200,
                "lang": "fr",
                "tz": "Mars/Olympus",
                "password": "short",
                "confirm_password": "short",
            },
        )
        assert answer.status_code == 422
        text = text_of_html(answer.text)
        assert "at least 8 characters" in text
        answer = admin.post(
            "/settings/users/new",
            {
                "login": "clerk",
                "name": "x" * 200,
                "lang": "fr",
                "tz": "Mars/Olympus",
                "password": "long-enough-1",
                "confirm_password": "long-enough-1",
            },
        )
        text = text_of_html(answer.text)
        assert answer.status_code == 422
        assert "Name is too long (at most 128 characters)" in text
        assert "Mars/Olympus is not a known time zone" in text
        assert "The language must be one of en, zh_CN" in text
    finally:
        admin.close()
    with office.unit(None, su=True, readonly=True) as env:
        assert env.session.scalar(select(env["res.user"]).where(env["res.user"].login == "clerk"))
        logins = set(env.session.scalars(select(env["res.user"].login)))
    assert "x" * 200 not in logins and len(logins) == 3  # admin, boss, clerk


def test_password_reset_signs_the_user_out_and_unlock_lifts_a_lock(office: Any) -> None:
    clerk_id = _uid(office, "clerk")
    sid = create_session(office, clerk_id)
    assert resolve_session(office, sid) is not None
    for n in range(ACCOUNT_FREE):  # wrong passwords from many addresses lock the account
        authenticate(office, "clerk", "wrong", f"10.0.{n}.9")
    with office.unit(None, su=True, readonly=True) as env:
        assert env.session.get(env["res.user"], clerk_id).locked_until is not None
    admin = Browser(office, "boss")
    try:
        page = text_of_html(admin.get(f"/settings/users/{clerk_id}").text)
        assert "Sign-in is locked until" in page
        assert admin.post(f"/settings/users/{clerk_id}/unlock").status_code == 303
        mismatch = admin.post(
            f"/settings/users/{clerk_id}/password",
            {"password": "brand-new-pass", "confirm_password": "brand-new-pasz"},
        )
        assert mismatch.status_code == 422 and "The two new passwords differ" in mismatch.text
        done = admin.post(
            f"/settings/users/{clerk_id}/password",
            {"password": "brand-new-pass", "confirm_password": "brand-new-pass"},
        )
        assert done.status_code == 303
    finally:
        admin.close()
    with office.unit(None, su=True, readonly=True) as env:
        assert env.session.get(env["res.user"], clerk_id).locked_until is None
    assert resolve_session(office, sid) is None  # signed out everywhere
    assert authenticate(office, "clerk", "pw", "127.0.0.1").uid is None
    assert authenticate(office, "clerk", "brand-new-pass", "127.0.0.1").uid == clerk_id


def test_the_last_admin_cannot_remove_admin_rights_or_deactivate_themselves(office: Any) -> None:
    boss = _uid(office, "boss")
    with office.unit(None, su=True) as env:  # boss is the only administrator left
        env.session.get(env["res.user"], _uid(office, "admin")).active = False
    admin = Browser(office, "boss")
    try:
        demoted = admin.post(
            f"/settings/users/{boss}",
            {"name": "Boss", "lang": "en", "tz": "UTC", "active": "1", "group_ids": []},
        )
        assert demoted.status_code == 422
        assert "At least one active administrator must remain" in demoted.text
        off = admin.post(
            f"/settings/users/{boss}",
            {
                "name": "Boss",
                "lang": "en",
                "tz": "UTC",
                "group_ids": _ids(office, "kernel.group_admin"),
            },
        )
        assert off.status_code == 422 and "You cannot deactivate yourself" in off.text
    finally:
        admin.close()
    assert "kernel.group_admin" in _groups_of(office, "boss")


def test_a_clerk_cannot_reach_user_administration(office: Any) -> None:
    clerk = Browser(office, "clerk")
    boss = _uid(office, "boss")
    try:
        assert clerk.get("/settings/users").status_code == 403
        assert clerk.get("/settings/groups").status_code == 403
        assert (
            clerk.post(
                f"/settings/users/{boss}/password",
                {"password": "taken-over-1", "confirm_password": "taken-over-1"},
            ).status_code
            == 403
        )
        assert "/settings/users" not in clerk.get("/").text
    finally:
        clerk.close()
    assert authenticate(office, "boss", "pw", "127.0.0.1").uid == boss
    api = api_client(office, _uid(office, "clerk"))
    assert api.get("/api/v1/_users").status_code == 403
    assert (
        api.post(
            "/api/v1/_users", json={"login": "x", "name": "x", "password": "abcdefgh1"}
        ).status_code
        == 403
    )


def test_users_and_groups_through_the_api(office: Any) -> None:
    api = api_client(office, _uid(office, "boss"))
    made = api.post(
        "/api/v1/_users",
        json={
            "login": "han.meimei",
            "name": "韩梅梅",
            "password": "long-enough-2",
            "lang": "zh_CN",
            "groups": ["kernel.group_admin"],
        },
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["groups"] == ["kernel.group_admin", "kernel.group_user"]
    user_id = body["id"]
    bad = api.post(
        "/api/v1/_users", json={"login": "x", "name": "x", "password": "1", "groups": ["nope"]}
    )
    assert bad.status_code == 422 and "groups" in bad.json()["fields"]
    nul = api.post("/api/v1/_users", json={"login": "a\x00b", "name": "x", "password": "12345678"})
    assert nul.status_code == 422 and "login" in nul.json()["fields"]
    nul = api.patch(f"/api/v1/_users/{user_id}", json={"groups": ["kernel.group_admin\x00"]})
    assert nul.status_code == 422 and "groups" in nul.json()["fields"]
    bad = api.patch(f"/api/v1/_users/{user_id}", json={"email": "not-an-address"})
    assert bad.status_code == 422 and "email" in bad.json()["fields"]
    assert api.patch(f"/api/v1/_users/{user_id}", json={"password_hash": "x"}).status_code == 422
    changed = api.patch(f"/api/v1/_users/{user_id}", json={"groups": [], "active": False}).json()
    assert changed["groups"] == ["kernel.group_user"] and changed["active"] is False
    assert api.get("/api/v1/_users/999999").status_code == 404
    with office.unit(None, su=True) as env:
        key = create_api_key(env, _uid(office, "clerk"), "scanner")
    keys = api.get(f"/api/v1/_users/{_uid(office, 'clerk')}/api-keys").json()["items"]
    assert [k["name"] for k in keys] == ["scanner"] and "key_hash" not in keys[0]
    revoked = api.post(f"/api/v1/_users/{_uid(office, 'clerk')}/api-keys/{keys[0]['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    other = api.post(f"/api/v1/_users/{user_id}/api-keys/{keys[0]['id']}/revoke")
    assert other.status_code == 404  # a key is revoked under its own user only
    scanner = api_client(office, _uid(office, "clerk"))
    scanner.headers["Authorization"] = f"Bearer {key}"
    assert scanner.get("/api/v1/_models").status_code == 401
    groups = {g["xmlid"]: g for g in api.get("/api/v1/_groups").json()["items"]}
    assert "boss" in groups["kernel.group_admin"]["members"]
    assert {"model": "res.user", "perms": "rcwd"} in groups["kernel.group_admin"]["rights"]
    listed = {u["login"]: u for u in api.get("/api/v1/_users").json()["items"]}
    # the scanner key is revoked; the one the test client signs in with is not
    assert listed["clerk"]["active_api_keys"] == 1 and listed["clerk"]["lang"] == "zh_CN"


def test_an_admin_resetting_their_own_password_stays_signed_in_here_only(office: Any) -> None:
    boss = _uid(office, "boss")
    elsewhere = create_session(office, boss)
    admin = Browser(office, "boss")
    try:
        done = admin.post(
            f"/settings/users/{boss}/password",
            {"password": "boss-new-pass", "confirm_password": "boss-new-pass"},
        )
        assert done.status_code == 303
        assert admin.get("/settings/users").status_code == 200
    finally:
        admin.close()
    assert resolve_session(office, elsewhere) is None

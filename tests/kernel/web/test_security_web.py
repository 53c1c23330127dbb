"""CSRF, API keys, allowed hosts, security headers, escaping and error answers."""

from __future__ import annotations

import pytest
from shell_helpers import SHELL_ADDONS, browser, csrf, post_form, sign_in
from sqlalchemy import func, select, update

from kernel.apikeys import create_api_key
from kernel.fields import utcnow
from kernel.instance import Instance
from kernel.testing import MakeInstance, make_user


@pytest.fixture
def shop(make_instance: MakeInstance) -> Instance:
    instance = make_instance(["webshell"], addons_path=SHELL_ADDONS)
    make_user(instance, "clerk", [], password="pw")
    return instance


def _uid(instance: Instance, login: str) -> int:
    with instance.unit(None, su=True) as env:
        User = env["res.user"]
        return int(env.session.scalar(select(User.id).where(User.login == login)))


def _key_count(instance: Instance) -> int:
    with instance.unit(None, su=True) as env:
        return int(env.session.scalar(select(func.count(env["res.user.apikey"].id))))


def _lang(instance: Instance, login: str) -> str:
    with instance.unit(None, su=True) as env:
        User = env["res.user"]
        return str(env.session.scalar(select(User.lang).where(User.login == login)))


# --- CSRF -----------------------------------------------------------------------------------


def test_form_without_csrf_token_is_refused_and_changes_nothing(shop: Instance) -> None:
    with browser(shop) as client:
        sign_in(client, "clerk")
        for url, data in (
            ("/account/preferences", {"lang": "zh_CN", "tz": "Asia/Shanghai"}),
            ("/account/api-keys", {"name": "sneaky"}),
            ("/lang", {"lang": "zh_CN"}),
        ):
            response = client.post(url, data=data, follow_redirects=False)
            assert response.status_code == 403, url
            assert "Reload the page" in response.text
        wrong = client.post(
            "/account/api-keys",
            data={"name": "x", "_csrf_token": "0" * 128},
            follow_redirects=False,
        )
        assert wrong.status_code == 403
    assert _lang(shop, "clerk") == "en"
    assert _key_count(shop) == 0


def test_a_form_from_one_worker_is_accepted_by_another(shop: Instance) -> None:
    from litestar.testing import TestClient

    from kernel.web.app import create_app

    with browser(shop) as worker_a:
        sign_in(worker_a, "clerk")
        token = csrf(worker_a)
        cookies = dict(worker_a.cookies)
    with TestClient(create_app(shop), base_url="http://suanpan.localhost") as worker_b:
        worker_b.cookies.update(cookies)
        response = worker_b.post(
            "/account/preferences",
            data={"lang": "zh_CN", "tz": "UTC", "_csrf_token": token},
            follow_redirects=False,
        )
        assert response.status_code == 303
    assert _lang(shop, "clerk") == "zh_CN"
    with shop.unit(None, su=True) as env:
        Setting = env["ir.setting"]
        values = [str(v) for v in env.session.scalars(select(Setting.value))]
    assert not any(token[:64] in v for v in values)


def test_htmx_requests_carry_the_token_in_a_header(shop: Instance) -> None:
    with browser(shop) as client:
        sign_in(client, "clerk")
        page = client.get("/")
        token = csrf(client)
        assert f'hx-headers=\'{{"x-csrftoken": "{token}"}}\'' in page.text
        response = client.post(
            "/account/preferences",
            data={"lang": "zh_CN", "tz": "Asia/Shanghai"},
            headers={"x-csrftoken": token, "hx-request": "true"},
            follow_redirects=False,
        )
        assert response.status_code == 303
    assert _lang(shop, "clerk") == "zh_CN"


def test_sign_out_needs_the_token_so_other_sites_cannot_sign_you_out(shop: Instance) -> None:
    with browser(shop) as client:
        sign_in(client, "clerk")
        assert client.post("/logout", follow_redirects=False).status_code == 403
        assert client.get("/").status_code == 200


# --- API keys -------------------------------------------------------------------------------


def test_api_key_created_in_the_ui_is_shown_once_and_works(shop: Instance) -> None:
    with browser(shop) as client:
        sign_in(client, "clerk")
        created = post_form(client, "/account/api-keys", {"name": "scanner"})
        assert created.status_code == 200
        import re

        key = re.search(r'value="(sp_[^"]+)"', created.text)
        assert key, "the new key is shown"
        listing = client.get("/account/api-keys")
        assert "scanner" in listing.text and key.group(1) not in listing.text
    with browser(shop) as api:
        api.headers["Authorization"] = f"Bearer {key.group(1)}"
        me = api.get("/api/webshell/whoami")
        assert me.status_code == 200 and me.json()["uid"] == _uid(shop, "clerk")
        # bearer requests are not cookie-based: no CSRF token needed
        echoed = api.post("/api/webshell/echo", json={"a": 1})
        assert echoed.status_code == 201 and echoed.json()["data"] == {"a": 1}


def test_revoked_api_key_gets_401(shop: Instance) -> None:
    uid = _uid(shop, "clerk")
    with shop.unit(None, su=True) as env:
        key = create_api_key(env, uid, "robot")
    with browser(shop, Authorization=f"Bearer {key}") as api:
        assert api.get("/api/webshell/whoami").status_code == 200
    with browser(shop) as client:
        sign_in(client, "clerk")
        page = client.get("/account/api-keys")
        import re

        key_id = re.search(r"/account/api-keys/(\d+)/revoke", page.text)
        assert key_id
        assert post_form(client, f"/account/api-keys/{key_id.group(1)}/revoke").status_code == 303
        assert "Revoked" in client.get("/account/api-keys").text
    with browser(shop, Authorization=f"Bearer {key}") as api:
        response = api.get("/api/webshell/whoami")
        assert response.status_code == 401
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["status"] == 401


def test_repeated_api_calls_skip_the_password_hash_but_not_revocation(
    shop: Instance, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kernel.apikeys
    from kernel.testing import StatementCounter

    hashes: list[str] = []
    real_verify = kernel.apikeys.verify_password

    def counting_verify(password: str, hashed: str) -> tuple[bool, str | None]:
        hashes.append(hashed)
        return real_verify(password, hashed)

    monkeypatch.setattr(kernel.apikeys, "verify_password", counting_verify)
    uid = _uid(shop, "clerk")
    with shop.unit(None, su=True) as env:
        key = create_api_key(env, uid, "robot")
    with browser(shop, Authorization=f"Bearer {key}") as api:
        assert api.get("/api/webshell/whoami").json()["uid"] == uid
        assert len(hashes) == 1
        with StatementCounter(shop.engine) as counter:
            for _ in range(3):
                assert api.get("/api/webshell/whoami").json()["uid"] == uid
        assert len(hashes) == 1, "argon2 ran again for a key already checked"
        assert counter.count <= 3 * 6, counter.statements
        with shop.unit(None, su=True) as env:
            ApiKey = env["res.user.apikey"]
            env.session.execute(update(ApiKey).values(revoked_at=utcnow()))
        assert api.get("/api/webshell/whoami").status_code == 401


def test_cannot_revoke_another_users_key(shop: Instance) -> None:
    other = make_user(shop, "other", [], password="pw")
    with shop.unit(None, su=True) as env:
        create_api_key(env, other, "theirs")
        key_id = env.session.scalar(select(env["res.user.apikey"].id))
    with browser(shop) as client:
        sign_in(client, "clerk")
        assert post_form(client, f"/account/api-keys/{key_id}/revoke").status_code == 404
        assert "theirs" not in client.get("/account/api-keys").text
    with shop.unit(None, su=True) as env:
        assert env.session.scalar(select(env["res.user.apikey"].revoked_at)) is None


def test_bad_bearer_is_401_even_with_a_session_cookie(shop: Instance) -> None:
    with browser(shop) as client:
        sign_in(client, "clerk")
        assert client.get("/api/webshell/whoami").status_code == 200
        response = client.get("/api/webshell/whoami", headers={"Authorization": "Bearer sp_wrong"})
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_api_without_credentials_is_401_problem(shop: Instance) -> None:
    with browser(shop) as client:
        response = client.get("/api/webshell/whoami")
        assert response.status_code == 401
        body = response.json()
        assert body["title"] == "Sign-in required" and body["fields"] == {}


def test_api_key_of_deactivated_user_stops_working(shop: Instance) -> None:
    uid = _uid(shop, "clerk")
    with shop.unit(None, su=True) as env:
        key = create_api_key(env, uid, "robot")
        env.session.execute(
            update(env["res.user"]).where(env["res.user"].id == uid).values(active=False)
        )
    with browser(shop, Authorization=f"Bearer {key}") as api:
        assert api.get("/api/webshell/whoami").status_code == 401


# --- hosts, headers, escaping -----------------------------------------------------------------


def test_unknown_host_is_refused(shop: Instance) -> None:
    with browser(shop) as client:
        assert client.get("/login", headers={"host": "evil.example"}).status_code == 400
        assert client.get("/login", headers={"host": "erp.localhost"}).status_code == 200


def test_security_headers_on_pages_and_errors(shop: Instance) -> None:
    with browser(shop) as client:
        for response in (client.get("/login"), client.get("/no-such-page")):
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["x-frame-options"] == "DENY"
            assert response.headers["referrer-policy"] == "same-origin"
            csp = response.headers["content-security-policy"]
            assert "default-src 'self'" in csp and "script-src 'self';" in csp
            assert "http" not in csp


def test_markup_in_a_user_name_is_escaped(shop: Instance) -> None:
    with shop.unit(None, su=True) as env:
        env.session.execute(
            update(env["res.user"])
            .where(env["res.user"].login == "clerk")
            .values(name='<script>alert("x")</script>')
        )
    with browser(shop) as client:
        sign_in(client, "clerk")
        for url in ("/", "/account/preferences", "/account/api-keys", "/no-such-page"):
            html = client.get(url).text
            assert '<script>alert("x")</script>' not in html, url
            assert "&lt;script&gt;alert(" in html, url


def test_cookies_are_secure_over_https(shop: Instance) -> None:
    from litestar.testing import TestClient

    from kernel.web.app import create_app

    with TestClient(create_app(shop), base_url="https://suanpan.localhost") as client:
        page = client.get("/login")
        assert "Secure" in page.headers["set-cookie"]  # the CSRF cookie
        response = sign_in(client, "clerk")
        assert response.status_code == 303
        assert "Secure" in response.headers["set-cookie"]
    with browser(shop) as plain:
        assert "Secure" not in plain.get("/login").headers["set-cookie"]
        assert "Secure" not in sign_in(plain, "clerk").headers["set-cookie"]


# --- errors ----------------------------------------------------------------------------------


def test_user_errors_become_problem_json_on_the_api(shop: Instance) -> None:
    with browser(shop, **{"Accept-Language": "en"}) as client:
        response = client.get("/api/webshell/invalid")
        assert response.status_code == 422
        assert response.headers["content-type"].startswith("application/problem+json")
        body = response.json()
        assert body["title"] == "Validation failed"
        assert body["detail"] == "the quantity must be positive"
        assert body["fields"] == {"quantity": "the quantity must be positive"}


def test_user_errors_on_screens_are_pages_or_htmx_fragments(shop: Instance) -> None:
    with browser(shop) as client:
        page = client.get("/webshell/invalid")
        assert page.status_code == 422 and page.headers["content-type"].startswith("text/html")
        assert "the quantity must be positive" in page.text and "<html" in page.text
        fragment = client.get("/webshell/invalid", headers={"hx-request": "true"})
        assert fragment.status_code == 422
        assert "<html" not in fragment.text and "sp-error" in fragment.text


def test_unexpected_errors_show_no_traceback(shop: Instance) -> None:
    with browser(shop) as client:
        for url in ("/webshell/boom", "/api/webshell/boom"):
            response = client.get(url)
            assert response.status_code == 500
            assert "secret internal detail" not in response.text
            assert "Traceback" not in response.text
        assert client.get("/api/webshell/boom").json()["title"] == "Internal error"


def test_not_found_and_method_not_allowed(shop: Instance) -> None:
    with browser(shop) as client:
        assert client.get("/api/nothing-here").json()["status"] == 404
        page = client.get("/nothing-here")
        assert page.status_code == 404 and "does not exist" in page.text
        assert client.put("/health").status_code == 405


def test_health_reports_the_database(shop: Instance) -> None:
    with browser(shop) as client:
        response = client.get("/health")
        assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_problem_json_speaks_the_requests_language(shop: Instance) -> None:
    with browser(shop, **{"Accept-Language": "zh-CN,zh;q=0.9"}) as client:
        body = client.get("/api/webshell/whoami").json()
        assert body["title"] == "需要登录"


def test_htmx_request_without_session_is_sent_to_sign_in(shop: Instance) -> None:
    with browser(shop) as client:
        response = client.get("/account/api-keys", headers={"hx-request": "true"})
        assert response.status_code == 401
        assert response.headers["hx-redirect"] == "/login?next=/account/api-keys"


def test_malformed_api_body_is_a_400_problem_with_fields(shop: Instance) -> None:
    uid = _uid(shop, "clerk")
    with shop.unit(None, su=True) as env:
        key = create_api_key(env, uid, "robot")
    with browser(shop, Authorization=f"Bearer {key}") as api:
        response = api.post(
            "/api/webshell/echo", content=b"[1, 2", headers={"content-type": "application/json"}
        )
        assert response.status_code == 400
        body = response.json()
        assert body["title"] == "Bad request" and body["detail"]
        assert "Traceback" not in response.text
        wrong_type = api.post("/api/webshell/echo", json=[1, 2])
        assert wrong_type.status_code == 400 and wrong_type.json()["fields"]


def test_host_check_ignores_the_port_but_not_the_name(shop: Instance) -> None:
    from kernel.web.middleware import host_allowed

    allowed = ["127.0.0.1", "erp.example.com", "*.localhost", "[::1]"]
    assert host_allowed("127.0.0.1:8069", allowed)
    assert host_allowed("ERP.example.com", allowed)
    assert host_allowed("a.b.localhost:80", allowed)
    assert host_allowed("[::1]:8069", allowed)
    assert not host_allowed("localhost", allowed)  # "*.x" is for sub-domains only
    assert not host_allowed("erp.example.com.evil.net", allowed)
    assert not host_allowed("", allowed)
    with browser(shop) as client:
        assert client.get("/health", headers={"host": "127.0.0.1:8069"}).status_code == 200
        assert client.get("/health", headers={"host": "evil.example:8069"}).status_code == 400


def test_server_factory_reads_its_configuration_from_the_environment(
    shop: Instance, monkeypatch: pytest.MonkeyPatch
) -> None:
    from litestar.testing import TestClient

    from kernel.web.server import app_factory

    monkeypatch.setenv("SUANPAN_DB", shop.url)
    monkeypatch.setenv("SUANPAN_ADDONS_PATH", SHELL_ADDONS[0])
    monkeypatch.setenv("SUANPAN_ALLOWED_HOSTS", "erp.example.com")
    monkeypatch.setenv("SUANPAN_SECURE_COOKIES", "1")
    app = app_factory()
    with TestClient(app, base_url="https://erp.example.com") as client:
        assert client.get("/health").status_code == 200
        assert client.get("/webshell/page", follow_redirects=False).status_code == 303
        assert "Secure" in sign_in(client, "clerk").headers["set-cookie"]
    with TestClient(app, base_url="http://suanpan.localhost") as other:
        assert other.get("/health").status_code == 400
    Instance.forget(shop.url)


def test_instances_sharing_an_app_keep_their_data_and_csrf_tokens_apart(
    shop: Instance, make_instance: MakeInstance
) -> None:
    """Two databases with the same addons are served by one built app (composed once
    per process); each request still reaches its own database, and a form token
    signed for one is refused by the other."""
    from kernel.web.app import create_app

    other = make_instance(["webshell"], addons_path=SHELL_ADDONS)
    make_user(other, "clerk", [], password="pw")
    assert create_app(shop).current() is create_app(other).current()
    with browser(shop) as mine, browser(other) as theirs:
        sign_in(mine, "clerk")
        sign_in(theirs, "clerk")
        stolen = csrf(mine)
        theirs.cookies.set("csrftoken", stolen)
        refused = theirs.post(
            "/account/preferences",
            data={"lang": "zh_CN", "tz": "UTC", "_csrf_token": stolen},
            follow_redirects=False,
        )
        assert refused.status_code == 403
        assert (
            post_form(mine, "/account/preferences", {"lang": "zh_CN", "tz": "UTC"}).status_code
            == 303
        )
    assert (_lang(shop, "clerk"), _lang(other, "clerk")) == ("zh_CN", "en")


def test_a_key_of_one_database_opens_nothing_in_another_served_by_the_same_process(
    shop: Instance, make_instance: MakeInstance
) -> None:
    """A verified key is remembered by its row id to skip argon2 on later calls; the
    row with that id in another database (another customer in the same process) is a
    different key, and the first database's key must be refused there."""
    other = make_instance(["webshell"], addons_path=SHELL_ADDONS)
    make_user(other, "clerk", [], password="pw")
    mine_uid, their_uid = _uid(shop, "clerk"), _uid(other, "clerk")
    with shop.unit(None, su=True) as env:
        mine = create_api_key(env, mine_uid, "robot")
    with other.unit(None, su=True) as env:
        create_api_key(env, their_uid, "theirs")  # the same row id there
    with browser(shop, Authorization=f"Bearer {mine}") as api:
        assert api.get("/api/webshell/whoami").status_code == 200  # verified, remembered
    with browser(other, Authorization=f"Bearer {mine}") as api:
        assert api.get("/api/webshell/whoami").status_code == 401

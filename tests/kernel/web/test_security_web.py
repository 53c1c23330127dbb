"""CSRF, API keys, allowed hosts, security headers, escaping and error answers."""

from __future__ import annotations

import pytest
from shell_helpers import SHELL_ADDONS, browser, csrf, post_form, sign_in
from sqlalchemy import func, select, update

from kernel.apikeys import create_api_key
from kernel.fields import utcnow
from kernel.instance import Instance
from kernel.testing import MakeInstance, make_user
from kernel.web.sessions import COOKIE_NAME


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
        response = sign_in(client, "clerk")
        assert response.status_code == 303
        assert "Secure" in response.headers["set-cookie"]
    with browser(shop) as plain:
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

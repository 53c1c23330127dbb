"""The signed-in shell: languages, menus by group, dashboard, preferences, filters, hot addons."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from shell_helpers import SHELL_ADDONS, browser, post_form, sign_in, text_of_page
from sqlalchemy import select

from kernel import i18n, lifecycle
from kernel.instance import Instance
from kernel.testing import MakeInstance, make_user
from kernel.web import templating
from kernel.web.context import ensure_fresh


@pytest.fixture
def shop(make_instance: MakeInstance) -> Instance:
    instance = make_instance(["webshell"], addons_path=SHELL_ADDONS)
    make_user(instance, "clerk", [], password="pw")
    make_user(instance, "boss", ["kernel.group_admin"], password="pw")
    return instance


def _user_field(instance: Instance, login: str, field: str) -> str:
    with instance.unit(None, su=True) as env:
        User = env["res.user"]
        return str(env.session.scalar(select(getattr(User, field)).where(User.login == login)))


# --- languages -----------------------------------------------------------------------------


def test_accept_language_zh_cn_renders_the_sign_in_page_in_chinese(shop: Instance) -> None:
    with browser(shop, **{"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}) as client:
        page = client.get("/login")
        assert '<html lang="zh-CN"' in page.text
        assert "登录" in page.text and "密码" in page.text
        assert "Password" not in text_of_page(page.text)
        wrong = sign_in(client, "clerk", "bad")
        assert "用户名或密码错误。" in wrong.text
    with browser(shop, **{"Accept-Language": "en-US,en;q=0.9"}) as client:
        assert "Password" in client.get("/login").text


def test_without_any_hint_the_instance_default_language_is_used(shop: Instance) -> None:
    with shop.unit(None, su=True) as env:
        Setting = env["ir.setting"]
        env.session.scalar(select(Setting).where(Setting.key == "lang")).value = "zh_CN"
    with browser(shop) as client:
        assert "密码" in client.get("/login").text


def test_user_preference_wins_over_the_browser(shop: Instance) -> None:
    make_user(shop, "wang", [], lang="zh_CN", password="pw")
    with browser(shop, **{"Accept-Language": "en"}) as client:
        sign_in(client, "wang")
        home = client.get("/")
        assert "偏好设置" in home.text and "退出登录" in home.text


def test_language_switch_sets_the_users_preference(shop: Instance) -> None:
    with browser(shop) as client:
        sign_in(client, "clerk")
        response = post_form(client, "/lang", {"lang": "zh_CN", "next": "/account/api-keys"})
        assert response.status_code == 303 and response.headers["location"] == "/account/api-keys"
        assert _user_field(shop, "clerk", "lang") == "zh_CN"
        assert "API 密钥" in client.get("/account/api-keys").text


def test_language_switch_before_sign_in_uses_a_cookie(shop: Instance) -> None:
    with browser(shop) as client:
        post_form(client, "/lang", {"lang": "zh_CN", "next": "/login"})
        assert "密码" in client.get("/login").text
        post_form(client, "/lang", {"lang": "en"})
        assert "Password" in client.get("/login").text


# --- menus and dashboard -----------------------------------------------------------------------


def test_menus_follow_the_users_groups(shop: Instance) -> None:
    with browser(shop) as clerk:
        sign_in(clerk, "clerk")
        html = clerk.get("/").text
        assert "Shell demo" in html and "/webshell/page" in html
        assert "Admins only page" not in html
    with browser(shop) as boss:
        sign_in(boss, "boss")
        html = boss.get("/").text
        assert "Admins only page" in html and "/webshell/admin" in html


def test_dashboard_shows_permitted_widgets_and_survives_a_broken_one(shop: Instance) -> None:
    with browser(shop) as clerk:
        sign_in(clerk, "clerk")
        html = clerk.get("/").text
        assert 'id="widget-webshell.count"' in html and "users</p>" in html
        assert "Admin widget" not in html
        assert "This widget could not be shown." in html
    with browser(shop) as boss:
        sign_in(boss, "boss")
        assert "Admin widget" in boss.get("/").text


def test_signed_in_shell_shows_name_and_sign_out(shop: Instance) -> None:
    with browser(shop) as client:
        sign_in(client, "clerk")
        html = client.get("/").text
        assert "Clerk" in html and 'action="/logout"' in html and "算盘 Suanpan" in html


def test_addon_installed_by_another_process_appears_without_restart(
    make_instance: MakeInstance,
) -> None:
    instance = make_instance([], addons_path=SHELL_ADDONS)
    make_user(instance, "clerk", [], password="pw")
    with browser(instance) as client:
        sign_in(client, "clerk")
        assert "Shell demo" not in client.get("/").text
        assert client.get("/webshell/page").status_code == 404
        # "another process": a second Instance object on the same database
        other = Instance(instance.url, SHELL_ADDONS)
        lifecycle.install(other, ["webshell"])
        other.engine.dispose()
        ensure_fresh(instance, force=True)
        assert "Shell demo" in client.get("/").text
        assert client.get("/webshell/page").status_code == 200


# --- account pages -------------------------------------------------------------------------------


def test_preferences_save_language_and_time_zone(shop: Instance) -> None:
    with browser(shop) as client:
        sign_in(client, "clerk")
        assert client.get("/account/preferences").status_code == 200
        response = post_form(
            client, "/account/preferences", {"lang": "zh_CN", "tz": "Asia/Shanghai"}
        )
        assert response.status_code == 303
        # the confirmation is shown once, on the page after the redirect
        assert "您的偏好设置已保存。" in client.get(response.headers["location"]).text
        assert "您的偏好设置已保存。" not in client.get(response.headers["location"]).text
    assert _user_field(shop, "clerk", "tz") == "Asia/Shanghai"
    assert _user_field(shop, "clerk", "lang") == "zh_CN"


def test_preferences_refuse_unknown_values_with_messages(shop: Instance) -> None:
    with browser(shop) as client:
        sign_in(client, "clerk")
        response = post_form(client, "/account/preferences", {"lang": "fr", "tz": "Mars/Base"})
        assert response.status_code == 422
        assert "Unknown time zone." in response.text
        assert "Choose one of the offered languages." in response.text
    assert _user_field(shop, "clerk", "tz") == "UTC"


def test_api_key_needs_a_name(shop: Instance) -> None:
    with browser(shop) as client:
        sign_in(client, "clerk")
        response = post_form(client, "/account/api-keys", {"name": "  "})
        assert response.status_code == 422 and "Give the key a name" in response.text


# --- templates and filters --------------------------------------------------------------------------


def test_addon_templates_and_filters_render_in_the_users_language(shop: Instance) -> None:
    make_user(shop, "wang", [], lang="zh_CN", password="pw")
    with browser(shop) as client:
        sign_in(client, "clerk")
        html = client.get("/webshell/page").text
        assert '<p id="money">CN¥1,234.57</p>' in html
        assert '<p id="usd">$1,234.57</p>' in html
        assert '<p id="qty">12.5</p>' in html and '<p id="num">1,234.50</p>' in html
    with browser(shop) as client:
        sign_in(client, "wang")
        html = client.get("/webshell/page").text
        assert '<p id="money">¥1,234.57</p>' in html and "偏好设置" in html


def test_money_rounds_half_up_and_formats_negatives() -> None:
    with i18n.use_locale("en"):
        assert templating.money(Decimal("0.125"), "USD") == "$0.13"
        assert templating.money(Decimal("2.5"), "JPY") == "¥3"
        assert templating.money(Decimal("-1234.5"), "CNY") == "-CN¥1,234.50"
        assert templating.money(None, "CNY") == ""
    with i18n.use_locale("zh_CN"):
        assert templating.money(Decimal("1234.565"), "CNY") == "¥1,234.57"
        assert templating.number(Decimal("1234.5"), 2) == "1,234.50"


def test_datetime_filter_uses_the_users_time_zone() -> None:
    moment = dt.datetime(2024, 1, 31, 20, 30, tzinfo=dt.UTC)
    token = templating._tz.set("Asia/Shanghai")
    try:
        with i18n.use_locale("en"):
            assert templating.datetime(moment, "yyyy-MM-dd HH:mm") == "2024-02-01 04:30"
            assert templating.date(moment) == "Feb 1, 2024"
        with i18n.use_locale("zh_CN"):
            assert templating.date(dt.date(2024, 2, 1)) == "2024年2月1日"
    finally:
        templating._tz.reset(token)


def test_addon_template_folders_come_before_the_kernels(shop: Instance) -> None:
    dirs = templating.addon_template_dirs(shop.registry)
    assert [d.name for d in dirs] == ["templates"] and "webshell" in str(dirs[0])


def test_shell_pages_cost_a_bounded_number_of_queries(shop: Instance) -> None:
    from kernel.apikeys import create_api_key
    from kernel.testing import StatementCounter

    uid = int(_user_field(shop, "clerk", "id"))
    with browser(shop) as client:
        sign_in(client, "clerk")
        client.get("/")
        with StatementCounter(shop.engine) as home:
            assert client.get("/").status_code == 200
        assert home.count <= 14, home.statements

        with shop.unit(None, su=True) as env:
            create_api_key(env, uid, "one")
        with StatementCounter(shop.engine) as few:
            client.get("/account/api-keys")
        with shop.unit(None, su=True) as env:
            for i in range(30):
                create_api_key(env, uid, f"key {i}")
        with StatementCounter(shop.engine) as many:
            page = client.get("/account/api-keys")
        assert "key 29" in page.text
        assert many.count == few.count, "one query for the list, whatever its length"


def test_signed_in_requests_learn_of_installs_without_a_query_or_a_timer(
    make_instance: MakeInstance, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The registry version comes with the user's row: statement counts do not depend on time."""
    from fixtures.webclient import ADDONS

    from kernel.testing import StatementCounter
    from kernel.web import context

    both = [*ADDONS, *SHELL_ADDONS]
    shop = make_instance(["webshell"], addons_path=both)
    make_user(shop, "clerk", [], password="pw")
    monkeypatch.setattr(context, "FRESHNESS_SECONDS", 0.0)  # as if every request came late
    with browser(shop) as client:
        sign_in(client, "clerk")
        client.get("/")
        counts = []
        for _ in range(3):
            with StatementCounter(shop.engine) as counter:
                assert client.get("/").status_code == 200
            counts.append(counter.count)
            assert not [s for s in counter.statements if "FROM ir_setting WHERE key IN" in s]
        assert len(set(counts)) == 1, counts
        # another process (here: a fresh Instance on the same database) installs an addon
        other = Instance(shop.url, both)
        try:
            lifecycle.install(other, ["webdemo"])
        finally:
            other.engine.dispose()
        assert not shop.registry.has("webdemo")
        client.get("/")
        assert shop.registry.has("webdemo")


def test_addon_installed_in_the_same_process_registers_its_routes(
    make_instance: MakeInstance,
) -> None:
    instance = make_instance([], addons_path=SHELL_ADDONS)
    make_user(instance, "clerk", [], password="pw")
    with browser(instance) as client:
        sign_in(client, "clerk")
        assert client.get("/webshell/page").status_code == 404
        lifecycle.install(instance, ["webshell"])
        ensure_fresh(instance, force=True)
        assert client.get("/webshell/page").status_code == 200
        assert "Shell demo" in client.get("/").text

"""Settings → Users in Chromium, as an administrator, in both languages.

The administrator creates a user with a group, is told beside the field what is
wrong, sets the user's password, and the new user signs in with it; the groups
page lists the new member. Screenshots go to ``$SUANPAN_TEST_ARTIFACTS``.
"""

from __future__ import annotations

from typing import Any

import pytest
from live_server import ARGS, CHROMIUM, artifact, require_chromium, serve

from kernel.testing import MakeInstance, make_user
from kernel.web.auth import authenticate

pytestmark = pytest.mark.browser
DEFAULT_ARTIFACTS = "/tmp/suanpan-artifacts"

WORDS = {
    "en": {
        "title": "Users",
        "new": "New user",
        "create": "Create user",
        "created": "was created",
        "short": "at least 8 characters",
        "set": "Set password",
        "was_set": "sessions were signed out",
    },
    "zh_CN": {
        "title": "用户",
        "new": "新建用户",
        "create": "创建用户",
        "created": "已创建用户",
        "short": "至少",
        "set": "设置密码",
        "was_set": "会话均已退出登录",
    },
}


def _shot(page: Any, name: str) -> None:
    path = artifact(f"users-{name}.png", default=DEFAULT_ARTIFACTS)
    if path:
        page.screenshot(path=path, full_page=True)


def test_admin_creates_a_user_and_sets_their_password_in_both_languages(
    make_instance: MakeInstance,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    from kernel.web.sessions import create_session

    require_chromium()
    instance = make_instance([])
    with serve(instance) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for lang, words in WORDS.items():
            uid = make_user(instance, f"boss_{lang}", ["kernel.group_admin"], lang=lang)
            context = browser.new_context(viewport={"width": 1366, "height": 768})
            context.add_cookies(
                [{"name": "suanpan_session", "value": create_session(instance, uid), "url": base}]
            )
            page = context.new_page()
            problems: list[str] = []
            page.on("pageerror", lambda e, p=problems: p.append(str(e)))

            page.goto(f"{base}/settings/users")
            expect(page.locator("h1")).to_have_text(words["title"])
            expect(page.locator(f"tr[data-login='boss_{lang}']")).to_be_visible()
            page.get_by_role("link", name=words["new"]).click()
            login = f"new_{lang}"
            page.fill("#user-login", login)
            page.fill("#user-name", "王小明" if lang == "zh_CN" else "Wang Xiaoming")
            page.fill("#user-password", "short")
            page.fill("#user-confirm", "short")
            page.locator("[data-xmlid='kernel.group_admin']").check()
            # the browser's own minlength check would stop the form: test the server's
            page.locator("#user-password").evaluate("e => e.removeAttribute('minlength')")
            page.get_by_role("button", name=words["create"]).click()
            feedback = page.locator("#user-password ~ .invalid-feedback")
            expect(feedback).to_contain_text(words["short"])
            expect(page.locator("[data-xmlid='kernel.group_admin']")).to_be_checked()
            _shot(page, f"create-error-{lang}")
            page.fill("#user-password", "first-pass-1")
            page.fill("#user-confirm", "first-pass-1")
            page.get_by_role("button", name=words["create"]).click()
            expect(page.locator(".alert").first).to_contain_text(words["created"])
            expect(page.locator("#user-login")).to_have_value(login)
            _shot(page, f"user-{lang}")

            password = page.locator("#password-form")
            password.locator("[name=password]").fill("second-pass-2")
            password.locator("[name=confirm_password]").fill("second-pass-2")
            password.get_by_role("button", name=words["set"]).click()
            expect(page.locator(".alert").first).to_contain_text(words["was_set"])

            page.goto(f"{base}/settings/groups")
            expect(page.locator("[data-group='kernel.group_admin']")).to_contain_text(login)
            _shot(page, f"groups-{lang}")
            assert problems == [], problems
            context.close()
            signed = authenticate(instance, login, "second-pass-2", "127.0.0.1")
            assert signed.uid is not None
            assert authenticate(instance, login, "first-pass-1", "127.0.0.1").uid is None
        browser.close()

"""The unit of work handlers receive by injection (kernel.web.deps), through a real app.

The test addon ``webshell`` has a ``GET`` and a ``POST`` on ``/webshell/note``
written the way an addon developer writes them: plain sync functions declaring
``env: RequestEnv``, typed query parameters and a ``FormBody``.
"""

from __future__ import annotations

import pytest
from shell_helpers import SHELL_ADDONS, browser, post_form, sign_in
from sqlalchemy import select

from kernel.instance import Instance
from kernel.testing import MakeInstance, make_user


@pytest.fixture
def shop(make_instance: MakeInstance) -> Instance:
    instance = make_instance(["webshell"], addons_path=SHELL_ADDONS)
    make_user(instance, "boss", ["kernel.group_admin"], password="pw")
    make_user(instance, "laoli", ["kernel.group_admin"], password="pw", lang="zh_CN")
    return instance


def _setting(instance: Instance, key: str) -> object:
    with instance.unit(None, su=True) as env:
        Setting = env["ir.setting"]
        return env.session.scalar(select(Setting.value).where(Setting.key == key))


def test_a_post_commits_when_the_handler_returns_and_its_message_shows_next(
    shop: Instance,
) -> None:
    with browser(shop) as client:
        sign_in(client, "boss")
        answer = post_form(client, "/webshell/note", {"key": "webshell.note", "value": "kept"})
        assert answer.status_code == 303, answer.text
        assert _setting(shop, "webshell.note") == "kept"
        # the GET and the POST share one path and are both sync handlers
        assert client.get("/webshell/note").json()["value"] == "kept"
        # the flash was written after the unit committed, and shows on the next page
        assert "the quantity must be positive" in client.get("/webshell/page").text


def test_a_handler_that_raises_leaves_nothing_written_and_no_message(shop: Instance) -> None:
    with browser(shop) as client:
        sign_in(client, "boss")
        answer = post_form(
            client, "/webshell/note", {"key": "webshell.fail", "value": "lost", "fail": "1"}
        )
        assert answer.status_code == 422
        assert "the quantity must be positive" in answer.text
        assert _setting(shop, "webshell.fail") is None
        assert "the quantity must be positive" not in client.get("/webshell/page").text


def test_the_handler_runs_in_the_users_language(shop: Instance) -> None:
    with browser(shop) as client:
        sign_in(client, "laoli")
        body = client.get("/webshell/note").json()
        assert body["lang"] == "zh_CN"
        assert body["title"] == "未找到"  # translated inside the worker thread


def test_a_typed_parameter_of_the_wrong_kind_is_a_422_naming_it_in_the_users_language(
    shop: Instance,
) -> None:
    with browser(shop, accept="application/json") as client:
        sign_in(client, "laoli")
        for value, reason in (("abc", "必须是整数"), ("9", "不能大于 3")):
            answer = client.get(f"/webshell/note?times={value}")
            assert answer.status_code == 422
            problem = answer.json()
            assert answer.headers["content-type"].startswith("application/problem+json")
            assert set(problem["fields"]) == {"times"}
            assert reason in problem["fields"]["times"], problem
        assert client.get("/webshell/note?times=3").status_code == 200


def test_nobody_signed_in_is_sent_to_sign_in_and_nothing_runs(shop: Instance) -> None:
    with browser(shop) as client:
        answer = client.get("/webshell/note", follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/login?next=/webshell/note")
    with browser(shop, accept="application/json") as client:
        assert client.get("/webshell/note").status_code == 401

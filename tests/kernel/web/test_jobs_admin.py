"""Settings → Scheduled jobs and Outbox, and the same through /api/v1/_jobs and /api/v1/_outbox."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from fixtures.webclient import Browser, api_client, text_of_html
from sqlalchemy import select

from kernel.jobs.runner import sync_jobs
from kernel.outbox import MAX_ATTEMPTS
from kernel.testing import make_user
from tests.kernel.fixture_paths import ADDONS


@pytest.fixture
def chores(make_instance: Any) -> Any:
    instance = make_instance(["chores"], addons_path=[ADDONS])
    importlib.import_module("chores").SENT.clear()
    sync_jobs(instance)
    make_user(instance, "boss", ["kernel.group_admin"])
    make_user(instance, "clerk", [], lang="zh_CN")
    return instance


def test_admin_sees_jobs_runs_one_now_and_a_failure_is_visible(chores: Any) -> None:
    admin = Browser(chores, "boss")
    try:
        page = admin.get("/settings/jobs")
        assert page.status_code == 200
        text = text_of_html(page.text)
        assert "chores.nightly" in text and "30 2 * * *" in text and "Never run" in text
        assert admin.post("/settings/jobs/chores.count/run").status_code == 303
        assert admin.post("/settings/jobs/chores.fail/run").status_code == 303
        text = text_of_html(admin.get("/settings/jobs").text)
        assert "Succeeded" in text and "on purpose" in text and "1 failures in a row" in text
        detail = text_of_html(admin.get("/settings/jobs/chores.count").text)
        assert "counted 0" in detail and "Run now" in detail
        assert admin.post("/settings/jobs/chores.count/toggle", {"enabled": "0"}).status_code == 303
        home = admin.get("/").text
        assert "/settings/jobs" in home and "/settings/outbox" in home
    finally:
        admin.close()
    with chores.unit(None, su=True, readonly=True) as env:
        Job = env["ir.job"]
        assert env.session.scalar(select(Job.enabled).where(Job.name == "chores.count")) is False


def test_a_clerk_cannot_see_or_run_jobs(chores: Any) -> None:
    clerk = Browser(chores, "clerk")
    try:
        assert clerk.get("/settings/jobs").status_code == 403
        assert clerk.post("/settings/jobs/chores.count/run").status_code == 403
        assert clerk.get("/settings/outbox").status_code == 403
        assert "/settings/jobs" not in clerk.get("/").text
    finally:
        clerk.close()
    with chores.unit(None, su=True, readonly=True) as env:
        assert env.session.scalars(select(env["ir.job.run"])).first() is None


def test_jobs_and_outbox_through_the_api(chores: Any) -> None:
    with chores.unit(None, su=True) as env:
        uid = env.session.scalar(select(env["res.user"].id).where(env["res.user"].login == "boss"))
    api = api_client(chores, uid)
    listed = api.get("/api/v1/_jobs").json()["items"]
    assert {j["name"] for j in listed} >= {"chores.count", "chores.fail", "chores.nightly"}
    ran = api.post("/api/v1/_jobs/chores.fail/run")
    assert ran.status_code == 200 and ran.json()["status"] == "failed"
    assert "on purpose" in ran.json()["error"]
    assert api.post("/api/v1/_jobs/chores.nope/run").status_code == 404
    bad = api.post("/api/v1/_jobs/chores.count/enabled", json={"enabled": "maybe"})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem")
    assert (
        api.post("/api/v1/_jobs/chores.count/enabled", json={"enabled": False}).json()["enabled"]
        is False
    )
    chores.background_delivery = True
    with chores.unit(None, su=True) as env:
        env.outbox("chores.note", {"explode": True}, summary="a note")
        message_id = env.session.scalars(select(env["ir.outbox"].id)).one()
        env.session.get(env["ir.outbox"], message_id).attempts = MAX_ATTEMPTS
        env.session.get(env["ir.outbox"], message_id).last_error = "the far side is down"
    failed = api.get("/api/v1/_outbox?state=failed").json()["items"]
    assert [(m["id"], m["state"], m["last_error"]) for m in failed] == [
        (message_id, "failed", "the far side is down")
    ]
    assert api.get("/api/v1/_outbox?state=lost").status_code == 422
    assert api.post(f"/api/v1/_outbox/{message_id}/retry").json()["state"] == "pending"
    admin = Browser(chores, "boss")
    try:
        text = text_of_html(admin.get("/settings/outbox").text)
        assert "a note" in text and "Waiting" in text
    finally:
        admin.close()


def test_screens_in_chinese(chores: Any) -> None:
    with chores.unit(None, su=True) as env:
        User = env["res.user"]
        env.session.scalar(select(User).where(User.login == "boss")).lang = "zh_CN"
    admin = Browser(chores, "boss")
    try:
        text = text_of_html(admin.get("/settings/jobs").text)
        assert "计划任务" in text and "立即运行" in text and "从未运行" in text
        assert "发件箱" in text_of_html(admin.get("/settings/outbox").text)
    finally:
        admin.close()


def test_mail_settings_keep_the_password_hidden(chores: Any) -> None:
    admin = Browser(chores, "boss")
    try:
        values = {"host": "smtp.example.com", "port": "587", "security": "starttls"}
        values |= {"user": "erp", "password": "Very$ecret", "sender": "erp@example.com"}
        assert admin.post("/settings/mail", values).status_code == 303
        page = admin.get("/settings/mail").text
        assert "smtp.example.com" in page and "Very$ecret" not in page
        assert "leave empty to keep it" in page
        bad = admin.post("/settings/mail", {**values, "port": "70000", "password": ""})
        assert bad.status_code == 422 and "65535" in bad.text and "Very$ecret" not in bad.text
    finally:
        admin.close()
    with chores.unit(None, su=True) as env:
        uid = env.session.scalar(select(env["res.user"].id).where(env["res.user"].login == "boss"))
        assert env.setting("mail.password") == "Very$ecret"
    api = api_client(chores, uid)
    shown = api.get("/api/v1/_mail/settings").json()
    assert shown["password_set"] is True and "Very$ecret" not in str(shown)
    assert shown["port"] == 587
    saved = api.put("/api/v1/_mail/settings", json={**shown, "host": "mail.example.com"})
    assert saved.status_code == 200 and saved.json()["host"] == "mail.example.com"
    refused = api.put("/api/v1/_mail/settings", json={"sender": "not-an-address"})
    assert refused.status_code == 422 and "sender" in refused.text
    with chores.unit(None, su=True) as env:
        assert env.setting("mail.password") == "Very$ecret"
    with chores.unit(None, su=True) as env:
        clerk = env.session.scalar(
            select(env["res.user"].id).where(env["res.user"].login == "clerk")
        )
    assert api_client(chores, clerk).get("/api/v1/_mail/settings").status_code == 403


def test_users_choose_their_notifications(chores: Any) -> None:
    admin = Browser(chores, "boss")
    try:
        page = text_of_html(admin.get("/account/notifications").text)
        assert "Chore done" in page
        assert admin.post("/account/notifications", {}).status_code == 303  # nothing ticked
    finally:
        admin.close()
    with chores.unit(None, su=True) as env:
        uid = env.session.scalar(select(env["res.user"].id).where(env["res.user"].login == "boss"))
    api = api_client(chores, uid)
    assert api.get("/api/v1/_account/notifications").json()["items"] == [
        {"event": "chores.done", "label": "Chore done", "enabled": False}
    ]
    on = api.put("/api/v1/_account/notifications", json={"chores.done": True})
    assert on.json()["items"][0]["enabled"] is True
    assert api.put("/api/v1/_account/notifications", json={"nope": True}).status_code == 422

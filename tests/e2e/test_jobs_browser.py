"""Settings → Scheduled jobs, Outbox and E-mail in Chromium, as an administrator, in both languages.

The administrator runs a job now and sees it succeed, runs the failing one and reads
its error, switches a job off and on, sends a failed message again from the outbox,
and is told beside the field that a port is out of range. Screenshots go to
``$SUANPAN_TEST_ARTIFACTS`` (default ``/tmp/suanpan-artifacts``).
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from live_server import ARGS, CHROMIUM, artifact, require_chromium, serve
from sqlalchemy import select

from kernel.jobs.runner import sync_jobs
from kernel.outbox import MAX_ATTEMPTS
from kernel.testing import MakeInstance, make_user
from tests.kernel.fixture_paths import ADDONS

pytestmark = pytest.mark.browser
DEFAULT_ARTIFACTS = "/tmp/suanpan-artifacts"

WORDS = {
    "en": {
        "title": "Scheduled jobs",
        "run": "Run now",
        "ok": "Succeeded",
        "failed": "Failed",
        "disable": "Disable",
        "enable": "Enable",
        "no": "no",
        "retry": "Try again",
        "waiting": "Waiting",
        "save": "Save",
    },
    "zh_CN": {
        "title": "计划任务",
        "run": "立即运行",
        "ok": "成功",
        "failed": "失败",
        "disable": "停用",
        "enable": "启用",
        "no": "否",
        "retry": "重试",
        "waiting": "等待",
        "save": "保存",
    },
}


def _shot(page: Any, name: str) -> None:
    path = artifact(f"jobs-{name}.png", default=DEFAULT_ARTIFACTS)
    if path:
        page.screenshot(path=path, full_page=True)


def _failed_message(instance: Any, summary: str) -> int:
    with instance.unit(None, su=True) as env:
        env.outbox("chores.note", {"explode": True}, summary=summary)
        Outbox = env["ir.outbox"]
        message = env.session.scalars(select(Outbox).where(Outbox.summary == summary)).one()
        message.attempts = MAX_ATTEMPTS
        message.last_error = "the far side is down"
        env.session.flush()
        return int(message.id)


def test_admin_drives_jobs_outbox_and_mail_in_both_languages(make_instance: MakeInstance) -> None:
    from playwright.sync_api import expect, sync_playwright

    from kernel.web.sessions import create_session

    require_chromium()
    instance = make_instance(["chores"], addons_path=[ADDONS])
    importlib.import_module("chores").SENT.clear()
    sync_jobs(instance)
    instance.background_delivery = True  # the outbox is the runner's, not the request's
    with serve(instance) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for lang, words in WORDS.items():
            uid = make_user(instance, f"boss_{lang}", ["kernel.group_admin"], lang=lang)
            message_id = _failed_message(instance, f"note for {lang}")
            context = browser.new_context(viewport={"width": 1366, "height": 768})
            context.add_cookies(
                [
                    {
                        "name": "suanpan_session",
                        "value": create_session(instance, uid),
                        "url": base,
                    }
                ]
            )
            page = context.new_page()
            problems: list[str] = []
            page.on("pageerror", lambda e, p=problems: p.append(str(e)))

            page.goto(f"{base}/settings/jobs")
            expect(page.locator("h1")).to_have_text(words["title"])
            count = page.locator("tr[data-job='chores.count']")
            count.get_by_role("button", name=words["run"]).click()
            page.wait_for_url("**/settings/jobs")
            expect(page.locator(".alert").first).to_contain_text("chores.count")
            expect(count.locator(".sp-job-result")).to_contain_text(words["ok"])

            failing = page.locator("tr[data-job='chores.fail']")
            failing.get_by_role("button", name=words["run"]).click()
            page.wait_for_url("**/settings/jobs")
            expect(page.locator(".alert-danger").first).to_contain_text("on purpose")
            expect(failing.locator(".sp-job-result")).to_contain_text(words["failed"])
            expect(failing.locator(".sp-job-result")).to_contain_text("on purpose")
            _shot(page, f"list-{lang}")

            count.get_by_role("button", name=words["disable"]).click()
            page.wait_for_url("**/settings/jobs")
            expect(count.locator("td").nth(2)).to_have_text(words["no"])
            count.get_by_role("button", name=words["enable"]).click()
            page.wait_for_url("**/settings/jobs")
            expect(count.get_by_role("button", name=words["disable"])).to_be_visible()

            page.goto(f"{base}/settings/outbox?state=failed")
            row = page.locator(f"tr[data-message='{message_id}']")
            expect(row).to_contain_text("the far side is down")
            _shot(page, f"outbox-{lang}")
            row.get_by_role("button", name=words["retry"]).click()
            page.goto(f"{base}/settings/outbox")
            expect(page.locator(f"tr[data-message='{message_id}']")).to_contain_text(
                words["waiting"]
            )

            page.goto(f"{base}/settings/mail")
            page.fill("#mail-host", "smtp.example.com")
            page.fill("#mail-port", "70000")
            page.fill("#mail-sender", "erp@example.com")
            page.get_by_role("button", name=words["save"]).click()
            feedback = page.locator("#mail-port ~ .invalid-feedback")
            expect(feedback).to_be_visible()
            expect(feedback).to_contain_text("65535")
            _shot(page, f"mail-error-{lang}")
            page.fill("#mail-port", "587")
            page.get_by_role("button", name=words["save"]).click()
            expect(page.locator("#mail-port")).to_have_value("587")
            expect(page.locator(".invalid-feedback")).to_have_count(0)
            assert problems == [], problems
            context.close()
        browser.close()
    with instance.unit(None, su=True, readonly=True) as env:
        Job = env["ir.job"]
        assert env.session.scalar(select(Job.enabled).where(Job.name == "chores.count")) is True
        assert env.setting("mail.port") in ("587", 587)

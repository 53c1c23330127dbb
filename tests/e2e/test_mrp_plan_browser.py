"""The production plan in a real browser, in English and in Chinese (issue 10, work centres).

A production user opens Manufacturing → Planning: the demo workshop's work centres
per day, with today's assembly bench over capacity (a rush order of six tables
planned for today on top of the demo's); Reschedule from today spreads the work
over the following days at finite capacity, and no cell is over capacity any more.
Screenshots go to ``$SUANPAN_TEST_ARTIFACTS`` (default ``test-artifacts/``) as
``mrp-plan-<lang>-*.png``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from live_server import ARGS, CHROMIUM, artifact, require_chromium, serve

from kernel.testing import MakeInstance, make_user

pytestmark = pytest.mark.browser
TEXT = {
    "en": {
        "menu": "Planning",
        "title": "Production planning",
        "reschedule": "Reschedule from today",
        "bench": "Assembly bench",
        "done": "operations rescheduled",
    },
    "zh_CN": {
        "menu": "生产计划",
        "title": "生产计划",
        "reschedule": "从今天起重排计划",
        "bench": "Assembly bench",
        "done": "道工序",
    },
}


def _sign_in(browser: Any, base: str, login: str, problems: list[str]) -> Any:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(f"{base}/login")
    page.fill("#login", login)
    page.fill("#password", "pw")
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def _shot(page: Any, lang: str, name: str) -> None:
    path = artifact(f"mrp-plan-{lang}-{name}.png", default="test-artifacts")
    if path:
        page.screenshot(path=path, full_page=True)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_plan_shows_overload_and_reschedules_in_the_browser(
    make_instance: MakeInstance, lang: str
) -> None:
    from playwright.sync_api import expect, sync_playwright

    require_chromium()
    instance = make_instance(["mrp"], demo=True)
    make_user(instance, "planner", ["mrp.group_user"], lang=lang)
    today = dt.date.today()
    with instance.unit(None, su=True) as env:
        from addons.mrp.services.production import create_production
        from kernel import workflow

        rush = create_production(
            env, env.ref("mrp.demo_dining_table").id, Decimal(6), origin="rush", date_planned=today
        )
        workflow.fire(env, rush, "confirm")
        bench = env.ref("mrp.demo_wc_bench").id
    words = TEXT[lang]
    problems: list[str] = []
    with serve(instance) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = _sign_in(browser, base, "planner", problems)
            entry = page.locator("nav a[href='/mrp/plan']")
            expect(entry).to_have_count(1)
            assert (entry.text_content() or "").strip() == words["menu"]
            page.goto(f"{base}/mrp/plan")
            expect(page.locator("h1")).to_have_text(words["title"])
            row = page.locator("#plan-load tr[data-workcenter=BENCH]")
            expect(row).to_contain_text(words["bench"])
            today_cell = row.locator(f"td[data-day='{today.isoformat()}']")
            if today.weekday() < 5:
                # 6 tables × 45 min ÷ 0.9 + 10 min setup, on top of the demo's: over 16 h
                expect(today_cell).to_have_class(re.compile("sp-over"))
            assert page.locator("#plan-load td.sp-over").count() >= 1
            expect(page.locator("#plan-orders")).to_contain_text("rush")
            _shot(page, lang, "1-overloaded")
            with page.expect_navigation():
                page.get_by_role("button", name=words["reschedule"]).click()
            expect(page.locator("body")).to_contain_text(words["done"])
            expect(page.locator("#plan-load td.sp-over")).to_have_count(0)
            _shot(page, lang, "2-rescheduled")
        finally:
            browser.close()
    with instance.unit(None, su=True) as env:
        from addons.mrp.services.planning import plan

        data = plan(env, today, 14)
        cells = [c for row in data["workcenters"] if row["id"] == bench for c in row["cells"]]
        assert any(c["load"] > 0 for c in cells)
        assert not any(c["over"] for row in data["workcenters"] for c in row["cells"])
        assert all(row["before"] == 0 for row in data["workcenters"])
    assert problems == []


WORDS = {
    "en": {
        "in_progress": "In progress",
        "done": "Done",
        "costs": "Labour and overhead",
        "cut": "Oil finish",
    },
    "zh_CN": {
        "in_progress": "生产中",
        "done": "已完成",
        "costs": "人工及制造费用",
        "cut": "Oil finish",
    },
}


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_work_orders_started_and_finished_on_the_order_form(
    make_instance: MakeInstance, lang: str
) -> None:
    from playwright.sync_api import expect, sync_playwright

    require_chromium()
    instance = make_instance(["mrp"], demo=True)
    make_user(instance, "worker", ["mrp.group_user"], lang=lang)
    with instance.unit(None, su=True) as env:
        mo = env.ref("mrp.demo_production_waiting")
        mo_id, first, second = mo.id, mo.operations[0].id, mo.operations[1].id
        assert mo.state == "confirmed" and len(mo.operations) == 2
        bom_id, bench = env.ref("mrp.demo_bom_table").id, env.ref("mrp.demo_wc_bench").id
    words = WORDS[lang]
    problems: list[str] = []
    with serve(instance) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = _sign_in(browser, base, "worker", problems)
            page.goto(f"{base}/app/mrp/productions/{mo_id}")
            expect(page.locator("main")).to_contain_text(words["costs"])
            expect(page.locator("main")).to_contain_text(words["cut"])
            page.locator("[data-sp-do=start_operation]").click()
            dialog = page.locator("#do-start_operation")
            dialog.wait_for(state="visible")
            assert page.input_value("#do-start_operation-operation_id") == str(first)
            with page.expect_navigation():
                page.click("#do-start_operation button[type=submit]")
            expect(page.locator(".sp-statusbar")).to_contain_text(words["in_progress"])
            page.locator("[data-sp-do=finish_operation]").click()
            page.locator("#do-finish_operation").wait_for(state="visible")
            with page.expect_navigation():
                page.click("#do-finish_operation button[type=submit]")
            expect(page.locator("[data-sp-do=finish_operation]")).to_have_count(0)
            _shot(page, lang, "3-order-operations")
            page.goto(f"{base}/app/mrp/boms/{bom_id}")
            expect(page.locator("input[value='Assemble table']")).to_have_count(1)
            expect(page.locator("input[value='[FIN] Finishing booth']")).to_have_count(1)
            _shot(page, lang, "4-bom-operations")
            page.goto(f"{base}/app/mrp/workcenters/{bench}")
            expect(page.locator("main")).to_contain_text("Assembly bench")
            _shot(page, lang, "5-workcenter")
        finally:
            browser.close()
    with instance.unit(None, su=True) as env:
        ops = {op.id: op for op in env.get("mrp.production", mo_id).operations}
        assert (ops[first].state, ops[second].state) == ("done", "pending")
        assert ops[first].actual_minutes is not None and ops[first].user_id is not None
    assert problems == []

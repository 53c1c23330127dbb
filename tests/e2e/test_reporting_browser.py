"""The pivot screen in Chromium, in English and Chinese: chart drawn, table, drill-down.

The chart is drawn by a static script from the page's JSON block under the
Content-Security-Policy; a console error or a request to another origin fails.
Screenshots go to $SUANPAN_TEST_ARTIFACTS (default /tmp/suanpan-artifacts).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from babel.dates import format_date
from live_server import ARGS, CHROMIUM, artifact, require_chromium, serve

from addons.reporting.tests.conftest import build_book
from kernel.testing import MakeInstance

pytestmark = pytest.mark.browser

DEFAULT_ARTIFACTS = "/tmp/suanpan-artifacts"
PIVOT = "/reporting/pivot/reporting/sale-lines?rows=product_id.category_id&cols=order_id.date_order:month&m=price_subtotal:sum&m=count&chart=stack"


def _watch(page: Any, base: str, problems: list[str]) -> None:
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "request",
        lambda r: (
            None
            if r.url.startswith((base, "data:"))
            else problems.append(f"external request {r.url}")
        ),
    )


def test_pivot_and_chart_in_both_languages(make_instance: MakeInstance) -> None:
    from playwright.sync_api import expect, sync_playwright

    from kernel.web.sessions import create_session

    require_chromium()
    book = build_book(make_instance(["reporting", "sales_order"]))
    from addons.sales_order.services import orders

    with book.instance.unit(book.clerk) as env:
        order = orders.create_order(
            env, book.partners["Huaxin"], [{"product_id": book.products["widget"], "quantity": 2}]
        )
        orders.submit(env, order)
        order_id = order.id
    with serve(book.instance) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for lang, words in (("en", ("Hardware", "Subtotal")), ("zh_CN", ("Hardware", "小计"))):
            book.speak(book.clerk, lang)
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            sid = create_session(book.instance, book.clerk)
            context.add_cookies([{"name": "suanpan_session", "value": sid, "url": base}])
            page = context.new_page()
            problems: list[str] = []
            _watch(page, base, problems)
            page.goto(base + PIVOT)
            chart = page.locator("#sp-chart[data-sp-chart-ready='1']")
            expect(chart).to_be_visible()
            # ECharts drew bars (SVG paths) and a legend naming the months
            assert page.locator("#sp-chart svg path").count() > 4
            expect(page.locator("#sp-chart svg")).to_contain_text("2026-01")
            table = page.locator(".sp-pivot-table")
            for word in words:
                expect(table).to_contain_text(word)
            path = artifact(f"reporting-pivot-{lang}.png", default=DEFAULT_ARTIFACTS)
            if path:
                page.screenshot(path=path, full_page=True)
            # drill down from the first cell to the lines it sums
            page.locator(".sp-pivot-table tbody td a").first.click()
            page.wait_for_url("**/app/reporting/sale-lines?**")
            expect(page.locator(".sp-domain")).to_be_visible()
            expect(page.locator(".sp-table tbody tr")).not_to_have_count(0)
            # the order form shows the order's tracking: every node, time and who, or waiting
            page.goto(f"{base}/app/sales/orders/{order_id}")
            expect(page.locator(".sp-tracking [data-node='approved']")).to_be_visible()
            expect(page.locator(".sp-tracking [data-node='submitted']")).to_contain_text("Clerk")
            path = artifact(f"reporting-tracking-{lang}.png", default=DEFAULT_ARTIFACTS)
            if path:
                page.screenshot(path=path)
            assert not problems, problems
            context.close()
        browser.close()


def test_forecast_chart_in_both_languages(make_instance: MakeInstance) -> None:
    """The demand forecast: history and forecast lines drawn, accuracy beside each
    forecast, the reorder suggestions; then the inventory report screen."""
    from playwright.sync_api import expect, sync_playwright

    from addons.reporting.tests.test_forecast import AS_OF, build_shop
    from kernel.web.sessions import create_session

    require_chromium()
    shop = build_shop(make_instance)
    planner = shop.partners["planner"]
    with serve(shop.instance) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for lang, words in (("en", ("MASE", "Suggested")), ("zh_CN", ("MASE", "建议数量"))):
            shop.speak(planner, lang)
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            sid = create_session(shop.instance, planner)
            context.add_cookies([{"name": "suanpan_session", "value": sid, "url": base}])
            page = context.new_page()
            problems: list[str] = []
            _watch(page, base, problems)
            page.goto(f"{base}/reporting/forecast?as_of={AS_OF.isoformat()}")
            expect(page.locator("#sp-chart[data-sp-chart-ready='1']")).to_be_visible()
            assert page.locator("#sp-chart svg path").count() > 4
            expect(page.locator("#sp-chart svg")).to_contain_text("2027-02")
            for word in words:
                expect(page.locator(".sp-forecast")).to_contain_text(word)
            expect(page.locator(".sp-reorder tbody tr")).to_have_count(1)
            path = artifact(f"reporting-forecast-{lang}.png", default=DEFAULT_ARTIFACTS)
            if path:
                page.screenshot(path=path, full_page=True)
            page.goto(f"{base}/reporting/inventory")
            expect(page.locator("#sp-chart[data-sp-chart-ready='1']")).to_be_visible()
            assert not problems, problems
            context.close()
        browser.close()


def test_dashboard_and_tracking_board_in_both_languages(make_instance: MakeInstance) -> None:
    """The sales manager's dashboard (figures, two charts, alerts) and the tracking board,
    with money, numbers and dates in the user's language."""
    from playwright.sync_api import expect, sync_playwright

    from addons.reporting.tests.test_board import build_board
    from kernel.testing import make_user
    from kernel.web.sessions import create_session

    require_chromium()
    book, ids = build_board(make_instance)
    manager = make_user(book.instance, "chief", ["sales_order.group_manager"])
    with book.instance.unit(None, su=True) as env:
        env.get("res.user", manager).name = "Wang Fang"
    with serve(book.instance) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        today = dt.date.today()
        for lang, words in (
            (
                "en",
                (
                    "Sales manager dashboard",
                    "Late deliveries",
                    "CN¥70.00",
                    format_date(today, "medium", locale="en"),
                ),
            ),
            (
                "zh_CN",
                (
                    "销售经理看板",
                    "延迟交付",
                    "¥70.00",
                    format_date(today, "medium", locale="zh_CN"),
                ),
            ),
        ):
            book.speak(manager, lang)
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            sid = create_session(book.instance, manager)
            context.add_cookies([{"name": "suanpan_session", "value": sid, "url": base}])
            page = context.new_page()
            problems: list[str] = []
            _watch(page, base, problems)
            page.goto(base + "/reporting/dashboard/sales")
            for i in (1, 2):
                expect(page.locator(f"#sp-chart-{i}[data-sp-chart-ready='1']")).to_be_visible()
                assert page.locator(f"#sp-chart-{i} svg path").count() > 2
            main = page.locator(".sp-role-dashboard")
            for word in words:  # money and the date as the language writes them
                expect(main).to_contain_text(word)
            if lang == "zh_CN":
                expect(main).not_to_contain_text("CN¥")
            # four open orders, two late; the order past its requested date is listed
            expect(page.locator(".sp-figure").filter(has_text="4")).not_to_have_count(0)
            late = page.locator("[data-alert='reporting.late_deliveries']")
            expect(late.locator(f"a[href='/app/sales/orders/{ids['overdue']}']")).to_be_visible()
            path = artifact(f"reporting-dashboard-{lang}.png", default=DEFAULT_ARTIFACTS)
            if path:
                page.screenshot(path=path, full_page=True)
            # the tracking board, late orders only, from the figure's link
            page.locator(".sp-figure a[href='/reporting/tracking?late=1']").click()
            page.wait_for_url("**/reporting/tracking?late=1")
            expect(page.locator(".sp-board-orders tbody tr")).to_have_count(2)
            expect(page.locator(".sp-late-rule")).to_contain_text("90")
            path = artifact(f"reporting-board-{lang}.png", default=DEFAULT_ARTIFACTS)
            if path:
                page.screenshot(path=path, full_page=True)
            page.locator(f"a[href='/app/sales/orders/{ids['slow']}']").click()
            page.wait_for_url(f"**/app/sales/orders/{ids['slow']}")
            assert not problems, problems
            context.close()
        browser.close()

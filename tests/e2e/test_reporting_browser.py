"""The pivot screen in Chromium, in English and Chinese: chart drawn, table, drill-down.

The chart is drawn by a static script from the page's JSON block under the
Content-Security-Policy; a console error or a request to another origin fails.
Screenshots go to $SUANPAN_TEST_ARTIFACTS (default /tmp/suanpan-artifacts).
"""

from __future__ import annotations

from typing import Any

from live_server import ARGS, CHROMIUM, artifact, require_chromium, serve

from addons.reporting.tests.conftest import build_book
from kernel.testing import MakeInstance

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

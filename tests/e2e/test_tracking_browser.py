"""The customer's tracking page in a real browser (headless Chromium), in both languages.

A customer opens the link printed on the waybill without signing in: the order number,
the status, the ship date, the ETA and the timeline read in English, then in Chinese
after switching; a guessed link shows nothing of anyone's shipment. Screenshots go to
``$SUANPAN_TEST_ARTIFACTS`` (default ``test-artifacts/``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from live_server import ARGS, CHROMIUM, artifact, require_chromium, serve

from addons.delivery.tests.test_shipments import _ship
from kernel.instance import Instance
from kernel.testing import MakeInstance

pytestmark = pytest.mark.browser
DEFAULT_ARTIFACTS = "test-artifacts"


@pytest.fixture
def tracked(make_instance: MakeInstance) -> Iterator[tuple[Instance, str, dict[str, Any]]]:
    require_chromium()
    instance = make_instance(["stock", "delivery"], demo=False)
    found = _ship(instance, "Gamma")
    with instance.unit(None, su=True) as env:
        env.session.add(
            env["delivery.tracking.event"](
                shipment_id=found["id"], kind="in_transit", location="深圳转运中心 Shenzhen hub"
            )
        )
    with serve(instance) as base:
        yield instance, base, found


def _shot(page: Any, name: str) -> None:
    path = artifact(f"tracking-{name}.png", default=DEFAULT_ARTIFACTS)
    if path:
        page.screenshot(path=path, full_page=True)


def test_tracking_page_in_english_and_chinese(
    tracked: tuple[Instance, str, dict[str, Any]],
) -> None:
    from playwright.sync_api import sync_playwright

    _instance, base, found = tracked
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(locale="en-US")
            page = context.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(f"{base}/track/{found['token']}")
            assert page.locator("#reference").inner_text().strip() == "SO-Gamma"
            assert page.locator("#status").inner_text().strip() == "In transit"
            assert "Expected arrival" in page.content()
            assert page.locator("#tracking-number").inner_text().strip() == found["tracking"]
            timeline = page.locator("#timeline li")
            assert timeline.count() == 2
            assert "Shenzhen hub" in timeline.first.inner_text()
            assert "Picked up" in timeline.last.inner_text() and "SF" in timeline.last.inner_text()
            assert "88.8" not in page.content() and "Secret street" not in page.content()
            _shot(page, "en")

            page.click("a[lang=zh-CN]")
            page.wait_for_load_state()
            assert page.locator("#status").inner_text().strip() == "运输中"
            assert "预计到达" in page.content() and "已揽收" in page.content()
            assert page.locator("html").get_attribute("lang") == "zh-CN"
            _shot(page, "zh_CN")

            stranger = browser.new_context(locale="zh-CN").new_page()
            response = stranger.goto(f"{base}/track/{'A' * 32}")
            assert response is not None and response.status == 404
            assert stranger.locator("#not-found").is_visible()
            assert "SO-Gamma" not in stranger.content()
            _shot(stranger, "unknown")
        finally:
            browser.close()
    assert problems == []

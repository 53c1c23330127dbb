"""``/api/docs``: a usable API reference served by the instance itself, with nothing external."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fixtures.webclient import ADDONS, BASE_URL, Browser
from litestar.testing import TestClient

from kernel.testing import make_user
from kernel.web.app import create_app


@pytest.fixture
def instance(make_instance: Any) -> Any:
    return make_instance(["webdemo"], addons_path=ADDONS)


def _links(html: str) -> list[str]:
    return re.findall(r'(?:src|href|action)="([^"]*)"', html)


def test_docs_list_the_operations_and_load_nothing_external(instance: Any) -> None:
    with TestClient(create_app(instance), base_url=BASE_URL) as client:
        page = client.get("/api/docs")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        html = page.text
        # the generic API's operations per model, each with its method, path and parameters
        assert "/api/v1/webdemo.order/{record_id}" in html
        assert re.search(
            r">GET</span>\s*<code class=\"sp-path\">/api/v1/webdemo.order</code>", html
        )
        assert ">POST</span>" in html and ">Parameters<" in html
        assert 'href="/api/schema"' in html
        # nothing from another origin: every link and script is on this server
        links = _links(html)
        assert links and all(link.startswith(("/", "#")) for link in links), links
        assert "cdn" not in html.lower() and "https://" not in html
        for asset in ("/static/api-docs.js", "/static/api-docs.css"):
            assert asset in links and client.get(asset).status_code == 200
        # the document it is made from
        assert client.get("/api/schema").status_code == 200


def test_docs_speak_the_users_language(instance: Any) -> None:
    make_user(instance, "wang", [], lang="zh_CN")
    browser = Browser(instance, "wang")
    try:
        page = browser.get("/api/docs")
        assert page.status_code == 200
        assert "API 参考" in page.text and "参数" in page.text
    finally:
        browser.close()

"""Static assets: vendored (never a CDN), served, and no page pulls anything from elsewhere."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from shell_helpers import SHELL_ADDONS, browser, sign_in

from kernel.instance import Instance
from kernel.testing import MakeInstance, make_user

STATIC = Path(__file__).resolve().parents[3] / "kernel" / "web" / "static"
EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)


class _References(HTMLParser):
    """Every URL a page makes the browser load: scripts, styles, fonts, images, frames."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts = 0
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            if values.get("src"):
                self.urls.append(values["src"] or "")
            else:
                self.inline_scripts += 1
        if tag == "link" and values.get("href"):
            self.urls.append(values["href"] or "")
        if tag in ("img", "iframe", "source", "embed", "audio", "video") and values.get("src"):
            self.urls.append(values["src"] or "")
        if tag == "object" and values.get("data"):
            self.urls.append(values["data"] or "")
        for key, value in attrs:
            if key == "style" and value:
                self.urls.extend(_css_urls(value))
            if key.startswith("on"):
                self.inline_scripts += 1
        self._in_style = tag == "style"

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls.extend(_css_urls(data))

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False


def _css_urls(css: str) -> list[str]:
    found = [m.strip("'\" ") for m in re.findall(r"url\(([^)]*)\)", css)]
    found += re.findall(r"@import\s+['\"]([^'\"]+)['\"]", css)
    return [u for u in found if not u.startswith("data:")]


def references(html: str) -> _References:
    parser = _References()
    parser.feed(html)
    return parser


@pytest.fixture
def shop(make_instance: MakeInstance) -> Instance:
    instance = make_instance(["webshell"], addons_path=SHELL_ADDONS)
    make_user(instance, "clerk", [], password="pw")
    return instance


def test_no_shell_page_references_an_external_url(shop: Instance) -> None:
    pages: dict[str, str] = {}
    with browser(shop) as client:
        pages["/login"] = client.get("/login").text
        pages["error"] = client.get("/no-such-page").text
        sign_in(client, "clerk")
        for url in ("/", "/account/preferences", "/account/api-keys", "/webshell/page", "/nope"):
            response = client.get(url)
            pages[url] = response.text
        for url, html in pages.items():
            refs = references(html)
            assert refs.urls, f"{url} loads the shell's assets"
            external = [u for u in refs.urls if EXTERNAL.match(u)]
            assert not external, f"{url} references {external}"
            assert refs.inline_scripts == 0, f"{url} has inline script the CSP would block"
            for ref in refs.urls:
                if ref.startswith("/static/"):
                    assert client.get(ref).status_code == 200, f"{url}: {ref} is missing"


def test_static_css_files_load_nothing_from_elsewhere() -> None:
    css_files = list(STATIC.rglob("*.css"))
    assert len(css_files) >= 3
    for path in css_files:
        for url in _css_urls(path.read_text(encoding="utf-8")):
            assert not EXTERNAL.match(url), f"{path.name} loads {url}"
            target = (path.parent / url.split("?")[0].split("#")[0]).resolve()
            assert target.is_file(), f"{path.name} refers to missing {url}"


def test_static_javascript_has_no_cdn_or_source_map_references() -> None:
    for path in STATIC.rglob("*.js"):
        text = path.read_text(encoding="utf-8", errors="replace")
        assert "sourceMappingURL=" not in text, path.name
        assert not re.search(r"""src\s*=\s*["']https?://""", text), path.name


def test_vendored_versions_are_the_pinned_ones() -> None:
    htmx = (STATIC / "vendor" / "htmx" / "htmx.min.js").read_text(encoding="utf-8")
    assert re.search(r'version:"2\.0\.\d+"', htmx), "htmx must stay on 2.0.x"
    bootstrap = (STATIC / "vendor" / "bootstrap" / "bootstrap.min.css").read_text(encoding="utf-8")
    assert re.search(r"Bootstrap\s+v5\.3\.\d+", bootstrap)
    assert (STATIC / "vendor" / "bootstrap" / "bootstrap.bundle.min.js").is_file()
    assert (STATIC / "vendor" / "bootstrap-icons" / "fonts" / "bootstrap-icons.woff2").is_file()
    echarts = (STATIC / "vendor" / "echarts" / "echarts.min.js").read_text(encoding="utf-8")
    assert re.search(r'version\s*=\s*"5\.\d+\.\d+"|"5\.\d+\.\d+"', echarts)


def test_chinese_text_uses_the_system_cjk_font() -> None:
    css = (STATIC / "app.css").read_text(encoding="utf-8")
    assert '"Noto Sans CJK SC"' in css


def test_static_files_are_served_for_the_kernel_and_addons(shop: Instance) -> None:
    with browser(shop) as client:
        css = client.get("/static/vendor/bootstrap/bootstrap.min.css")
        assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
        font = client.get("/static/vendor/bootstrap-icons/fonts/bootstrap-icons.woff2")
        assert font.status_code == 200 and len(font.content) > 10_000
        addon = client.get("/static/webshell/webshell.css")
        assert addon.status_code == 200 and ".demo-widget" in addon.text
        assert client.get("/static/../pyproject.toml").status_code in (400, 404)
        assert client.get("/static/vendor/nothing.js").status_code == 404

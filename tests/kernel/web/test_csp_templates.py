"""Every template and script of the kernel and the built-in addons fits the CSP without running it.

The CSP (``script-src 'self'``) blocks inline scripts, ``on…=`` handlers,
``javascript:`` URLs and ``eval`` (which htmx's ``hx-on`` and ``js:`` values
use). The browser test walks the main screens; this scan also covers screens
it does not reach (dialogs, fragments, PDFs, error pages) in a fraction of a second.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SOURCES = [ROOT / "kernel", ROOT / "addons"]

INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*type=[\"']application/(?:ld\+)?json[\"'])[^>]*>", re.I
)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I | re.S)
JS_URL = re.compile(r"(?:href|src|action|formaction)\s*=\s*[\"']\s*javascript:", re.I)
HTMX_EVAL = re.compile(r"\bhx-on\b|hx-on:|\bhx-vars\b|hx-vals\s*=\s*[\"']\s*js:", re.I)
JS_EVAL = re.compile(r"\beval\s*\(|\bnew\s+Function\s*\(|set(?:Timeout|Interval)\s*\(\s*[\"'`]")


def _files(*suffixes: str) -> list[Path]:
    found = [
        path
        for root in SOURCES
        for path in root.rglob("*")
        if path.suffix in suffixes and "vendor" not in path.parts and ".venv" not in path.parts
    ]
    assert found, "nothing to scan"
    return sorted(found)


def _hits(pattern: re.Pattern[str], paths: list[Path]) -> list[str]:
    hits = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            hits.append(f"{path.relative_to(ROOT)}:{line}: {match.group(0)[:80]}")
    return hits


def test_templates_have_no_inline_scripts_handlers_or_eval() -> None:
    templates = _files(".html", ".jinja")
    assert len(templates) >= 20
    for pattern in (INLINE_SCRIPT, HANDLER, JS_URL, HTMX_EVAL):
        assert _hits(pattern, templates) == []


def test_html_built_in_python_has_no_inline_scripts() -> None:
    in_code = re.compile(r"(?<!`)" + INLINE_SCRIPT.pattern, re.I)  # ``<script>`` in docs is prose
    assert _hits(in_code, _files(".py")) == []


def test_our_scripts_do_not_evaluate_strings() -> None:
    assert _hits(JS_EVAL, _files(".js")) == []


def test_the_scan_finds_what_the_csp_blocks() -> None:
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/app.js" defer></script>')
    assert not INLINE_SCRIPT.search('<script type="application/json" id="d">{}</script>')
    assert HANDLER.search('<button class="x"\n  onclick="go()">')
    assert not HANDLER.search('<button data-sp-action="go">')
    assert JS_URL.search('<a href="javascript:void(0)">')
    assert HTMX_EVAL.search('<div hx-on:click="x()">') and HTMX_EVAL.search("hx-vals='js:{a:1}'")
    assert JS_EVAL.search("setTimeout('go()', 10)") and not JS_EVAL.search("setTimeout(go, 10)")

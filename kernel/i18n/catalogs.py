"""Extracting, updating and checking message catalogs (``suanpan i18n …``).

Messages come from ``_("…")`` calls in Python, ``{{ _("…") }}`` / ``{% trans %}``
in Jinja2 templates, and the human strings of data files (manifest title and
summary, group names and categories), which are translated when displayed.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy": None}
METHOD_MAP = [
    ("**/static/**", "ignore"),
    ("**/tests/**", "ignore"),
    ("**/migrations/**", "ignore"),
    ("**.py", "python"),
    ("**/templates/**.html", "jinja2.ext:babel_extract"),
]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "silent": "false"}}
LOCALES = ("zh_CN",)


def source_dir(addon: str, addons_path: tuple[str, ...] = ()) -> Path:
    if addon == "kernel":
        return Path(__file__).resolve().parents[1]
    from kernel.addons.discovery import discover

    return discover(addons_path)[addon].path


def extract(addon: str, addons_path: tuple[str, ...] = ()) -> Catalog:
    return extract_folder(source_dir(addon, addons_path))


def extract_folder(folder: Path) -> Catalog:
    """Every translatable message of the addon in ``folder`` (code, templates, data files)."""
    catalog = Catalog(project="suanpan", domain="messages")
    for filename, lineno, message, comments, _ctx in extract_from_dir(
        str(folder), METHOD_MAP, OPTIONS, keywords=KEYWORDS, strip_comment_tags=True
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments)
    for message, where in _data_strings(folder):
        catalog.add(message, None, [(where, 0)])
    return catalog


def _data_strings(folder: Path) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    manifest = folder / "manifest.toml"
    if manifest.is_file():
        raw = tomllib.loads(manifest.read_text(encoding="utf-8"))
        for key in ("title", "summary", "category"):
            if raw.get(key):
                found.append((raw[key], "manifest.toml"))
    for path in sorted(folder.rglob("*.toml")):
        if path.name == "manifest.toml" or "tests" in path.relative_to(folder).parts:
            continue
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        for group in doc.get("group", []):
            found.append((group["name"], path.name))
            if group.get("category"):
                found.append((group["category"], path.name))
    return found


def po_path(addon: str, locale: str, addons_path: tuple[str, ...] = ()) -> Path:
    base = source_dir(addon, addons_path)
    return base / "i18n" / locale / "LC_MESSAGES" / "messages.po"


def update(addon: str, addons_path: tuple[str, ...] = ()) -> dict[str, int]:
    """Merge freshly extracted messages into each locale's ``.po``; returns untranslated counts."""
    template = extract(addon, addons_path)
    result = {}
    for locale in LOCALES:
        path = po_path(addon, locale, addons_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_file():
            with path.open("rb") as fh:
                catalog = read_po(fh, locale=locale)
        else:
            catalog = Catalog(locale=locale, project="suanpan", domain="messages")
        # Neither the creation date nor line numbers are written: both change with
        # every edit and made parallel branches conflict on every catalog line.
        catalog.update(
            template,
            no_fuzzy_matching=True,
            update_header_comment=False,
            update_creation_date=False,
        )
        catalog.obsolete.clear()
        with path.open("wb") as fh:
            write_po(
                fh, catalog, width=100, omit_header=False, sort_output=True, include_lineno=False
            )
        result[locale] = sum(1 for m in catalog if m.id and not m.string)
    return result


def compile_catalogs(addon: str, addons_path: tuple[str, ...] = ()) -> list[Path]:
    written = []
    for locale in LOCALES:
        path = po_path(addon, locale, addons_path)
        if not path.is_file():
            continue
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        mo = path.with_suffix(".mo")
        with mo.open("wb") as fh:
            write_mo(fh, catalog)
        written.append(mo)
    return written


def missing_translations(addon: str, locale: str, addons_path: tuple[str, ...] = ()) -> list[str]:
    """Messages used by ``addon`` that its own catalog does not translate into ``locale``."""
    template = extract(addon, addons_path)
    path = po_path(addon, locale, addons_path)
    translated: dict[str, str] = {}
    if path.is_file():
        with path.open("rb") as fh:
            for message in read_po(fh, locale=locale):
                if message.id and message.string and not message.fuzzy:
                    key = message.id if isinstance(message.id, str) else message.id[0]
                    translated[key] = (
                        message.string if isinstance(message.string, str) else message.string[0]
                    )
    missing = []
    for message in template:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        if key not in translated:
            missing.append(key)
    return missing

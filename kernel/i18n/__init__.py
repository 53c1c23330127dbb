"""Translation core: lazy strings, per-addon catalogs and the active locale.

Why lazy: model, field and state labels are declared at import time, long before
anybody knows which user (and so which language) will read them. A
:class:`LazyString` keeps the English message id and translates itself when it is
rendered, using the locale of the unit of work that is rendering it.

Catalogs are plain ``.po`` files inside each addon (``i18n/<locale>/LC_MESSAGES/
messages.po``) and inside the kernel. They are read with Babel and merged once
per process; there are no compiled ``.mo`` files to forget to rebuild.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.messages.pofile import read_po
from babel.support import Translations

SUPPORTED_LOCALES: tuple[str, ...] = ("en", "zh_CN")
DEFAULT_LOCALE = "en"

_current_locale: contextvars.ContextVar[str] = contextvars.ContextVar(
    "suanpan_locale", default=DEFAULT_LOCALE
)
_catalog_dirs: list[Path] = [Path(__file__).parent]
_cache: dict[str, Translations] = {}
_lock = threading.Lock()


def add_catalog_dir(path: Path) -> None:
    """Make the ``i18n`` folder of an addon (or any package) part of the catalogs."""
    with _lock:
        if path not in _catalog_dirs and path.is_dir():
            _catalog_dirs.append(path)
            _cache.clear()


def catalog_dirs() -> list[Path]:
    return list(_catalog_dirs)


def normalize_locale(value: str | None) -> str:
    """Map what browsers and users send (``zh-CN``, ``zh-Hans-CN``, ``zh``) to a supported locale.

    Babel's ``Locale.parse("zh_CN")`` prints as ``zh_Hans_CN``, which misses our
    ``zh_CN`` folder, so we normalise by hand and always pass the string.
    """
    if not value:
        return DEFAULT_LOCALE
    raw = value.strip().replace("-", "_")
    low = raw.lower()
    if low.startswith("zh"):
        return "zh_CN"
    if low.startswith("en"):
        return "en"
    return DEFAULT_LOCALE


def negotiate_accept_language(header: str | None) -> str:
    """Pick the best supported locale from an ``Accept-Language`` header."""
    if not header:
        return DEFAULT_LOCALE
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        piece = part.strip()
        if not piece:
            continue
        lang, _sep, params = piece.partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if quality <= 0:  # q=0 means "not acceptable" (RFC 9110)
            continue
        weighted.append((-quality, index, lang.strip()))
    for _q, _i, lang in sorted(weighted):
        low = lang.lower()
        if low.startswith(("zh", "en")):
            return normalize_locale(lang)
    return DEFAULT_LOCALE


def babel_locale(locale: str | None = None) -> Locale:
    try:
        return Locale.parse(locale or get_locale())
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT_LOCALE)


def translations(locale: str) -> Translations:
    """The merged catalog of the kernel and every known addon for ``locale``."""
    cached = _cache.get(locale)
    if cached is not None:
        return cached
    with _lock:
        merged = Translations()
        for folder in _catalog_dirs:
            po_path = folder / locale / "LC_MESSAGES" / "messages.po"
            if not po_path.is_file():
                continue
            with po_path.open("rb") as fh:
                catalog = read_po(fh, locale=locale)
            table: dict[Any, str] = merged._catalog
            for message in catalog:
                if message.id and message.string and not message.fuzzy:
                    if isinstance(message.id, (tuple, list)):
                        for i, text in enumerate(message.string):
                            table[(message.id[0], i)] = str(text)
                        merged.plural = catalog.plural_func  # type: ignore[attr-defined]
                    else:
                        table[message.id] = str(message.string)
        _cache[locale] = merged
        return merged


def get_locale() -> str:
    return _current_locale.get()


@contextmanager
def use_locale(locale: str | None) -> Iterator[str]:
    """Render everything inside the block in ``locale``."""
    token = _current_locale.set(normalize_locale(locale))
    try:
        yield _current_locale.get()
    finally:
        _current_locale.reset(token)


def gettext(message: str, locale: str | None = None, **params: Any) -> str:
    """Translate now, in ``locale`` or the active one; ``params`` fill ``%(name)s`` slots."""
    loc = normalize_locale(locale) if locale else get_locale()
    text = message if loc == DEFAULT_LOCALE else translations(loc).gettext(message)
    return text % params if params else text


def ngettext(singular: str, plural: str, n: int, locale: str | None = None, **params: Any) -> str:
    loc = normalize_locale(locale) if locale else get_locale()
    if loc == DEFAULT_LOCALE:
        text = singular if n == 1 else plural
    else:
        text = translations(loc).ngettext(singular, plural, n)
    params.setdefault("num", n)
    return text % params


class LazyString:
    """A message that translates itself each time it is turned into text."""

    __slots__ = ("message", "params")

    def __init__(self, message: str, params: dict[str, Any] | None = None) -> None:
        self.message = message
        self.params = params or {}

    def __str__(self) -> str:
        params = {k: str(v) if isinstance(v, LazyString) else v for k, v in self.params.items()}
        return gettext(self.message, **params)

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(str(self)))

    def __repr__(self) -> str:
        return f"_({self.message!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyString):
            return self.message == other.message and self.params == other.params
        return str(self) == other

    def __hash__(self) -> int:
        return hash(self.message)

    def __add__(self, other: object) -> str:
        return str(self) + str(other)

    def __radd__(self, other: object) -> str:
        return str(other) + str(self)

    def __len__(self) -> int:
        return len(str(self))

    def format(self, *args: Any, **kwargs: Any) -> str:
        return str(self).format(*args, **kwargs)

    def with_params(self, **params: Any) -> LazyString:
        return LazyString(self.message, {**self.params, **params})


def _(message: str, **params: Any) -> LazyString:
    """Mark ``message`` for translation; it is translated when rendered."""
    return LazyString(message, params or None)


def text_of(value: object) -> str:
    """Render a label that may be lazy, plain or ``None``."""
    return "" if value is None else str(value)


def all_message_ids(locales: Iterable[str] = ("zh_CN",)) -> dict[str, set[str]]:
    """Every translated message id per locale (used by completeness tests)."""
    return {loc: {k for k in translations(loc)._catalog if isinstance(k, str)} for loc in locales}

"""Translation core: lazy strings, per-addon catalogs and the active locale.

Why lazy: model, field and state labels are declared at import time, long before
anybody knows which user (and so which language) will read them. A
:class:`LazyString` keeps the English message id and translates itself when it is
rendered, using the locale of the unit of work that is rendering it.

Catalogs are plain ``.po`` files inside each addon (``i18n/<locale>/LC_MESSAGES/
messages.po``) and inside the kernel. They are read with Babel and merged once
per process; there are no compiled ``.mo`` files to forget to rebuild.

One English word can need two Chinese ones ("Lines" of an order are 明细, the
chart type is 折线图; a closed order is 已关闭, a closed fiscal year 已结账). So a
message marked with :func:`_` remembers the module that marked it, and is looked
up first in the catalog of the addon (or kernel) that module belongs to, then in
the merged one. Which catalog wins no longer depends on load order.
"""

from __future__ import annotations

import contextvars
import sys
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
_own_tables: dict[tuple[str, Path], dict[Any, str]] = {}
_module_dirs: dict[str, Path | None] = {}
_lock = threading.Lock()


_addon_dirs: dict[str, Path] = {"kernel": Path(__file__).parent}


def add_catalog_dir(path: Path, addon: str | None = None) -> None:
    """Make the ``i18n`` folder of an addon (or any package) part of the catalogs."""
    with _lock:
        if addon and path.is_dir():
            _addon_dirs[addon] = path
        if path not in _catalog_dirs and path.is_dir():
            _catalog_dirs.append(path)
            _cache.clear()
            _module_dirs.clear()


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


def _read_table(folder: Path, locale: str) -> dict[Any, str]:
    """The singular messages of one catalog folder for ``locale`` (empty when it has none)."""
    key = (locale, folder)
    found = _own_tables.get(key)
    if found is None:
        found = {}
        po_path = folder / locale / "LC_MESSAGES" / "messages.po"
        if po_path.is_file():
            with po_path.open("rb") as fh:
                for message in read_po(fh, locale=locale):
                    own = isinstance(message.id, str) and message.id and message.string
                    if own and not message.fuzzy:
                        found[message.id] = str(message.string)
        _own_tables[key] = found
    return found


def _catalog_of(module: str) -> Path | None:
    """The catalog folder of the addon (or kernel) ``module`` belongs to, if registered."""
    if module in _module_dirs:
        return _module_dirs[module]
    found: Path | None = None
    source = getattr(sys.modules.get(module), "__file__", None)
    if source:
        path = Path(source).resolve()
        candidates = [d for d in _catalog_dirs if d.resolve().parent in path.parents]
        if candidates:  # the innermost root: an addon inside a folder that is one too
            found = max(candidates, key=lambda d: len(d.resolve().parts))
    _module_dirs[module] = found
    return found


def _own_translation(message: str, locale: str, module: str | None) -> str | None:
    if not module:
        return None
    folder = _catalog_of(module)
    if folder is None:
        return None
    return _read_table(folder, locale).get(message)


def addon_gettext(message: str, addon: str, locale: str | None = None) -> str:
    """``message`` as ``addon``'s own catalog translates it, else the merged catalogs.

    For words an addon declared as data (its groups' names and applications): "Inventory"
    is 库存 to stock and 存货 to accounting, and the merged catalogs' choice depends on
    the order addons were loaded in.
    """
    loc = normalize_locale(locale) if locale else get_locale()
    if loc == DEFAULT_LOCALE:
        return message
    folder = _addon_dirs.get(addon)
    own = _read_table(folder, loc).get(message) if folder is not None else None
    return own or translations(loc).gettext(message)


def format_amount(value: Any, digits: int = 2) -> str:
    """``value`` with ``digits`` decimals as the active locale writes it (``1,234.50``).

    For figures inside messages that are stored as text (a check's result): they are
    written in the reader's format when the message is made.
    """
    from decimal import ROUND_HALF_UP, Decimal

    from babel.numbers import format_decimal

    amount = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(amount, format=pattern, locale=babel_locale())


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


def gettext(
    message: str, locale: str | None = None, *, module: str | None = None, **params: Any
) -> str:
    """Translate now, in ``locale`` or the active one; ``params`` fill ``%(name)s`` slots.

    ``module``: the module that marked the message; its own catalog is asked first.
    """
    loc = normalize_locale(locale) if locale else get_locale()
    if loc == DEFAULT_LOCALE:
        text = message
    else:
        text = _own_translation(message, loc, module) or translations(loc).gettext(message)
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

    __slots__ = ("message", "module", "params")

    def __init__(
        self, message: str, params: dict[str, Any] | None = None, module: str | None = None
    ) -> None:
        self.message = message
        self.params = params or {}
        self.module = module

    def __str__(self) -> str:
        params = {k: str(v) if isinstance(v, LazyString) else v for k, v in self.params.items()}
        return gettext(self.message, module=self.module, **params)

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
        return LazyString(self.message, {**self.params, **params}, self.module)


def _(message: str, **params: Any) -> LazyString:
    """Mark ``message`` for translation; it is translated when rendered (by its own addon's
    catalog first: the calling module is remembered)."""
    module = sys._getframe(1).f_globals.get("__name__")
    return LazyString(message, params or None, module)


def text_of(value: object) -> str:
    """Render a label that may be lazy, plain or ``None``."""
    return "" if value is None else str(value)


def all_message_ids(locales: Iterable[str] = ("zh_CN",)) -> dict[str, set[str]]:
    """Every translated message id per locale (used by completeness tests)."""
    return {loc: {k for k in translations(loc)._catalog if isinstance(k, str)} for loc in locales}

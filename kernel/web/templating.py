"""Jinja2 rendering for the web host: one environment per app, locale-aware filters.

Template lookup is a chain: folders contributed by addons through
``register_template_dirs`` in *reverse* dependency order (an addon overrides or
extends a template of an addon it depends on), then the kernel's
``kernel/web/templates``. The chain is rebuilt when the registry changes, so a
newly installed addon's templates are found without a restart.

Rules for templates (the Content-Security-Policy enforces them in browsers):
no inline ``<script>`` and no ``on*=`` attributes — put JavaScript in a static
file under ``/static/``; never reference an external URL.

Filters: ``money(amount, code)``, ``number``, ``quantity``, ``date``,
``datetime`` (in the user's time zone) are formatted with Babel for the active
locale; ``label`` renders lazy labels. Context always has ``user``, ``menus``,
``lang``, ``csrf_token``, ``request``.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio.to_thread
from babel.dates import format_date, format_datetime, get_timezone
from babel.numbers import format_currency, format_decimal, get_currency_precision
from jinja2 import BaseLoader, ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from litestar import Response
from litestar.background_tasks import BackgroundTask
from litestar.utils.scope.state import ScopeState
from markupsafe import Markup

from kernel import i18n
from kernel.caches import Slot
from kernel.hookspecs import KernelHooks
from kernel.i18n import _, text_of

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection

    from kernel.env import Env
    from kernel.instance import Instance
    from kernel.models.registry import Registry

log = logging.getLogger(__name__)

KERNEL_TEMPLATES = Path(__file__).parent / "templates"
PRODUCT_NAME = "算盘 Suanpan"

_tz: contextvars.ContextVar[str] = contextvars.ContextVar("suanpan_tz", default="UTC")


# --- contributions -------------------------------------------------------------------------


def addon_template_dirs(registry: Registry) -> list[Path]:
    """Template folders of the installed addons, latest (most dependent) first."""
    found: list[Path] = []

    def register(path: str | Path) -> None:
        found.append(Path(path))

    # pluggy calls implementations last-registered first and the registry
    # registers addons in dependency order: later addons come out first.
    KernelHooks(registry.pm).register_template_dirs(register=register)
    return found


@dataclass
class MenuEntry:
    key: str
    label: Any
    url: str | None
    parent: str | None = None
    sequence: int = 10
    group: str | None = None
    children: list[MenuEntry] = field(default_factory=list)


_menu_cache: dict[int, tuple[Registry, list[MenuEntry]]] = {}


def collect_menus(registry: Registry) -> list[MenuEntry]:
    """Every menu entry the installed addons contribute (unfiltered), as a tree.

    Computed once per registry (the addon set), not per page.
    """
    cached = _menu_cache.get(id(registry))
    if cached is not None and cached[0] is registry:
        return cached[1]
    roots = _build_menus(registry)
    if len(_menu_cache) > 32:
        _menu_cache.clear()
    _menu_cache[id(registry)] = (registry, roots)
    return roots


def _build_menus(registry: Registry) -> list[MenuEntry]:
    entries: dict[str, MenuEntry] = {}

    def register(
        key: str,
        label: Any,
        url: str | None = None,
        parent: str | None = None,
        sequence: int = 10,
        group: str | None = None,
    ) -> None:
        entries[key] = MenuEntry(key, label, url, parent, sequence, group)

    KernelHooks(registry.pm).register_menus(register=register)
    _kernel_menus(register)
    roots: list[MenuEntry] = []
    for entry in entries.values():
        entry.children = []
    for entry in sorted(entries.values(), key=lambda e: (e.sequence, e.key)):
        parent = entries.get(entry.parent) if entry.parent else None
        if parent is not None:
            parent.children.append(entry)
        else:
            roots.append(entry)
    return roots


def _kernel_menus(register: Callable[..., None]) -> None:
    """The kernel's own screens for administrators (users and groups, background work, e-mail)."""
    admin = "kernel.group_admin"
    register("kernel.settings", _("Settings"), None, sequence=1000, group=admin)
    register("kernel.users", _("Users"), "/settings/users", "kernel.settings", 1, admin)
    register("kernel.groups", _("Groups"), "/settings/groups", "kernel.settings", 2, admin)
    register("kernel.jobs", _("Scheduled jobs"), "/settings/jobs", "kernel.settings", 10, admin)
    register("kernel.outbox", _("Outbox"), "/settings/outbox", "kernel.settings", 20, admin)
    register("kernel.mail", _("E-mail"), "/settings/mail", "kernel.settings", 30, admin)


def visible_menus(roots: list[MenuEntry], allowed: Callable[[str | None], bool]) -> list[MenuEntry]:
    """The menu tree as one user sees it: entries of groups they lack are gone, empty parents too."""
    shown: list[MenuEntry] = []
    for entry in roots:
        if not allowed(entry.group):
            continue
        children = visible_menus(entry.children, allowed)
        if entry.children and not children and not entry.url:
            continue
        shown.append(
            MenuEntry(
                entry.key,
                entry.label,
                entry.url,
                entry.parent,
                entry.sequence,
                entry.group,
                children,
            )
        )
    return shown


@dataclass
class Widget:
    key: str
    title: Any
    render: Callable[[Env], Any]
    group: str | None = None


def collect_widgets(registry: Registry) -> list[Widget]:
    widgets: list[Widget] = []

    def register(
        key: str, title: Any, render: Callable[[Env], Any], group: str | None = None
    ) -> None:
        widgets.append(Widget(key, title, render, group))

    KernelHooks(registry.pm).register_dashboard_widgets(register=register)
    return widgets


@dataclass
class FormPanel:
    key: str
    model: str
    render: Callable[[Env, Any], Any]
    group: str | None = None


def collect_form_panels(registry: Registry) -> list[FormPanel]:
    """The panels the installed addons show on forms (``register_form_panels``)."""
    panels: list[FormPanel] = []

    def register(
        key: str, model: str, render: Callable[[Env, Any], Any], group: str | None = None
    ) -> None:
        panels.append(FormPanel(key, model, render, group))

    KernelHooks(registry.pm).register_form_panels(register=register)
    return panels


# --- filters ---------------------------------------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def money(amount: Any, currency_code: str | None = "CNY") -> str:
    """``¥1,234.50`` / ``CN¥1,234.50`` for the locale; rounded half-up to the currency's digits."""
    value = _decimal(amount)
    if value is None:
        return ""
    code = (currency_code or "CNY").upper()
    digits = get_currency_precision(code)
    quantized = value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return format_currency(quantized, code, locale=i18n.babel_locale(), currency_digits=True)


def number(value: Any, digits: int | None = None) -> str:
    dec = _decimal(value)
    if dec is None:
        return ""
    if digits is not None:
        return i18n.format_amount(dec, digits)
    return format_decimal(dec, locale=i18n.babel_locale())


def filesize(size: Any) -> str:
    """A file's size as people read it: ``13 B``, ``4.2 KB``, ``1.5 MB`` (locale digits)."""
    count = int(size or 0)
    if count < 1024:
        return f"{number(count, 0)} B"
    if count < 1024 * 1024:
        return f"{number(Decimal(count) / 1024, 1)} KB"
    return f"{number(Decimal(count) / (1024 * 1024), 1)} MB"


def quantity(value: Any) -> str:
    """Quantities without noise: ``12``, ``12.5``, ``0.125`` (trailing zeros dropped)."""
    dec = _decimal(value)
    if dec is None:
        return ""
    return format_decimal(dec, format="#,##0.######", locale=i18n.babel_locale())


def date(value: Any, fmt: str = "medium") -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = _to_user_tz(value).date()
    return format_date(value, format=fmt, locale=i18n.babel_locale())


def _to_user_tz(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(get_timezone(_tz.get()))


def datetime(value: Any, fmt: str = "medium") -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, dt.datetime):
        return date(value, fmt)
    return format_datetime(_to_user_tz(value), format=fmt, locale=i18n.babel_locale())


def label(value: Any) -> str:
    return text_of(value)


FILTERS: dict[str, Callable[..., Any]] = {
    "money": money,
    "number": number,
    "quantity": quantity,
    "date": date,
    "datetime": datetime,
    "filesize": filesize,
    "label": label,
}


# --- the environment -------------------------------------------------------------------------


class _RegistryLoader(BaseLoader):
    """Delegates to a ChoiceLoader rebuilt whenever the instance's registry changes."""

    def __init__(self, instance: Instance, extra_dirs: list[Path]) -> None:
        self.instance = instance
        self.extra_dirs = extra_dirs
        self._key: int | None = None
        self._loader: ChoiceLoader | None = None

    def stale(self) -> bool:
        return self._key != id(self.instance.registry)

    def current(self) -> ChoiceLoader:
        registry = self.instance.registry
        if self._loader is None or self._key != id(registry):
            dirs = [*addon_template_dirs(registry), *self.extra_dirs, KERNEL_TEMPLATES]
            self._loader = ChoiceLoader([FileSystemLoader(str(d)) for d in dirs])
            self._key = id(registry)
        return self._loader

    def get_source(self, environment: Environment, template: str) -> Any:
        return self.current().get_source(environment, template)

    def list_templates(self) -> list[str]:
        return self.current().list_templates()


#: the instance's template environment for pages (made on its first page)
WEB_JINJA: Slot[Environment | None] = Slot("kernel.web.jinja", lambda: None)


def make_environment(instance: Instance, extra_dirs: list[Path] | None = None) -> Environment:
    env = Environment(
        loader=_RegistryLoader(instance, list(extra_dirs or [])),
        autoescape=select_autoescape(("html", "htm", "xml", "jinja"), default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        auto_reload=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda message: i18n.gettext(message),
        lambda singular, plural, n: i18n.ngettext(singular, plural, n),
        newstyle=True,
    )
    env.filters.update(FILTERS)
    env.globals["product_name"] = PRODUCT_NAME
    return env


def jinja_env(connection: ASGIConnection[Any, Any, Any, Any]) -> Environment:
    """The app's environment, its template cache emptied when the addon set changed.

    (Jinja caches compiled templates per loader and name; a newly installed addon
    may override a template that is already cached.)
    """
    from kernel.web.context import instance_of

    instance = instance_of(connection)
    env = instance.cache.peek(WEB_JINJA)
    if env is None:  # one per instance: its loader finds the templates of its registry
        env = make_environment(instance)
        instance.cache.set(WEB_JINJA, env)
    loader = env.loader
    if isinstance(loader, _RegistryLoader) and loader.stale():
        if env.cache is not None:
            env.cache.clear()
        loader.current()
    return env


def csrf_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    token = ScopeState.from_scope(connection.scope).csrf_token
    return token if isinstance(token, str) else ""


# --- rendering -------------------------------------------------------------------------------


def shell_context(
    connection: ASGIConnection[Any, Any, Any, Any], env: Env | None
) -> dict[str, Any]:
    """What every page knows: the user, their menus, language, CSRF token, the request."""
    from kernel.web.context import principal, request_lang, take_flashes

    found = principal(connection)
    menus: list[MenuEntry] = []
    if env is not None and found is not None:
        registry = env.registry
        roots = collect_menus(registry)
        menus = visible_menus(roots, lambda group: group is None or env.has_group(group))
    return {
        "user": found,
        "menus": menus,
        "lang": request_lang(connection),
        "csrf_token": csrf_token(connection),
        "request": connection,
        "current_path": connection.url.path,
        "messages": take_flashes(connection) if not _is_htmx(connection) else [],
    }


def _is_htmx(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    """Fragments swapped into a page have no message area: keep the flashes for a full page."""
    return connection.headers.get("hx-request") == "true" and not connection.headers.get(
        "hx-boosted"
    )


def render_string(
    connection: ASGIConnection[Any, Any, Any, Any],
    template_name: str,
    context: dict[str, Any] | None = None,
    *,
    env: Env | None = None,
) -> str:
    """Render a template to text with the shell context (see :func:`render`)."""
    from kernel.web.context import principal, request_lang, request_tz, unit_for

    lang = request_lang(connection)
    with i18n.use_locale(lang):
        token = _tz.set(request_tz(connection))
        try:
            if env is None and principal(connection) is not None:
                with unit_for(connection, readonly=True) as own_env:
                    data = {**shell_context(connection, own_env), **(context or {})}
                    return jinja_env(connection).get_template(template_name).render(data)
            data = {**shell_context(connection, env), **(context or {})}
            return jinja_env(connection).get_template(template_name).render(data)
        finally:
            _tz.reset(token)


def render(
    connection: ASGIConnection[Any, Any, Any, Any],
    template_name: str,
    context: dict[str, Any] | None = None,
    *,
    env: Env | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response[str]:
    """An HTML response of ``template_name``; pass ``env`` when a unit is already open."""
    html = render_string(connection, template_name, context, env=env)
    shown = connection.scope.get("state", {}).pop("suanpan_flash_shown", None)
    background = None
    if shown is not None:
        from kernel.web.context import instance_of
        from kernel.web.sessions import clear_flash

        instance = instance_of(connection)

        async def forget_shown() -> None:
            await anyio.to_thread.run_sync(lambda: clear_flash(instance, shown[0], shown[1]))

        background = BackgroundTask(forget_shown)
    return Response(
        content=html,
        status_code=status_code,
        media_type="text/html; charset=utf-8",
        headers=headers,
        background=background,
    )


def render_markup(text: str) -> Markup:
    return Markup(text)

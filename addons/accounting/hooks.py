"""accounting's own hook implementations: screens, menus and the dashboard."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kernel import hookimpl


@hookimpl
def registry_ready(registry: Any) -> None:
    from addons.accounting.triggers import attach

    attach(registry.metadata)


@hookimpl
def addon_uninstalling(env: Any, addon: str) -> None:
    if addon == "accounting":
        from addons.accounting.triggers import drop_functions

        drop_functions(env)


@hookimpl
def register_views(register: Callable[..., None]) -> None:
    from addons.accounting.views import VIEWS

    for view in VIEWS:
        register(view)


@hookimpl
def register_menus(register: Callable[..., None]) -> None:
    from addons.accounting.views import MENUS

    for entry in MENUS:
        register(**entry)


@hookimpl
def register_dashboard_widgets(register: Callable[..., None]) -> None:
    from addons.accounting.services.alerts import render_alerts_widget
    from kernel.i18n import _

    register(
        "accounting.alerts",
        _("Accounting alerts"),
        render_alerts_widget,
        group="accounting.group_user",
    )


@hookimpl
def register_template_dirs(register: Callable[..., None]) -> None:
    register(Path(__file__).parent / "templates")


@hookimpl
def register_routes(register: Callable[..., None]) -> None:
    from addons.accounting.routes import ROUTES

    for handler in ROUTES:
        register(handler)


@hookimpl
def register_document_links(register: Callable[..., None]) -> None:
    from addons.accounting.links import LINKS

    for link in LINKS:
        register(link)

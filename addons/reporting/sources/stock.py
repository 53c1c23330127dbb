"""Inventory analysis screen and menus (applied when stock is installed)."""

from __future__ import annotations

from collections.abc import Callable

from kernel import hookimpl
from kernel.i18n import _


@hookimpl
def register_routes(register: Callable[..., None]) -> None:
    from addons.reporting.analyses.inventory_report import ROUTES

    for handler in ROUTES:
        register(handler)


@hookimpl
def register_menus(register: Callable[..., None]) -> None:
    from addons.reporting.analyses.dashboards import register_menu

    register_menu(register, "warehouse")
    register("reporting.stock", _("Inventory"), None, parent="reporting", sequence=25)
    register(
        "reporting.stock.inventory",
        _("Inventory analysis"),
        "/reporting/inventory",
        parent="reporting.stock",
        sequence=1,
        group="stock.group_user",
    )


@hookimpl
def register_dashboard_widgets(register: Callable[..., None]) -> None:
    from addons.reporting.analyses.role_widgets import render_warehouse

    register(
        "reporting.warehouse",
        _("Warehouse key figures"),
        render_warehouse,
        group="stock.group_user",
    )

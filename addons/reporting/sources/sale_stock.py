"""Delivery performance screen and menu (applied when sales_order and stock are installed:
the ``shipped`` milestone comes from stock, the promise from the sales order)."""

from __future__ import annotations

from collections.abc import Callable

from kernel import hookimpl
from kernel.i18n import _


@hookimpl
def register_routes(register: Callable[..., None]) -> None:
    from addons.reporting.analyses.delivery_report import ROUTES

    for handler in ROUTES:
        register(handler)


@hookimpl
def register_menus(register: Callable[..., None]) -> None:
    register(
        "reporting.sales.delivery",
        _("Delivery performance"),
        "/reporting/delivery",
        parent="reporting.sales",
        sequence=5,
        group="sales_order.group_user",
    )


@hookimpl
def register_dashboard_widgets(register: Callable[..., None]) -> None:
    from addons.reporting.analyses.role_widgets import render_sales_manager

    register(
        "reporting.sales_manager",
        _("Sales manager key figures"),
        render_sales_manager,
        group="sales_order.group_manager",
    )

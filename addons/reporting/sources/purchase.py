"""Pivot declaration for purchase orders (applied when purchase is installed)."""

from __future__ import annotations

from collections.abc import Callable

from kernel import hookimpl
from kernel.i18n import _
from kernel.web.views import Measure, Pivot, ViewExtension

from .common import periods

ORDER_PIVOT = Pivot(
    title=_("Purchase orders"),
    measures=[
        Measure("amount_untaxed"),
        Measure("amount_total"),
        Measure("", "count", _("Number of orders")),
    ],
    dimensions=[
        "partner_id",
        "buyer_id",
        "state",
        "receipt_status",
        "warehouse_id",
        *periods("date_order"),
    ],
    currency="currency_id",
    rows=["partner_id"],
    cols=["date_order:quarter"],
)


@hookimpl
def register_views(register: Callable[..., None]) -> None:
    register(ViewExtension(model="purchase.order", pivot=ORDER_PIVOT))


@hookimpl
def register_routes(register: Callable[..., None]) -> None:
    from addons.reporting.analyses.purchasing_report import ROUTES

    for handler in ROUTES:
        register(handler)


@hookimpl
def register_menus(register: Callable[..., None]) -> None:
    from addons.reporting.analyses.dashboards import register_menu

    register_menu(register, "purchasing")
    register("reporting.purchase", _("Purchasing"), None, parent="reporting", sequence=30)
    register(
        "reporting.purchase.analysis",
        _("Purchase analysis"),
        "/reporting/purchase",
        parent="reporting.purchase",
        sequence=1,
        group="purchase.group_user",
    )
    register(
        "reporting.purchase.orders",
        _("Purchase orders"),
        "/reporting/pivot/purchase/orders",
        parent="reporting.purchase",
        sequence=10,
        group="purchase.group_user",
    )


@hookimpl
def register_dashboard_widgets(register: Callable[..., None]) -> None:
    from addons.reporting.analyses.role_widgets import render_purchasing

    register(
        "reporting.purchasing",
        _("Purchasing key figures"),
        render_purchasing,
        group="purchase.group_user",
    )

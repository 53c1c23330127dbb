"""Pivot declarations for sales orders and their lines (applied when sales_order is installed).

Why reporting declares them and not sales_order: sales_order stays free of any
reporting concern, and reporting installs alone on base — this module is only
imported by ``register`` behind ``when=("sales_order",)``. Order lines get a
read-only list screen here: a pivot cell over lines drills down to the lines it sums.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from kernel import hookimpl
from kernel.i18n import _
from kernel.web.views import (
    Filter,
    FormView,
    ListView,
    Measure,
    Pivot,
    Section,
    View,
    ViewExtension,
)

from .common import periods

CONFIRMED = ("approved", "in_progress", "completed", "closed")


def _order_state(*states: str) -> Callable[[Any, Any], Any]:
    def where(env: Any, Model: Any) -> Any:
        Order = env["sale.order"]
        return Model.order_id.in_(select(Order.id).where(Order.state.in_(states)))

    return where


def _confirmed(env: Any, Model: Any) -> Any:
    return Model.state.in_(CONFIRMED)


ORDER_PIVOT = Pivot(
    title=_("Sales orders"),
    measures=[
        Measure("amount_untaxed"),
        Measure("amount_total"),
        Measure("amount_total", "avg"),
        Measure("", "count", _("Number of orders")),
    ],
    dimensions=[
        "partner_id",
        "partner_id.customer_group_id",
        "partner_id.state_id",
        "salesperson_id",
        "state",
        "company_id",
        *periods("date_order"),
    ],
    currency="currency_id",
    rows=["date_order:month"],
    cols=["state"],
)

LINE_PIVOT = Pivot(
    title=_("Sales order lines"),
    measures=[
        Measure("price_subtotal"),
        Measure("price_total"),
        Measure("quantity"),
        Measure("price_unit", "avg"),
        Measure("", "count", _("Number of lines")),
    ],
    dimensions=[
        "product_id",
        "product_id.category_id",
        "order_id.partner_id",
        "order_id.salesperson_id",
        "order_id.state",
        *periods("order_id.date_order"),
    ],
    currency="order_id.currency_id",
    rows=["product_id.category_id"],
    cols=["order_id.date_order:quarter"],
)

LINE_VIEW = View(
    model="sale.order.line",
    url="reporting/sale-lines",
    title=_("Sales order lines"),
    create=False,
    list=ListView(
        columns=["order_id", "product_id", "quantity", "uom_id", "price_unit", "price_subtotal"],
        search=["name", "product_id", "order_id"],
        filters=[
            Filter("confirmed", _("Confirmed orders"), _order_state(*CONFIRMED)),
            Filter("quotations", _("Quotations"), _order_state("draft", "submitted")),
        ],
        group_by=["product_id", "order_id"],
        sums=["quantity", "price_subtotal", "price_total"],
    ),
    form=FormView(
        sections=[
            Section(
                None,
                ["order_id", "product_id", "name", "quantity", "uom_id", "price_unit", "discount"],
            ),
            Section(_("Amounts"), ["price_subtotal", "price_tax", "price_total"]),
        ],
        readonly=True,
    ),
    pivot=LINE_PIVOT,
)

ORDER_EXTENSION = ViewExtension(
    model="sale.order",
    filters=[Filter("confirmed", _("Confirmed orders"), _confirmed)],
    pivot=ORDER_PIVOT,
)


@hookimpl
def register_views(register: Callable[..., None]) -> None:
    register(ORDER_EXTENSION)
    register(LINE_VIEW)


@hookimpl
def register_routes(register: Callable[..., None]) -> None:
    from addons.reporting.analyses.board_routes import ROUTES as BOARD_ROUTES
    from addons.reporting.analyses.routes import ROUTES
    from addons.reporting.forecast.routes import ROUTES as FORECAST_ROUTES

    for handler in [*ROUTES, *BOARD_ROUTES, *FORECAST_ROUTES]:
        register(handler)


@hookimpl
def register_menus(register: Callable[..., None]) -> None:
    from addons.reporting.analyses.dashboards import register_menu

    register_menu(register, "sales")
    register("reporting.sales", _("Sales"), None, parent="reporting", sequence=20)
    register(
        "reporting.sales.analysis",
        _("Sales analysis"),
        "/reporting/sales",
        parent="reporting.sales",
        sequence=1,
        group="sales_order.group_user",
    )
    register(
        "reporting.sales.cycle",
        _("Order cycle"),
        "/reporting/cycle",
        parent="reporting.sales",
        sequence=3,
        group="sales_order.group_user",
    )
    register(
        "reporting.sales.tracking",
        _("Tracking board"),
        "/reporting/tracking",
        parent="reporting.sales",
        sequence=5,
        group="sales_order.group_user",
    )
    register(
        "reporting.sales.customers",
        _("Customers analysis"),
        "/reporting/customers",
        parent="reporting.sales",
        sequence=2,
        group="sales_order.group_user",
    )
    register(
        "reporting.sales.forecast",
        _("Demand forecast"),
        "/reporting/forecast",
        parent="reporting.sales",
        sequence=4,
        group="sales_order.group_user",
    )
    register(
        "reporting.sales.orders",
        _("Sales orders"),
        "/reporting/pivot/sales/orders",
        parent="reporting.sales",
        sequence=10,
        group="sales_order.group_user",
    )
    register(
        "reporting.sales.lines",
        _("Sales by product"),
        "/reporting/pivot/reporting/sale-lines",
        parent="reporting.sales",
        sequence=20,
        group="sales_order.group_user",
    )


@hookimpl
def register_form_panels(register: Callable[..., None]) -> None:
    from addons.reporting.analyses.cycle import render_panel

    register("reporting.order_tracking", "sale.order", render_panel)


@hookimpl
def register_dashboard_widgets(register: Callable[..., None]) -> None:
    from addons.reporting.analyses.widgets import render_sales_widget

    register(
        "reporting.sales_month",
        _("Sales this month"),
        render_sales_widget,
        group="sales_order.group_user",
    )

"""sales_order's own hook implementations: its checks, screens, menus and dashboard."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kernel import hookimpl

if TYPE_CHECKING:
    from addons.sales_order.types import CheckResult
    from kernel.env import Env


@hookimpl
def sale_order_checks(env: Env, order: Any) -> list[CheckResult]:
    from addons.sales_order.services import checks

    return [
        *checks.credit_check(env, order),
        *checks.margin_check(env, order),
        *checks.compliance_check(env, order),
    ]


@hookimpl
def register_views(register: Callable[..., None]) -> None:
    from addons.sales_order.views import VIEWS

    for view in VIEWS:
        register(view)


@hookimpl
def register_menus(register: Callable[..., None]) -> None:
    from addons.sales_order.views import MENUS

    for entry in MENUS:
        register(**entry)


@hookimpl
def register_dashboard_widgets(register: Callable[..., None]) -> None:
    from addons.sales_order.services.exceptions import render_open_exceptions_widget
    from kernel.i18n import _

    register(
        "sales_order.open_exceptions",
        _("Open order exceptions"),
        render_open_exceptions_widget,
        group="base.group_user",
    )


@hookimpl
def register_routes(register: Callable[..., None]) -> None:
    from addons.sales_order.routes import ROUTES

    for handler in ROUTES:
        register(handler)

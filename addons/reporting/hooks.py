"""reporting's contributions to the web host: routes, menus, templates and its script."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kernel import hookimpl

HERE = Path(__file__).parent


@hookimpl
def register_routes(register: Callable[..., None]) -> None:
    from addons.reporting.analyses.dashboard_routes import ROUTES as DASHBOARD_ROUTES
    from addons.reporting.routes import ROUTES

    for handler in [*ROUTES, *DASHBOARD_ROUTES]:
        register(handler)


@hookimpl
def register_template_dirs(register: Callable[..., None]) -> None:
    register(HERE / "templates")


@hookimpl
def register_static_dirs(register: Callable[..., None]) -> None:
    register("reporting", HERE / "static")


@hookimpl
def register_menus(register: Callable[..., None]) -> None:
    from kernel.i18n import _

    register("reporting", _("Reporting"), "/reporting", sequence=80, group="base.group_user")
    # each role's entry is added by the part of its addon (dashboards.register_menu)
    register("reporting.dashboards", _("Dashboards"), None, parent="reporting", sequence=5)
    register(
        "reporting.pivots",
        _("Pivot analysis"),
        "/reporting",
        parent="reporting",
        sequence=10,
        group="base.group_user",
    )

"""stock's implementations of kernel hooks: screens, menus, the reorder job, CLI, dashboard."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from kernel import hookimpl
from kernel.cli_common import instance_options, pass_instance
from kernel.i18n import _


@hookimpl
def register_views(register: Callable[..., None]) -> None:
    from addons.stock.views import (
        PRODUCT_EXTENSION,
        SALE_ORDER_EXTENSION,
        SALE_ORDER_LINE_EXTENSION,
        VIEWS,
    )

    for view in VIEWS:
        register(view)
    register(PRODUCT_EXTENSION)
    register(SALE_ORDER_EXTENSION)
    register(SALE_ORDER_LINE_EXTENSION)


@hookimpl
def register_menus(register: Callable[..., None]) -> None:
    from addons.stock.views import register_menus as menus

    menus(register)


def reorder_job(env: Any) -> None:
    """Scheduled: raise replenishment for products under their minimum."""
    from addons.stock.services.reorder import run_reorder_rules

    run_reorder_rules(env)


@hookimpl
def register_jobs(register: Callable[..., None]) -> None:
    register("stock.reorder_rules", reorder_job, 3600)


@hookimpl
def register_dashboard_widgets(register: Callable[..., None]) -> None:
    from addons.stock.dashboard import render_alerts

    register("stock.alerts", _("Inventory alerts"), render_alerts, group="stock.group_user")


@click.command("stock-reorder")
@instance_options
@pass_instance
def reorder_command(instance: Any) -> None:
    """Run the reorder rules now and print the replenishment requests raised."""
    from addons.stock.services.reorder import run_reorder_rules

    raised = instance.run(run_reorder_rules, None, su=True)
    for item in raised:
        click.echo(
            f"product #{item.product_id} warehouse #{item.warehouse_id}: "
            f"{item.quantity:f} → {item.reference or '-'}"
        )
    click.echo(str(_("%(count)s replenishment requests raised", count=len(raised))))


@hookimpl
def register_cli_commands(register: Callable[..., None]) -> None:
    register(reorder_command)


@hookimpl
def register_routes(register: Callable[..., None]) -> None:
    from addons.stock.routes import ROUTES

    for handler in ROUTES:
        register(handler)


@hookimpl
def register_document_links(register: Callable[..., None]) -> None:
    from addons.stock.links import LINKS

    for link in LINKS:
        register(link)

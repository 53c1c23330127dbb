"""delivery's implementations of kernel hooks: screens, menus, routes, templates."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kernel import hookimpl


@hookimpl
def register_views(register: Callable[..., None]) -> None:
    from addons.delivery.views import PICKING_EXTENSION, VIEWS

    for view in VIEWS:
        register(view)
    register(PICKING_EXTENSION)


@hookimpl
def register_menus(register: Callable[..., None]) -> None:
    from addons.delivery.views import register_menus as menus

    menus(register)


@hookimpl
def register_routes(register: Callable[..., None]) -> None:
    from addons.delivery.routes import ROUTES

    for route in ROUTES:
        register(route)


@hookimpl
def register_template_dirs(register: Callable[..., None]) -> None:
    register(Path(__file__).parent / "templates")


@hookimpl
def addon_uninstalling(env: Any, addon: str) -> None:
    """The Shipping product stays, as an ordinary product, when documents name it."""
    if addon != "delivery":
        return
    from sqlalchemy import select

    Data = env.registry["ir.model.data"]
    row = env.session.scalar(
        select(Data).where(Data.addon == "delivery", Data.name == "product_shipping")
    )
    if row is None:
        return
    product_table = env["product.product"].__table__
    for table in env.registry.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if (
                fk.column.table is product_table
                and env.session.execute(
                    select(fk.parent).where(fk.parent == row.res_id).limit(1)
                ).first()
            ):
                env.session.delete(row)
                return

"""Manufacturing's implementations of kernel and stock hooks."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from kernel import hookimpl
from kernel.i18n import _

if TYPE_CHECKING:
    from kernel.env import Env


@hookimpl(tryfirst=True)
def stock_replenish(
    env: Env,
    product_id: int,
    warehouse_id: int,
    quantity: Decimal,
    origin_model: str,
    origin_id: int | None,
) -> str | None:
    """A "make" product short in stock (reorder rule, sales shortage, a parent production
    order) gets a confirmed production order instead of a purchase requisition.

    ``tryfirst``: asked before purchase, which answers for every purchasable product.
    Products bought, or without a bill to make them, are left to the others (``None``).
    """
    from addons.mrp.services.replenish import replenish

    return replenish(env, product_id, warehouse_id, quantity, origin_model, origin_id)


@hookimpl
def stock_reservation_changed(env: Env, moves: list[Any]) -> None:
    """Component lines show what is reserved; the order what it still waits for."""
    from addons.mrp.services.production import ORIGIN, refresh_status

    ids = sorted({m.origin_id for m in moves if m.origin_model == ORIGIN and m.origin_id})
    if ids:
        with env.sudo("reservations made by whoever moved stock update the orders they serve"):
            refresh_status(env, ids)


@hookimpl
def register_views(register: Any) -> None:
    from addons.mrp import views_quality, workcenter_views
    from addons.mrp.views import VIEWS

    for view in [*VIEWS, *workcenter_views.VIEWS, *views_quality.VIEWS]:
        register(view)


@hookimpl
def register_menus(register: Any) -> None:
    from addons.mrp import workcenter_views
    from addons.mrp.views import register_menus as menus

    menus(register)
    workcenter_views.register_menus(register)
    register("mrp.inspections", _("Inspections"), "/app/mrp/inspections", parent="mrp", sequence=15)


@hookimpl
def register_form_panels(register: Any) -> None:
    from addons.mrp.services.structure import render_structure

    register("mrp.bom_structure", "mrp.bom", render_structure)
    from addons.mrp.services.genealogy_panel import render_genealogy

    register("mrp.lot_genealogy", "stock.lot", render_genealogy)


@hookimpl
def register_routes(register: Any) -> None:
    from addons.mrp.routes import ROUTES

    for handler in ROUTES:
        register(handler)


@hookimpl
def register_template_dirs(register: Any) -> None:
    from pathlib import Path

    register(Path(__file__).parent / "templates")

"""Screens and menus of manufacturing."""

from __future__ import annotations

from typing import Any

from addons.mrp.views_quality import (
    FINISHED_LOTS,
    INSPECT,
    QUALITY_FIELDS,
    QUALITY_LINES,
    QUALITY_OUTCOMES,
)
from addons.mrp.workcenter_views import (
    BOM_OPERATION_LINES,
    COST_SECTION,
    OPERATION_ACTIONS,
    OPERATION_LINES,
)
from kernel.i18n import _
from kernel.web.views import (
    Action,
    Filter,
    FormView,
    Lines,
    Link,
    ListView,
    Param,
    Section,
    View,
    ViewExtension,
)


def _scrap(env: Any, records: list[Any], params: dict[str, Any]) -> Any:
    from addons.mrp.services.scrap import scrap

    for production in records:
        scrap(env, production, params["product_id"], params["quantity"], params.get("reason") or "")
    return records[0] if records else None


def _scrap_choices(env: Any, records: list[Any]) -> list[tuple[int, str]]:
    from addons.mrp.services.scrap import scrappable

    return scrappable(env, records[0]) if records else []


SCRAP = Action(
    "scrap",
    _("Scrap"),
    _scrap,
    params=(
        Param(
            "product_id",
            _("Product"),
            "many2one",
            relation="product.product",
            choices=_scrap_choices,
        ),
        Param("quantity", _("Quantity"), "quantity"),
        Param("reason", _("Reason"), required=False),
    ),
    group="mrp.group_user",
    states=("confirmed", "in_progress", "quality", "done"),
    help=_("Goods spoilt during production go to the scrap location; the order keeps their cost"),
)

BOM = View(
    model="mrp.bom",
    url="mrp/boms",
    title=_("Bills of materials"),
    list=ListView(
        columns=["code", "product_id", "quantity", "uom_id", "type", "active"],
        search=["code"],
        filters=[
            Filter("kits", _("Kits"), lambda env, M: M.type == "phantom"),
            Filter("archived", _("Archived"), lambda env, M: M.active.is_(False)),
        ],
        group_by=["product_id", "type"],
        order="product_id",
    ),
    form=FormView(
        sections=[
            Section(None, ["product_id", "code", "quantity", "uom_id", "type"]),
            Section(
                _("Options"),
                ["sequence", "active", "date_start", "date_end", "company_id", "note"],
            ),
        ],
        lines=[
            Lines(
                "lines",
                ["product_id", "quantity", "uom_id", "scrap_percent"],
                _("Components"),
            ),
            Lines(
                "byproducts",
                ["product_id", "quantity", "uom_id", "cost_share"],
                _("By-products"),
            ),
            Lines(
                "quality_points",
                ["sequence", "name", "instructions", "operation_id"],
                _("Inspection points"),
            ),
            BOM_OPERATION_LINES,
        ],
    ),
)


def _produce_part(env: Any, records: list[Any], params: dict[str, Any]) -> Any:
    from addons.mrp.services.production import produce_part

    backorders = [produce_part(env, production, params["quantity"]) for production in records]
    return next((b for b in backorders if b is not None), records[0] if records else None)


PRODUCE_PART = Action(
    "produce_part",
    _("Produce part"),
    _produce_part,
    params=(Param("quantity", _("Quantity"), "quantity"),),
    group="mrp.group_user",
    states=("confirmed", "in_progress"),
    help=_("Finish this quantity now; the rest goes to a new order with its reservations"),
)

PRODUCTION = View(
    model="mrp.production",
    url="mrp/productions",
    title=_("Production orders"),
    list=ListView(
        columns=[
            "name",
            "product_id",
            "quantity",
            "uom_id",
            "date_planned",
            "component_status",
            "origin",
            "state",
        ],
        search=["name", "origin"],
        filters=[
            Filter("open", _("Open"), lambda env, M: M.state.in_(("confirmed", "in_progress"))),
            Filter(
                "waiting",
                _("Waiting for components"),
                lambda env, M: (
                    M.state.in_(("confirmed", "in_progress"))
                    & M.component_status.in_(("waiting", "partial"))
                ),
            ),
            Filter(
                "ready", _("Ready to produce"), lambda env, M: M.component_status == "available"
            ),
            Filter("quality", _("To inspect"), lambda env, M: M.state == "quality"),
            Filter("done", _("Done"), lambda env, M: M.state == "done"),
        ],
        group_by=["product_id", "state", "component_status"],
        order="-id",
    ),
    form=FormView(
        sections=[
            Section(
                None,
                [
                    "name",
                    "product_id",
                    "bom_id",
                    "quantity",
                    "uom_id",
                    "warehouse_id",
                    "date_planned",
                    "user_id",
                    "origin",
                ],
            ),
            Section(
                _("Progress"),
                [
                    "component_status",
                    "date_start",
                    "date_done",
                    "qty_produced",
                    "backorder_of_id",
                    "duration_minutes",
                    *QUALITY_FIELDS,
                ],
            ),
            COST_SECTION,
            Section(_("Notes"), ["note", "cancel_reason"]),
        ],
        lines=[
            Lines(
                "components",
                [
                    "product_id",
                    "quantity",
                    "uom_id",
                    "reserved_qty",
                    "consumed_qty",
                    "scrapped_qty",
                    "price_unit",
                ],
                _("Components"),
                readonly=True,
            ),
            QUALITY_LINES,
            OPERATION_LINES,
        ],
        readonly_states=("confirmed", "in_progress", "quality", "done", "cancelled"),
        links=[Link(_("Print"), "/mrp/production/{id}/pdf")],
    ),
    actions=[PRODUCE_PART, SCRAP, INSPECT, FINISHED_LOTS, *OPERATION_ACTIONS],
    outcomes=QUALITY_OUTCOMES,
)

PRODUCT_EXTENSION = ViewExtension(
    model="product.product",
    form_section=Section(_("Manufacturing"), ["supply_route"]),
)


def _in_production(env: Any, M: Any) -> Any:
    """Sales orders waiting for goods being made for them."""
    from sqlalchemy import select

    Production = env["mrp.production"]
    return M.id.in_(
        select(Production.origin_id).where(
            Production.origin_model == "sale.order",
            Production.state.in_(("draft", "confirmed", "in_progress")),
        )
    )


# Shown where sales orders are installed (extensions of absent views are ignored).
SALE_ORDER_PRODUCTION = ViewExtension(
    model="sale.order",
    filters=[Filter("in_production", _("In production"), _in_production)],
    links=[Link(_("Production"), "/app/mrp/productions?q={name}")],
)

VIEWS = [BOM, PRODUCTION, PRODUCT_EXTENSION, SALE_ORDER_PRODUCTION]


def register_menus(register: Any) -> None:
    user = "mrp.group_user"
    register("mrp", _("Manufacturing"), "/app/mrp/productions", sequence=35, group=user)
    register(
        "mrp.productions",
        _("Production orders"),
        "/app/mrp/productions",
        parent="mrp",
        sequence=10,
    )
    register("mrp.boms", _("Bills of materials"), "/app/mrp/boms", parent="mrp", sequence=20)

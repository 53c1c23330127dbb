"""Screens of the Inventory menu (库存): stock on hand, transfers, moves, counts, rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from kernel.i18n import _
from kernel.web.views import Filter, FormView, Lines, Link, ListView, Section, View, ViewExtension


def _internal(env: Any, M: Any) -> Any:
    Location = env["stock.location"]
    return M.location_id.in_(select(Location.id).where(Location.usage == "internal"))


def _under_minimum(env: Any, M: Any) -> Any:
    """Rules whose forecast is under the minimum (computed by the reorder service)."""
    from addons.stock.services.reorder import under_minimum

    return M.id.in_([rule.id for rule, _forecast in under_minimum(env)] or [0])


def _late(env: Any, M: Any) -> Any:
    """Open demand not reserved yet whose customer date is today or past."""
    return (M.state == "waiting") & (M.date_deadline <= dt.date.today())


QUANT_VIEW = View(
    model="stock.quant",
    url="stock-on-hand",
    title=_("Stock on hand"),
    create=False,
    list=ListView(
        columns=["product_id", "location_id", "lot_id", "quantity", "reserved_quantity", "in_date"],
        search=["product_id", "location_id", "lot_id"],
        filters=[
            Filter("internal", _("Internal locations"), _internal),
            Filter("positive", _("In stock"), lambda env, M: M.quantity > 0),
            Filter("negative", _("Negative stock"), lambda env, M: M.quantity < 0),
            Filter("reserved", _("Reserved"), lambda env, M: M.reserved_quantity > 0),
        ],
        group_by=["product_id", "location_id"],
        sums=["quantity", "reserved_quantity"],
    ),
    form=FormView(
        sections=[
            Section(None, ["product_id", "location_id", "lot_id"]),
            Section(_("Quantities"), ["quantity", "reserved_quantity", "in_date"]),
        ]
    ),
)

PICKING_VIEW = View(
    model="stock.picking",
    url="transfers",
    title=_("Transfers"),
    list=ListView(
        columns=[
            "name",
            "picking_type",
            "partner_id",
            "origin",
            "scheduled_date",
            "location_id",
            "location_dest_id",
            "state",
        ],
        search=["name", "origin"],
        filters=[
            Filter("receipts", _("Receipts"), lambda env, M: M.picking_type == "incoming"),
            Filter("deliveries", _("Deliveries"), lambda env, M: M.picking_type == "outgoing"),
            Filter(
                "internal", _("Internal transfers"), lambda env, M: M.picking_type == "internal"
            ),
            Filter("ready", _("Ready"), lambda env, M: M.state == "ready"),
            Filter("waiting", _("Waiting"), lambda env, M: M.state == "waiting"),
            Filter("backorders", _("Backorders"), lambda env, M: M.backorder_of_id.is_not(None)),
        ],
        group_by=["picking_type", "state", "partner_id"],
    ),
    form=FormView(
        sections=[
            Section(None, ["name", "picking_type", "partner_id", "origin", "priority"]),
            Section(
                _("Where and when"),
                [
                    "location_id",
                    "location_dest_id",
                    "scheduled_date",
                    "date_done",
                    "backorder_of_id",
                ],
            ),
            Section(_("Notes"), ["note"]),
        ],
        lines=[
            Lines(
                "moves",
                [
                    "product_id",
                    "quantity",
                    "uom_id",
                    "lot_id",
                    "reserved_qty",
                    "quantity_done",
                    "state",
                ],
                _("Operations"),
            )
        ],
        readonly_states=("done", "cancelled"),
        links=[Link(_("Print"), "/stock/picking/{id}/pdf")],
    ),
)

MOVE_VIEW = View(
    model="stock.move",
    url="stock-moves",
    title=_("Stock moves"),
    create=False,
    list=ListView(
        columns=[
            "date",
            "reference",
            "product_id",
            "location_id",
            "location_dest_id",
            "product_qty",
            "reserved_qty",
            "price_unit",
            "state",
        ],
        search=["reference"],
        filters=[
            Filter("done", _("Done"), lambda env, M: M.state == "done"),
            Filter("open", _("Open"), lambda env, M: M.state.in_(("waiting", "available"))),
            Filter("late", _("Cannot be served by the requested date"), _late),
        ],
        group_by=["product_id", "state", "location_id", "location_dest_id"],
        sums=["product_qty", "reserved_qty"],
    ),
    form=FormView(
        sections=[
            Section(
                None, ["reference", "product_id", "quantity", "uom_id", "product_qty", "lot_id"]
            ),
            Section(_("Where"), ["location_id", "location_dest_id", "picking_id"]),
            Section(
                _("Status"),
                ["state", "reserved_qty", "date", "date_deadline", "date_done", "price_unit"],
            ),
        ]
    ),
)

WAREHOUSE_VIEW = View(
    model="stock.warehouse",
    url="warehouses",
    title=_("Warehouses"),
    list=ListView(columns=["name", "code", "company_id", "active"], search=["name", "code"]),
    form=FormView(sections=[Section(None, ["name", "code", "company_id", "active"])]),
)

LOCATION_VIEW = View(
    model="stock.location",
    url="locations",
    title=_("Locations"),
    list=ListView(
        columns=["full_name", "usage", "warehouse_id", "allow_negative", "active"],
        search=["full_name", "name"],
        filters=[
            Filter("internal", _("Internal"), lambda env, M: M.usage == "internal"),
            Filter("virtual", _("Virtual"), lambda env, M: M.usage.not_in(("internal", "view"))),
        ],
        group_by=["warehouse_id", "usage"],
    ),
    form=FormView(
        sections=[
            Section(None, ["name", "full_name", "parent_id", "usage", "role"]),
            Section(_("Rules"), ["warehouse_id", "company_id", "allow_negative", "active"]),
        ]
    ),
)

REORDER_VIEW = View(
    model="stock.reorder.rule",
    url="reorder-rules",
    title=_("Reorder rules"),
    list=ListView(
        columns=[
            "product_id",
            "warehouse_id",
            "minimum",
            "maximum",
            "multiple",
            "lead_days",
            "last_run_at",
            "last_request",
        ],
        search=["name"],
        filters=[Filter("under", _("Under minimum"), _under_minimum)],
        group_by=["warehouse_id"],
    ),
    form=FormView(
        sections=[
            Section(None, ["name", "product_id", "warehouse_id", "active"]),
            Section(_("Quantities"), ["minimum", "maximum", "multiple", "lead_days"]),
            Section(_("Last run"), ["last_run_at", "last_request"]),
        ]
    ),
)

INVENTORY_VIEW = View(
    model="stock.inventory",
    url="inventory-counts",
    title=_("Inventory counts"),
    list=ListView(columns=["name", "location_id", "date", "state"], search=["name"]),
    form=FormView(
        sections=[Section(None, ["name", "location_id", "date", "state"])],
        lines=[
            Lines("lines", ["product_id", "lot_id", "theoretical_qty", "counted_qty"], _("Counted"))
        ],
        readonly_states=("done", "cancelled"),
    ),
)

LOT_VIEW = View(
    model="stock.lot",
    url="lots",
    title=_("Lots / Serial numbers"),
    list=ListView(columns=["name", "product_id", "expiry_date"], search=["name"]),
    form=FormView(sections=[Section(None, ["name", "product_id", "expiry_date", "note"])]),
)

VIEWS = [
    QUANT_VIEW,
    PICKING_VIEW,
    MOVE_VIEW,
    WAREHOUSE_VIEW,
    LOCATION_VIEW,
    REORDER_VIEW,
    INVENTORY_VIEW,
    LOT_VIEW,
]

SALE_ORDER_EXTENSION = ViewExtension(
    model="sale.order",
    list_columns=["stock_status"],
    form_section=Section(_("Stock"), ["stock_status"]),
    filters=[Filter("short", _("Short of stock"), lambda env, M: M.stock_status == "short")],
)

PRODUCT_EXTENSION = ViewExtension(
    model="product.product",
    form_section=Section(_("Inventory"), ["tracking", "cost_method"]),
)

SALE_ORDER_LINE_EXTENSION = ViewExtension(
    model="sale.order.line",
    list_columns=["reserved_qty", "shortage_qty", "delivered_qty"],
)


def register_menus(register: Callable[..., None]) -> None:
    """The Inventory (库存) top menu; configuration entries for stock managers."""
    user = "stock.group_user"
    manager = "stock.group_manager"
    register("stock", _("Inventory"), None, sequence=30, group=user)
    entries: list[tuple[str, Any, str, int, str]] = [
        ("stock.on_hand", _("Stock on hand"), "/app/stock-on-hand?f=internal", 10, user),
        ("stock.transfers", _("Transfers"), "/app/transfers", 20, user),
        ("stock.receipts", _("Receipts"), "/app/transfers?f=receipts", 21, user),
        ("stock.deliveries", _("Deliveries"), "/app/transfers?f=deliveries", 22, user),
        ("stock.moves", _("Stock moves"), "/app/stock-moves", 30, user),
        ("stock.inventories", _("Inventory counts"), "/app/inventory-counts", 40, user),
        ("stock.lots", _("Lots / Serial numbers"), "/app/lots", 50, user),
        ("stock.late", _("Late reservations"), "/app/stock-moves?f=late", 60, user),
        ("stock.under_minimum", _("Under minimum"), "/app/reorder-rules?f=under", 70, user),
    ]
    for key, label, url, sequence, grp in entries:
        register(key, label, url, parent="stock", sequence=sequence, group=grp)
    register("stock.config", _("Configuration"), None, parent="stock", sequence=90, group=manager)
    config: list[tuple[str, Any, str]] = [
        ("stock.warehouses", _("Warehouses"), "/app/warehouses"),
        ("stock.locations", _("Locations"), "/app/locations"),
        ("stock.reorder_rules", _("Reorder rules"), "/app/reorder-rules"),
    ]
    for index, (key, label, url) in enumerate(config):
        register(key, label, url, parent="stock.config", sequence=10 + index, group=manager)

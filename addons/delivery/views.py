"""Screens of delivery: carriers with their price rules and transit times."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from kernel.i18n import _
from kernel.web.views import (
    Action,
    Filter,
    FormView,
    Lines,
    Link,
    ListView,
    Section,
    View,
    ViewExtension,
)


def _late(env: Any, M: Any) -> Any:
    """Not delivered although the expected arrival has passed."""
    return (M.state == "shipped") & (M.status != "delivered") & (M.eta < dt.date.today())


CARRIER_VIEW = View(
    model="delivery.carrier",
    url="carriers",
    title=_("Carriers"),
    list=ListView(
        columns=[
            "name",
            "code",
            "shipping_method",
            "fixed_price",
            "free_over",
            "transit_days",
            "cutoff_hour",
            "connector",
            "active",
        ],
        search=["name", "code"],
        filters=[Filter("active", _("Active"), lambda env, M: M.active.is_(True))],
        group_by=["shipping_method"],
    ),
    form=FormView(
        sections=[
            Section(None, ["name", "code", "shipping_method", "product_id", "connector", "active"]),
            Section(_("Price"), ["fixed_price", "free_over"]),
            Section(_("Schedule"), ["transit_days", "cutoff_hour", "tracking_url", "sequence"]),
        ],
        lines=[
            Lines(
                "price_rules",
                [
                    "sequence",
                    "country_id",
                    "state_id",
                    "weight_from",
                    "weight_to",
                    "price",
                    "price_per_kg",
                ],
                label=_("Price rules"),
            ),
            Lines("transit_times", ["country_id", "state_id", "days"], label=_("Transit times")),
        ],
    ),
)

ACCOUNT_VIEW = View(
    model="delivery.carrier.account",
    url="carrier-accounts",
    title=_("Carrier accounts"),
    list=ListView(columns=["carrier_id", "endpoint", "timeout_ms", "retries"], search=["endpoint"]),
    form=FormView(
        sections=[
            Section(None, ["carrier_id", "endpoint"]),
            Section(_("Credentials"), ["api_key", "webhook_secret"]),
            Section(_("Calls"), ["timeout_ms", "retries"]),
        ]
    ),
)


def _refresh(env: Any, records: list[Any], params: dict[str, Any]) -> Any:
    """Ask each shipment's carrier for its timeline (the events not recorded yet are added)."""
    from addons.delivery.services.booking import refresh_status

    for shipment in records:
        refresh_status(env, shipment)
    return records or None


REFRESH_STATUS = Action(
    "refresh_status",
    _("Refresh status"),
    _refresh,
    group="delivery.group_user",
    states=("shipped",),
    help=_("Fetch the latest tracking events from the carrier"),
)

PRICE_RULE_VIEW = View(
    model="delivery.price.rule",
    url="shipping-price-rules",
    title=_("Shipping price rules"),
    list=ListView(
        columns=[
            "carrier_id",
            "sequence",
            "country_id",
            "state_id",
            "weight_from",
            "weight_to",
            "price",
            "price_per_kg",
        ],
        search=["carrier_id"],
        group_by=["carrier_id"],
    ),
    form=FormView(
        sections=[
            Section(None, ["carrier_id", "sequence"]),
            Section(_("Destination"), ["country_id", "state_id"]),
            Section(_("Weight band"), ["weight_from", "weight_to"]),
            Section(_("Price"), ["price", "price_per_kg"]),
        ]
    ),
)

SHIPMENT_VIEW = View(
    model="delivery.shipment",
    url="shipments",
    title=_("Shipments"),
    create=False,
    list=ListView(
        columns=[
            "name",
            "tracking_number",
            "carrier_id",
            "partner_id",
            "origin",
            "ship_date",
            "eta",
            "status",
            "state",
        ],
        search=["name", "tracking_number", "origin"],
        filters=[
            Filter("today", _("Shipped today"), lambda env, M: M.ship_date == dt.date.today()),
            Filter(
                "in_transit",
                _("In transit"),
                lambda env, M: (M.state == "shipped") & (M.status != "delivered"),
            ),
            Filter("late", _("Late"), _late),
            Filter(
                "to_sign",
                _("Awaiting sign-off"),
                lambda env, M: (M.state == "shipped") & (M.status == "delivered"),
            ),
        ],
        group_by=["carrier_id", "status", "state"],
    ),
    form=FormView(
        sections=[
            Section(
                None,
                [
                    "name",
                    "tracking_number",
                    "carrier_reference",
                    "carrier_id",
                    "partner_id",
                    "origin",
                ],
            ),
            Section(_("Dates"), ["ship_date", "eta", "status"]),
            Section(_("Parcels"), ["package_count", "weight", "picking_id"]),
            Section(_("Proof of delivery"), ["signer_name", "signed_at", "note"]),
            Section(_("Refusal"), ["refusal_reason", "return_picking_id"]),
        ],
        lines=[
            Lines("events", ["time", "kind", "location", "description"], label=_("Timeline")),
            Lines("refusals", ["product_id", "quantity"], label=_("Refused goods")),
            Lines(
                "packages",
                ["name", "weight", "length", "width", "height"],
                label=_("Packages"),
                readonly=True,
            ),
        ],
        readonly_states=("signed", "cancelled"),
        links=[
            Link(_("Waybill"), "/delivery/shipment/{id}/waybill.pdf"),
            Link(_("Tracking page"), "/delivery/shipment/{id}/track"),
        ],
    ),
    actions=[REFRESH_STATUS],
)

PACKAGE_VIEW = View(
    model="delivery.package",
    url="packages",
    title=_("Packages"),
    list=ListView(
        columns=["picking_id", "name", "weight", "length", "width", "height", "shipment_id"],
        search=["name", "picking_id"],
        filters=[Filter("open", _("Not shipped"), lambda env, M: M.shipment_id.is_(None))],
        group_by=["picking_id"],
        sums=["weight"],
    ),
    form=FormView(
        sections=[
            Section(None, ["picking_id", "name", "shipment_id"]),
            Section(_("Size"), ["weight", "length", "width", "height"]),
        ]
    ),
)

HOLIDAY_VIEW = View(
    model="delivery.holiday",
    url="delivery-calendar",
    title=_("Working calendar"),
    list=ListView(columns=["date", "name", "working"], search=["name"]),
    form=FormView(sections=[Section(None, ["date", "name", "working"])]),
)

VIEWS: list[View] = [
    CARRIER_VIEW,
    ACCOUNT_VIEW,
    PRICE_RULE_VIEW,
    SHIPMENT_VIEW,
    PACKAGE_VIEW,
    HOLIDAY_VIEW,
]

PICKING_EXTENSION = ViewExtension(
    model="stock.picking",
    list_columns=["carrier_id"],
    form_section=Section(_("Delivery"), ["carrier_id"]),
)


def register_menus(register: Callable[..., None]) -> None:
    """Delivery entries under Inventory: the clerk's board, configuration for managers."""
    user = "delivery.group_user"
    manager = "delivery.group_manager"
    register("delivery", _("Delivery"), None, parent="stock", sequence=25, group=user)
    board: list[tuple[str, Any, str]] = [
        ("delivery.today", _("Shipped today"), "/app/shipments?f=today"),
        ("delivery.in_transit", _("In transit"), "/app/shipments?f=in_transit"),
        ("delivery.late", _("Late"), "/app/shipments?f=late"),
        ("delivery.to_sign", _("Awaiting sign-off"), "/app/shipments?f=to_sign"),
        ("delivery.shipments", _("Shipments"), "/app/shipments"),
        ("delivery.packages", _("Packages"), "/app/packages?f=open"),
    ]
    for index, (key, label, url) in enumerate(board):
        register(key, label, url, parent="delivery", sequence=10 + index, group=user)
    entries: list[tuple[str, Any, str, str, int]] = [
        ("delivery.calendar", _("Working calendar"), "/app/delivery-calendar", "stock.config", 42),
        ("delivery.carriers", _("Carriers"), "/app/carriers", "stock.config", 40),
        (
            "delivery.accounts",
            _("Carrier accounts"),
            "/app/carrier-accounts",
            "stock.config",
            43,
        ),
        (
            "delivery.price_rules",
            _("Shipping price rules"),
            "/app/shipping-price-rules",
            "stock.config",
            41,
        ),
    ]
    for key, label, url, parent, sequence in entries:
        register(key, label, url, parent=parent, sequence=sequence, group=manager)

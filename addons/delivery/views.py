"""Screens of delivery: carriers with their price rules and transit times."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kernel.i18n import _
from kernel.web.views import Filter, FormView, Lines, ListView, Section, View

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
            "active",
        ],
        search=["name", "code"],
        filters=[Filter("active", _("Active"), lambda env, M: M.active.is_(True))],
        group_by=["shipping_method"],
    ),
    form=FormView(
        sections=[
            Section(None, ["name", "code", "shipping_method", "product_id", "active"]),
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

VIEWS: list[View] = [CARRIER_VIEW, PRICE_RULE_VIEW]


def register_menus(register: Callable[..., None]) -> None:
    """Delivery entries under Inventory: configuration for delivery managers."""
    manager = "delivery.group_manager"
    entries: list[tuple[str, Any, str, str, int]] = [
        ("delivery.carriers", _("Carriers"), "/app/carriers", "stock.config", 40),
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

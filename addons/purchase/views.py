"""Screens and menus of purchasing."""

from __future__ import annotations

from typing import Any

from kernel.i18n import _
from kernel.web.views import Filter, FormView, Lines, Link, ListView, Section, View

PURCHASE_ORDER = View(
    model="purchase.order",
    url="purchase/orders",
    title=_("Purchase orders"),
    list=ListView(
        columns=[
            "name",
            "partner_id",
            "date_order",
            "expected_date",
            "amount_total",
            "receipt_status",
            "state",
        ],
        search=["name", "partner_ref"],
        filters=[
            Filter(
                "rfq", _("Requests for quotation"), lambda env, M: M.state.in_(("draft", "sent"))
            ),
            Filter("to_approve", _("To approve"), lambda env, M: M.state == "to_approve"),
            Filter("to_receive", _("To receive"), lambda env, M: M.state == "confirmed"),
        ],
        group_by=["partner_id", "state"],
        sums=["amount_total"],
        order="-date_order",
    ),
    form=FormView(
        sections=[
            Section(
                None,
                [
                    "name",
                    "partner_id",
                    "partner_ref",
                    "date_order",
                    "expected_date",
                    "warehouse_id",
                    "currency_id",
                ],
            ),
            Section(
                _("Totals"), ["amount_untaxed", "amount_tax", "amount_total", "receipt_status"]
            ),
            Section(_("Notes"), ["notes", "cancel_reason"]),
        ],
        lines=[
            Lines(
                "lines",
                [
                    "product_id",
                    "description",
                    "quantity",
                    "uom_id",
                    "price_unit",
                    "tax_id",
                    "price_subtotal",
                    "qty_received",
                    "qty_billed",
                ],
                _("Lines"),
            )
        ],
        readonly_states=("confirmed", "received", "done", "cancelled"),
        links=[Link(_("Print"), "/purchase/order/{id}/pdf")],
    ),
)

REQUISITION = View(
    model="purchase.requisition",
    url="purchase/requisitions",
    title=_("Purchase requisitions"),
    list=ListView(
        columns=[
            "name",
            "product_id",
            "quantity",
            "supplier_id",
            "required_date",
            "origin",
            "state",
        ],
        search=["name", "origin"],
        filters=[Filter("open", _("To buy"), lambda env, M: M.state == "draft")],
        group_by=["supplier_id", "state"],
        order="-id",
    ),
    form=FormView(
        sections=[
            Section(
                None,
                [
                    "name",
                    "product_id",
                    "quantity",
                    "uom_id",
                    "warehouse_id",
                    "supplier_id",
                    "required_date",
                    "origin",
                    "state",
                    "note",
                ],
            )
        ]
    ),
)

SUPPLIER_PRICE = View(
    model="purchase.supplier.price",
    url="purchase/supplier-prices",
    title=_("Supplier prices"),
    list=ListView(
        columns=[
            "partner_id",
            "product_id",
            "product_code",
            "min_qty",
            "price",
            "delay_days",
            "date_start",
            "date_end",
        ],
        search=["product_code"],
        group_by=["partner_id", "product_id"],
    ),
    form=FormView(
        sections=[
            Section(
                None,
                [
                    "partner_id",
                    "product_id",
                    "product_code",
                    "sequence",
                    "min_qty",
                    "price",
                    "currency_id",
                    "delay_days",
                    "date_start",
                    "date_end",
                    "active",
                ],
            )
        ]
    ),
)

VIEWS = [PURCHASE_ORDER, REQUISITION, SUPPLIER_PRICE]


def register_menus(register: Any) -> None:
    register(
        "purchase",
        _("Purchasing"),
        "/app/purchase/orders",
        sequence=40,
        group="purchase.group_user",
    )
    register(
        "purchase.orders",
        _("Purchase orders"),
        "/app/purchase/orders",
        parent="purchase",
        sequence=10,
    )
    register(
        "purchase.requisitions",
        _("Requisitions"),
        "/app/purchase/requisitions",
        parent="purchase",
        sequence=20,
    )
    register(
        "purchase.prices",
        _("Supplier prices"),
        "/app/purchase/supplier-prices",
        parent="purchase",
        sequence=30,
    )

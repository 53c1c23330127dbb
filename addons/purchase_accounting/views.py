"""Screens: the three-way match on the purchase order, purchase lines on the bill.

purchase's order form already shows ordered, received and billed quantities per
line; this adds the billing status, the order's bill lines and (through the
workflow) the "Create bill" button. The bill form gets its purchase lines, whose
quantities and prices drive its journal items while it is a draft.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from addons.accounting.views import MOVE_VIEW
from addons.purchase.views import PURCHASE_ORDER
from kernel.i18n import _
from kernel.web.views import Filter, Lines, Section, View, ViewExtension


def _purchase_bills(env: Any, Model: Any) -> Any:
    return Model.origin_model == "purchase.order"


def _to_bill(env: Any, Model: Any) -> Any:
    return Model.bill_status == "to_bill"


def _order_view() -> View:
    form = PURCHASE_ORDER.form
    listing = PURCHASE_ORDER.list
    return dataclasses.replace(
        PURCHASE_ORDER,
        list=dataclasses.replace(
            listing,
            columns=[*listing.columns, "bill_status"],
            filters=[*listing.filters, Filter("to_bill", _("To bill"), _to_bill)],
        ),
        form=dataclasses.replace(
            form,
            sections=[*form.sections, Section(_("Billing"), ["bill_status"])],
            lines=[
                *form.lines,
                # no bill number column: buyers read bill lines, not the journal entries
                Lines(
                    "bill_lines",
                    ["description", "quantity", "price_unit", "price_subtotal"],
                    _("Bill lines"),
                ),
            ],
        ),
    )


def _bill_view() -> View:
    form = MOVE_VIEW.form
    listing = MOVE_VIEW.list
    return dataclasses.replace(
        MOVE_VIEW,
        list=dataclasses.replace(
            listing,
            filters=[
                *listing.filters,
                Filter("purchase_bills", _("Purchase order bills"), _purchase_bills),
            ],
        ),
        form=dataclasses.replace(
            form,
            lines=[
                Lines(
                    "purchase_lines",
                    [
                        "order_line_id",
                        "description",
                        "quantity",
                        "price_unit",
                        "tax_id",
                        "price_subtotal",
                    ],
                    _("Purchase order lines"),
                ),
                *form.lines,
            ],
        ),
    )


COMPANY_EXTENSION = ViewExtension(
    "res.company", form_section=Section(_("Purchase bills"), ["purchase_bill_on_receipt"])
)

VIEWS: list[View | ViewExtension] = [_order_view(), _bill_view(), COMPANY_EXTENSION]

MENUS: list[dict[str, Any]] = [
    {
        "key": "purchase.bills",
        "label": _("Vendor bills"),
        "url": "/app/accounting/entries?f=purchase_bills",
        "parent": "purchase",
        "sequence": 15,
        "group": "accounting.group_user",
    },
]

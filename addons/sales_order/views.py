"""Screens of sales orders and their configuration (generic list/form views) and menus."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, exists

from kernel.i18n import _
from kernel.web.views import Filter, FormView, Lines, Link, ListView, Outcome, Section, View


def _state(*states: str) -> Any:
    return lambda env, Model: Model.state.in_(states)


def _this_month(env: Any, Model: Any) -> Any:
    today = dt.date.today()
    return Model.date_order >= today.replace(day=1)


def _mine(env: Any, Model: Any) -> Any:
    return Model.salesperson_id == env.uid


def _overdue(env: Any, Model: Any) -> Any:
    return and_(Model.due_date < dt.date.today(), Model.status != "resolved")


def _rejected(env: Any, Model: Any) -> Any:
    return and_(Model.state == "draft", Model.reject_reason != "")


def _blocked(env: Any, Model: Any) -> Any:
    Check = env["sale.order.check"]
    return and_(
        Model.state == "submitted",
        exists().where(Check.order_id == Model.id, Check.severity == "block"),
    )


def _blocked_reason(order: Any) -> str:
    from addons.sales_order.services.checks import blocking_messages

    return "; ".join(blocking_messages(order))


# What a bare state would hide: back in draft because a manager said no, or stuck.
ORDER_OUTCOMES = [
    Outcome("rejected", _("Rejected"), _rejected, lambda o: o.reject_reason),
    Outcome("blocked", _("Blocked"), _blocked, _blocked_reason, style="warning"),
    Outcome(
        "cancelled",  # the list's own "Cancelled" filter stays
        _("Cancelled"),
        lambda env, M: M.state == "cancelled",
        lambda o: o.cancel_reason,
        style="secondary",
        badge=False,
    ),
]

ORDER_VIEW = View(
    model="sale.order",
    url="sales/orders",
    title=_("Sales Orders"),
    list=ListView(
        columns=[
            "name",
            "date_order",
            "partner_id",
            "salesperson_id",
            "requested_date",
            "amount_untaxed",
            "amount_total",
            "currency_id",
            "state",
        ],
        search=["name", "partner_id", "salesperson_id", "contact_name"],
        filters=[
            Filter("mine", _("My orders"), _mine),
            Filter("draft", _("Quotations"), _state("draft")),
            Filter("to_approve", _("To approve"), _state("submitted")),
            Filter("running", _("In progress"), _state("approved", "in_progress")),
            Filter("done", _("Done"), _state("completed", "closed")),
            Filter("cancelled", _("Cancelled"), _state("cancelled")),
            Filter("this_month", _("This month"), _this_month),
        ],
        group_by=["partner_id", "salesperson_id", "state", "date_order:month"],
        sums=["amount_untaxed", "amount_tax", "amount_total"],
        order="-date_order,-id",
    ),
    form=FormView(
        sections=[
            Section(
                _("Customer"),
                ["partner_id", "contact_name", "phone", "shipping_partner_id", "shipping_address"],
            ),
            Section(
                _("Order"),
                [
                    "name",
                    "date_order",
                    "salesperson_id",
                    "company_id",
                    "currency_id",
                    "payment_method",
                    "payment_term_id",
                    "requested_date",
                    "shipping_method",
                ],
            ),
            Section(None, ["note"]),
            Section(
                _("Review"),
                [
                    "reject_reason",
                    "cancel_reason",
                    "auto_approved",
                    "approved_by_id",
                    "approved_at",
                ],
            ),
            Section(_("Totals"), ["amount_untaxed", "amount_tax", "amount_total"]),
        ],
        lines=[
            Lines(
                "lines",
                [
                    "product_id",
                    "name",
                    "quantity",
                    "uom_id",
                    "price_unit",
                    "discount",
                    "tax_id",
                    "price_subtotal",
                    "price_total",
                    "price_source",
                    "pricing_rule_id",
                    "below_cost_reason",
                ],
                label=_("Order lines"),
            ),
            # read-only: sales users may only read check results (see data/security.toml)
            Lines("checks", ["severity", "message"], label=_("Checks"), readonly=True),
            # recorded and handled on their own screen (Sales › Exceptions)
            Lines(
                "exceptions",
                ["kind", "description", "group_id", "due_date", "status"],
                label=_("Exceptions"),
                readonly=True,
            ),
        ],
        readonly_states=(
            "submitted",
            "approved",
            "in_progress",
            "completed",
            "closed",
            "cancelled",
        ),
        links=[Link(_("Print"), "/sales/order/{id}/pdf")],
    ),
    outcomes=ORDER_OUTCOMES,
)

EXCEPTION_VIEW = View(
    model="sale.order.exception",
    url="sales/exceptions",
    title=_("Order exceptions"),
    list=ListView(
        columns=["order_id", "kind", "description", "group_id", "due_date", "status"],
        search=["description"],
        filters=[
            Filter("open", _("Open"), lambda env, M: M.status.in_(("open", "in_progress"))),
            Filter("overdue", _("Overdue"), _overdue),
        ],
        group_by=["kind", "status", "group_id"],
        order="due_date,id",
    ),
    form=FormView(
        sections=[
            Section(None, ["order_id", "kind", "description", "group_id", "due_date"]),
            Section(_("Handling"), ["status", "resolution", "reported_by_id", "reported_at"]),
        ]
    ),
)

PRICELIST_VIEW = View(
    model="sale.pricelist",
    url="sales/pricelists",
    title=_("Price lists"),
    list=ListView(columns=["name", "active"]),
    form=FormView(
        sections=[Section(None, ["name", "active"])],
        lines=[
            Lines(
                "rules",
                [
                    "name",
                    "priority",
                    "partner_id",
                    "customer_group_id",
                    "product_id",
                    "category_id",
                    "min_quantity",
                    "date_start",
                    "date_end",
                    "kind",
                    "fixed_price",
                    "discount",
                    "margin",
                    "surcharge",
                ],
                label=_("Rules"),
            )
        ],
    ),
)

RESTRICTION_VIEW = View(
    model="sale.restriction",
    url="sales/restrictions",
    title=_("Sales restrictions"),
    list=ListView(
        columns=["country_id", "product_id", "category_id", "reason", "active"], search=["reason"]
    ),
    form=FormView(
        sections=[Section(None, ["country_id", "product_id", "category_id", "reason", "active"])]
    ),
)

AUTOAPPROVE_VIEW = View(
    model="sale.autoapprove.rule",
    url="sales/autoapprove",
    title=_("Auto-approval rules"),
    list=ListView(
        columns=["name", "max_total", "max_receivable", "require_clean_checks", "active"]
    ),
    form=FormView(
        sections=[
            Section(None, ["name", "max_total", "max_receivable", "require_clean_checks", "active"])
        ]
    ),
)

VIEWS = [ORDER_VIEW, EXCEPTION_VIEW, PRICELIST_VIEW, RESTRICTION_VIEW, AUTOAPPROVE_VIEW]

MENUS: list[dict[str, Any]] = [
    {
        "key": "sales",
        "label": _("Sales"),
        "url": "/app/sales/orders",
        "sequence": 20,
        "group": "sales_order.group_user",
    },
    {
        "key": "sales.orders",
        "label": _("Orders"),
        "url": "/app/sales/orders",
        "parent": "sales",
        "sequence": 10,
        "group": "sales_order.group_user",
    },
    {
        "key": "sales.to_approve",
        "label": _("To approve"),
        "url": "/app/sales/orders?f=to_approve",
        "parent": "sales",
        "sequence": 20,
        "group": "sales_order.group_manager",
    },
    {
        "key": "sales.exceptions",
        "label": _("Exceptions"),
        "url": "/app/sales/exceptions",
        "parent": "sales",
        "sequence": 30,
        "group": "base.group_user",
    },
    {
        "key": "sales.pricelists",
        "label": _("Price lists"),
        "url": "/app/sales/pricelists",
        "parent": "sales",
        "sequence": 40,
        "group": "sales_order.group_user",
    },
    {
        "key": "sales.restrictions",
        "label": _("Sales restrictions"),
        "url": "/app/sales/restrictions",
        "parent": "sales",
        "sequence": 50,
        "group": "sales_order.group_manager",
    },
    {
        "key": "sales.autoapprove",
        "label": _("Auto-approval rules"),
        "url": "/app/sales/autoapprove",
        "parent": "sales",
        "sequence": 60,
        "group": "sales_order.group_manager",
    },
]

"""Screens and menus of purchasing."""

from __future__ import annotations

from typing import Any

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


def _create_rfqs(env: Any, records: list[Any], params: dict[str, Any]) -> Any:
    from addons.purchase.services.requisitions import create_rfqs

    ids = [r.id for r in records] if records else None
    orders = create_rfqs(env, ids)
    if not orders:
        from kernel.errors import ValidationError

        raise ValidationError(_("there are no open requisitions to turn into RFQs"))
    return orders


def _link_order(env: Any, records: list[Any], params: dict[str, Any]) -> Any:
    from addons.purchase.services.requisitions import link_order

    orders = [link_order(env, req, params["order_id"]) for req in records]
    return orders[0] if orders else None


def _open_orders(env: Any, records: list[Any]) -> list[tuple[int, str]]:
    """Orders a requisition can join: drafts, sent RFQs, and orders with its product."""
    from sqlalchemy import select

    Order = env["purchase.order"]
    Line = env["purchase.order.line"]
    query = select(Order).where(Order.state.in_(("draft", "sent", "to_approve", "confirmed")))
    if records:
        product_ids = {r.product_id for r in records}
        has_product = select(Line.order_id).where(Line.product_id.in_(product_ids))
        query = query.where(Order.state.in_(("draft", "sent")) | Order.id.in_(has_product))
    rows = env.session.scalars(query.order_by(Order.id.desc()).limit(50)).all()
    return [(o.id, f"{o.name} — {o.partner.name}") for o in rows]


CREATE_RFQS = Action(
    "create_rfqs",
    _("Create RFQs"),
    _create_rfqs,
    group="purchase.group_user",
    states=("draft",),
    on_list=True,
    help=_("One draft RFQ per supplier from the open requisitions, at the supplier's prices"),
)
LINK_ORDER = Action(
    "link_order",
    _("Link to purchase order"),
    _link_order,
    params=(
        Param(
            "order_id",
            _("Purchase order"),
            "many2one",
            relation="purchase.order",
            choices=_open_orders,
        ),
    ),
    group="purchase.group_user",
    states=("draft", "rfq"),
    help=_("A purchase order made by hand serves this requisition when it is received"),
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
                    "order_line_id",
                    "note",
                ],
            )
        ]
    ),
    actions=[CREATE_RFQS, LINK_ORDER],
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


def _to_buy(env: Any, M: Any) -> Any:
    """Sales orders waiting for goods being bought for them."""
    from sqlalchemy import select

    Req = env["purchase.requisition"]
    return M.id.in_(
        select(Req.origin_id).where(
            Req.origin_model == "sale.order", Req.state.in_(("draft", "rfq", "ordered"))
        )
    )


# Shown where sales orders are installed (extensions of absent views are ignored).
SALE_ORDER_BUYING = ViewExtension(
    model="sale.order",
    filters=[Filter("to_buy", _("To buy"), _to_buy)],
    links=[Link(_("Purchases"), "/app/purchase/requisitions?q={name}")],
)

VIEWS = [PURCHASE_ORDER, REQUISITION, SUPPLIER_PRICE, SALE_ORDER_BUYING]


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

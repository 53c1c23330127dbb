"""Requisitions and purchase orders linked from the documents they serve, and back."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kernel.i18n import _
from kernel.web.related import DocumentLink


def _orders_of_requisition(env: Any, Order: Any, requisition: Any) -> Any:
    Line = env["purchase.order.line"]
    return Order.id.in_(select(Line.order_id).where(Line.id == requisition.order_line_id))


def _orders_of_sale(env: Any, Order: Any, sale: Any) -> Any:
    Line = env["purchase.order.line"]
    Requisition = env["purchase.requisition"]
    return Order.id.in_(
        select(Line.order_id)
        .join(Requisition, Requisition.order_line_id == Line.id)
        .where(Requisition.origin_model == "sale.order", Requisition.origin_id == sale.id)
    )


def _requisitions_of_order(env: Any, Requisition: Any, order: Any) -> Any:
    Line = env["purchase.order.line"]
    return Requisition.order_line_id.in_(select(Line.id).where(Line.order_id == order.id))


LINKS = [
    DocumentLink(
        "sale.order",
        "purchase.requisition",
        _("Requisitions"),
        domain=lambda order: {"origin_model": "sale.order", "origin_id": order.id},
        key="requisitions",
    ),
    DocumentLink(
        "sale.order",
        "purchase.order",
        _("Purchase orders"),
        where=_orders_of_sale,
        milestones=("procured",),
        key="purchase_orders",
    ),
    DocumentLink(
        "purchase.requisition",
        "purchase.order",
        _("Purchase orders"),
        where=_orders_of_requisition,
        key="purchase_orders",
    ),
    DocumentLink(
        "purchase.order",
        "purchase.requisition",
        _("Requisitions"),
        where=_requisitions_of_order,
        key="requisitions",
    ),
]

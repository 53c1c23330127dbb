"""Documents a stock transfer is related to, for the forms' "related documents" strip."""

from __future__ import annotations

from typing import Any

from kernel.i18n import _
from kernel.web.related import DocumentLink


def _from(model: str) -> Any:
    return lambda record: {"origin_model": model, "origin_id": record.id}


LINKS = [
    DocumentLink(
        "sale.order",
        "stock.picking",
        _("Deliveries"),
        domain=_from("sale.order"),
        milestones=("reserved", "shipped"),
        key="deliveries",
    ),
    DocumentLink(
        "purchase.order",
        "stock.picking",
        _("Receipts"),
        domain=_from("purchase.order"),
        milestones=("received",),
        key="receipts",
    ),
]

"""A refusal at the door, or a shipment cancelled before it moved, becomes an exception on
the sales order, for the sales managers.

Why an exception and not a change of the order: what happens next (a credit note,
a replacement, shipping again, cancelling the order) is a person's decision. The
goods are already on their way back (delivery made the return receipt); the
exception says what came back, why, and with which receipt, and stays open until
handled.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from addons.sales_order.services.exceptions import report_exception
from kernel import hookimpl
from kernel.i18n import _, text_of

ORIGIN = "sale.order"
OWNER = "sales_order.group_manager"


def _goods(shipment: Any) -> str:
    parts = []
    for line in shipment.refusals:
        quantity = Decimal(line.quantity).normalize()
        parts.append(f"{quantity:f} × {line.product.name}")
    return ", ".join(parts)


@hookimpl
def delivery_shipment_refused(env: Any, shipment: Any, return_picking: Any) -> None:
    if shipment.origin_model != ORIGIN or not shipment.origin_id:
        return
    with env.sudo("a refusal at the door is reported to the sales managers of the order"):
        order = env.get(ORIGIN, shipment.origin_id)
        report_exception(
            env,
            order,
            "complaint",
            text_of(
                _(
                    "Shipment %(shipment)s: the customer refused %(goods)s (%(reason)s); "
                    "return receipt %(receipt)s",
                    shipment=shipment.name,
                    goods=_goods(shipment),
                    reason=shipment.refusal_reason.strip(),
                    receipt=return_picking.name,
                )
            ),
            OWNER,
        )


@hookimpl
def delivery_shipment_cancelled(env: Any, shipment: Any, return_picking: Any, reason: str) -> None:
    if shipment.origin_model != ORIGIN or not shipment.origin_id:
        return
    with env.sudo("a cancelled shipment is reported to the sales managers of the order"):
        order = env.get(ORIGIN, shipment.origin_id)
        report_exception(
            env,
            order,
            "other",
            text_of(
                _(
                    "Shipment %(shipment)s was cancelled (%(reason)s); the goods come back on "
                    "receipt %(receipt)s: ship them again or cancel the order",
                    shipment=shipment.name,
                    reason=reason,
                    receipt=return_picking.name,
                )
            ),
            OWNER,
        )

"""Cancelling a shipment before the carrier moved it: the booking is cancelled with the
carrier (connector hook) and the goods go back to stock on a return receipt.

Why only before it moved: once the carrier reports it in transit, the goods are on
the road and come back by a refusal or a return, not by a cancellation. Why a
return receipt: the delivery transfer is done (stock counts the goods as with the
customer); the receipt puts them back when the warehouse takes them in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from addons.delivery.hookspecs import DeliveryHooks
from addons.delivery.services.booking import cancel_booking
from addons.delivery.services.refusal import delivered_quantities, return_goods
from kernel.i18n import _

if TYPE_CHECKING:
    from kernel.env import Env
    from kernel.workflow import Move


def not_moving(env: Env, shipment: Any) -> Any:
    """Guard of Cancel: the carrier has not reported the goods on their way."""
    if shipment.status != "picked_up":
        return _("the carrier has the goods on their way: refuse or return them instead")
    return None


def cancel_shipment(env: Env, shipment: Any, move: Move) -> None:
    """Action of Cancel: cancel with the carrier, bring the goods back, tell others."""
    cancel_booking(env, shipment)
    back = return_goods(env, shipment, delivered_quantities(env, shipment), move.reason)
    DeliveryHooks(env).delivery_shipment_cancelled(
        env=env, shipment=shipment, return_picking=back, reason=move.reason
    )

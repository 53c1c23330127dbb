"""Proof of delivery: the recipient's sign-off closes the shipment's timeline."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from addons.delivery.hookspecs import DeliveryHooks
from addons.delivery.services.refusal import refuse
from kernel import utcnow
from kernel.i18n import _

if TYPE_CHECKING:
    from kernel.env import Env
    from kernel.workflow import Move


def signer_named(env: Env, shipment: Any) -> Any:
    """Guard of Sign: who took the goods must be recorded."""
    if not (shipment.signer_name or "").strip():
        return _("Signed by: enter the name of the person who took the goods")
    return None


def record_signature(env: Env, shipment: Any, move: Move) -> None:
    """Stamp the time (unless staff entered it), close the timeline with Delivered, tell others;
    goods listed as refused go back with a return receipt (:mod:`.refusal`)."""
    Event = env["delivery.tracking.event"]
    if shipment.signed_at is None:
        shipment.signed_at = utcnow()
    if shipment.status != "delivered":
        env.session.add(
            Event(
                shipment_id=shipment.id,
                time=shipment.signed_at,
                kind="delivered",
            )
        )
    env.session.flush()
    DeliveryHooks(env).delivery_shipment_signed(env=env, shipment=shipment)
    refuse(env, shipment)

"""Hooks offered by delivery: what other addons learn about shipments.

A delivery transfer (``stock.picking``, outgoing) with a carrier becomes a
``delivery.shipment`` when it is validated (inside ``stock_picking_done``); the
recipient's signature (transition ``sign``) closes it. ``sale_delivery`` (glue of
delivery and sales_order) implements all three: with it, an order shipped by a
carrier expects the ``signed`` milestone and completes at the signature instead of
at shipment. All are called with keyword arguments only, inside the unit of work
of the operation that caused them: raising rolls the whole operation back.
Implementations in addons that do not depend on delivery must be marked
``@hookimpl(optionalhook=True)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kernel import hookspec
from kernel.hooks import HookFacade

if TYPE_CHECKING:
    from kernel.env import Env


@hookspec(firstresult=True)
def delivery_carrier_for_picking(env: Env, picking: Any) -> int | None:
    """The carrier id for a delivery transfer that names none itself.

    Taken from its source document (``picking.origin_model`` / ``origin_id``):
    sale_delivery answers with the sales order's carrier. ``None`` when unknown.
    Called inside the validation transaction; read-only.
    """


@hookspec
def delivery_shipment_created(env: Env, shipment: Any) -> None:
    """A validated delivery became ``shipment``, inside the validation transaction.

    The tracking number, tracking token, ship date and ETA are set and the packages
    attached. Raising refuses the validation. Return value is ignored.
    """


@hookspec
def delivery_shipment_signed(env: Env, shipment: Any) -> None:
    """The recipient signed for ``shipment``, inside the signing transaction.

    ``signer_name`` and ``signed_at`` are recorded and the timeline closed with
    *delivered*. sale_delivery reaches the order's ``signed`` milestone once every
    shipment of the order is signed. Return value is ignored.
    """


# --- Typed calls ------------------------------------------------------------


class DeliveryHooks(HookFacade):
    """Typed calls of the hooks above (see :class:`kernel.hooks.HookFacade`)."""

    __slots__ = ()

    def delivery_carrier_for_picking(self, *, env: Env, picking: Any) -> int | None:
        answer: int | None = self._hook.delivery_carrier_for_picking(env=env, picking=picking)
        return answer

    def delivery_shipment_created(self, *, env: Env, shipment: Any) -> None:
        self._hook.delivery_shipment_created(env=env, shipment=shipment)

    def delivery_shipment_signed(self, *, env: Env, shipment: Any) -> None:
        self._hook.delivery_shipment_signed(env=env, shipment=shipment)

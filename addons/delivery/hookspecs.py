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

Carrier connectors (book, fetch status, cancel) are ``firstresult`` hooks: every
connector implements them and answers only for the carriers whose ``connector``
column names it (``None`` otherwise), so the first answer is the carrier's own
connector's. delivery ships two (:mod:`addons.delivery.connectors`): ``manual``
(own fleet: numbers made here, status entered by staff) and ``http_json`` (a
reference connector for a generic JSON carrier API, over httpx with timeouts and
bounded retries). A connector that cannot reach its carrier raises
:class:`addons.delivery.errors.CarrierUnavailable` (503, nothing written); one whose
carrier refuses the request raises :class:`kernel.errors.ValidationError` (422)
with the carrier's reason. Both reach the user in their language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from addons.delivery.types import Booking, StatusUpdate
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


@hookspec
def delivery_shipment_refused(env: Env, shipment: Any, return_picking: Any) -> None:
    """The recipient refused some or all of ``shipment``'s goods when signing.

    Called inside the signing transaction, after ``delivery_shipment_signed``:
    ``shipment.refusals`` lists the refused products and quantities,
    ``shipment.refusal_reason`` says why, and ``return_picking`` is the (confirmed)
    receipt that brings them back to the warehouse. sale_delivery raises an
    exception on the sales order. Return value is ignored.
    """


@hookspec
def delivery_shipment_cancelled(env: Env, shipment: Any, return_picking: Any, reason: str) -> None:
    """``shipment`` was cancelled before the carrier moved it (transition ``cancel``).

    Called inside the cancelling transaction, after the carrier's booking was
    cancelled (``delivery_cancel_shipment``): ``return_picking`` is the confirmed
    receipt bringing the goods back to stock, ``reason`` what the user gave.
    sale_delivery raises an exception on the sales order (ship again or cancel).
    Return value is ignored.
    """


# --- Carrier connectors -----------------------------------------------------


@hookspec(firstresult=True)
def delivery_book_shipment(env: Env, carrier: Any, shipment: Any) -> Booking | None:
    """Book ``shipment`` with ``carrier``; the first non-``None`` answer wins.

    Called inside the validation transaction of the delivery, once the shipment
    has its number, dates, recipient and packages (``shipment.packages``) but no
    tracking number yet. Answer only when ``carrier.connector`` is yours: a
    :class:`~addons.delivery.types.Booking` with the tracking number and, if the
    carrier made one, its label (stored as an attachment of the shipment).
    Raising refuses the validation (see the module docstring for which error).
    """


@hookspec(firstresult=True)
def delivery_fetch_status(env: Env, carrier: Any, shipment: Any) -> list[StatusUpdate] | None:
    """The timeline of ``shipment`` as ``carrier`` knows it now (when staff refresh it).

    Answer only for your connector: the carrier's events, oldest first, as
    :class:`~addons.delivery.types.StatusUpdate` (an empty list when it has none).
    delivery appends those whose ``event_id`` it has not recorded yet, so returning
    the whole history every time is fine. Read-only towards the database.
    """


@hookspec(firstresult=True)
def delivery_cancel_shipment(env: Env, carrier: Any, shipment: Any) -> bool | None:
    """Cancel the booking of ``shipment`` with ``carrier`` (before pickup).

    Called inside the cancelling transaction. Answer ``True`` when the carrier
    cancelled it (or there was nothing to cancel), for your connector only; raise
    when the carrier refuses (the goods were picked up already) so the shipment
    stays as it is.
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

    def delivery_shipment_refused(self, *, env: Env, shipment: Any, return_picking: Any) -> None:
        self._hook.delivery_shipment_refused(
            env=env, shipment=shipment, return_picking=return_picking
        )

    def delivery_shipment_cancelled(
        self, *, env: Env, shipment: Any, return_picking: Any, reason: str
    ) -> None:
        self._hook.delivery_shipment_cancelled(
            env=env, shipment=shipment, return_picking=return_picking, reason=reason
        )

    def delivery_book_shipment(self, *, env: Env, carrier: Any, shipment: Any) -> Booking | None:
        answer: Booking | None = self._hook.delivery_book_shipment(
            env=env, carrier=carrier, shipment=shipment
        )
        return answer

    def delivery_fetch_status(
        self, *, env: Env, carrier: Any, shipment: Any
    ) -> list[StatusUpdate] | None:
        answer: list[StatusUpdate] | None = self._hook.delivery_fetch_status(
            env=env, carrier=carrier, shipment=shipment
        )
        return answer

    def delivery_cancel_shipment(self, *, env: Env, carrier: Any, shipment: Any) -> bool | None:
        answer: bool | None = self._hook.delivery_cancel_shipment(
            env=env, carrier=carrier, shipment=shipment
        )
        return answer

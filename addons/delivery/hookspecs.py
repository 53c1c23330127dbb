"""Hooks offered by delivery (documented in docs/addon-guide.md)."""

from __future__ import annotations

from typing import Any

from kernel import hookspec


@hookspec(firstresult=True)
def delivery_carrier_for_picking(env: Any, picking: Any) -> int | None:
    """*firstresult.* The carrier id for a delivery transfer that names none itself,
    from its source document (sale_delivery answers with the sales order's carrier).
    Called inside the validation transaction; read-only."""


@hookspec
def delivery_shipment_created(env: Any, shipment: Any) -> None:
    """A validated delivery became ``shipment`` (tracking number, ship date, ETA set);
    inside the validation transaction. Raising refuses the validation."""


@hookspec
def delivery_shipment_signed(env: Any, shipment: Any) -> None:
    """The recipient signed for ``shipment`` (signer name and time recorded), inside the
    signing transaction; sale_delivery reaches the order's ``signed`` milestone."""

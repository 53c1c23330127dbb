"""What the public tracking page shows: only the shipment's own progress, no prices,
no addresses beyond the destination city, no other customer's data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from addons.delivery.selections import EVENT_KINDS, SHIPMENT_STATES

if TYPE_CHECKING:
    from kernel.env import Env


@dataclass
class PublicEvent:
    time: dt.datetime
    kind: str
    label: str
    location: str
    description: str


@dataclass
class PublicShipment:
    reference: str
    carrier: str
    tracking_number: str
    status: str
    status_label: str
    state_label: str
    signed: bool
    signed_at: dt.datetime | None
    ship_date: dt.date
    eta: dt.date
    city: str
    items: list[tuple[str, Decimal]] = field(default_factory=list)
    events: list[PublicEvent] = field(default_factory=list)


def find(env: Env, token: str) -> PublicShipment | None:
    """The shipment of ``token`` as the customer may see it, or None (unknown or malformed)."""
    if not token or len(token) > 64:
        return None
    Shipment = env["delivery.shipment"]
    shipment = env.session.scalars(select(Shipment).where(Shipment.tracking_token == token)).first()
    if shipment is None:
        return None
    kinds = dict(EVENT_KINDS)
    states = dict(SHIPMENT_STATES)
    Move = env["stock.move"]
    moves = env.session.scalars(
        select(Move).where(Move.picking_id == shipment.picking_id, Move.state == "done")
    ).all()
    lang = env.lang or "en"
    products = env.browse("product.product", {m.product_id for m in moves})

    def name(product: Any) -> str:
        return str((product.name_zh if lang.startswith("zh") else "") or product.name)

    return PublicShipment(
        reference=shipment.origin or shipment.name,
        carrier=shipment.carrier.name,
        tracking_number=shipment.tracking_number,
        status=shipment.status,
        status_label=str(kinds.get(shipment.status, shipment.status)),
        state_label=str(states.get(shipment.state, shipment.state)),
        signed=shipment.state == "signed",
        signed_at=shipment.signed_at,
        ship_date=shipment.ship_date,
        eta=shipment.eta,
        city=(shipment.partner.city or "") if shipment.partner is not None else "",
        items=[(name(products[m.product_id]), m.quantity_done or m.quantity) for m in moves],
        events=[
            PublicEvent(e.time, e.kind, str(kinds.get(e.kind, e.kind)), e.location, e.description)
            for e in sorted(shipment.events, key=lambda e: (e.time, e.id), reverse=True)
        ],
    )

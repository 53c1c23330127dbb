"""Shipments: made when a delivery transfer with a carrier is validated.

The ship date honours the carrier's pickup cut-off in the validating user's time
zone; the ETA adds the carrier's transit days to the destination on the working
calendar. The packages of the transfer go with the shipment.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from addons.delivery.hookspecs import DeliveryHooks
from addons.delivery.services.booking import book
from addons.delivery.services.calendar import add_working_days, load_calendar, ship_day
from addons.delivery.services.pricing import Destination, transit_days
from addons.delivery.services.tracking import new_token
from kernel import utcnow

if TYPE_CHECKING:
    from kernel.env import Env

ZERO = Decimal(0)


def carrier_of(env: Env, picking: Any) -> Any | None:
    """The transfer's carrier, else the one its source document names (through a hook)."""
    carrier_id = picking.carrier_id
    if carrier_id is None:
        carrier_id = DeliveryHooks(env).delivery_carrier_for_picking(env=env, picking=picking)
    return env.get("delivery.carrier", carrier_id) if carrier_id else None


def plan_dates(
    env: Env, carrier: Any, dest: Destination, moment: dt.datetime
) -> tuple[dt.date, dt.date]:
    """(ship date, ETA) for goods handed over at ``moment``."""
    local = moment.astimezone(ZoneInfo(env.tz or "UTC"))
    days = transit_days(env, carrier, dest)
    calendar = load_calendar(env, local.date(), days + 1)
    shipped = ship_day(local, int(carrier.cutoff_hour), calendar)
    return shipped, add_working_days(shipped, days, calendar)


def create_shipment(env: Env, picking: Any, carrier: Any) -> Any:
    """The shipment of a validated delivery, its packages and the first timeline event."""
    Package = env["delivery.package"]
    Shipment = env["delivery.shipment"]
    Event = env["delivery.tracking.event"]
    packages = list(
        env.session.scalars(
            select(Package).where(Package.picking_id == picking.id, Package.shipment_id.is_(None))
        )
    )
    partner = env.get("res.partner", picking.partner_id) if picking.partner_id else None
    now = utcnow()
    ship_date, eta = plan_dates(env, carrier, Destination.of_partner(partner), now)
    name = env.next_number("delivery.shipment", picking.company_id)
    shipment = Shipment(
        name=name,
        state="shipped",
        status="picked_up",
        picking_id=picking.id,
        carrier_id=carrier.id,
        partner_id=picking.partner_id,
        company_id=picking.company_id,
        origin=picking.origin or "",
        origin_model=picking.origin_model or "",
        origin_id=picking.origin_id,
        tracking_number="",
        tracking_token=new_token(),
        ship_date=ship_date,
        eta=eta,
        weight=sum((p.weight for p in packages), ZERO),
        package_count=len(packages),
    )
    env.session.add(shipment)
    env.session.flush()
    for package in packages:
        package.shipment_id = shipment.id
    env.session.flush()
    env.session.refresh(shipment, ["packages"])
    book(env, carrier, shipment)
    env.session.add(
        Event(
            shipment_id=shipment.id,
            time=now,
            kind="picked_up",
            location=carrier.name[:128],  # read in any language, unlike a translated sentence
        )
    )
    env.session.flush()
    return shipment


def shipments_of(env: Env, origin_model: str, origin_id: int) -> list[Any]:
    Shipment = env["delivery.shipment"]
    return list(
        env.session.scalars(
            select(Shipment)
            .where(Shipment.origin_model == origin_model, Shipment.origin_id == origin_id)
            .order_by(Shipment.id)
        )
    )

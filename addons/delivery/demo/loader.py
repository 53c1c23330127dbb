"""Demo data: three shipped parcels, so the shipments list, the timeline and the public
tracking page have something to show on a fresh demo instance.

Each is a delivery of delivery's demo sample box to one of base's demo customers,
packed and validated with a demo carrier — the same services a warehouse user drives.
One has just left, one is in transit with carrier scans, one was delivered.
Deterministic, and loaded once (the shipments get external ids).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from addons.stock.services import create_picking, receive, validate_picking
from kernel import utcnow

ADDON = "delivery"
SCANS = {
    0: [],
    1: [("in_transit", "深圳转运中心 Shenzhen hub", "已到达 Arrived")],
    2: [
        ("in_transit", "广州转运中心 Guangzhou hub", "已发出 Departed"),
        ("out_for_delivery", "福田营业部 Futian", "派送中 Out for delivery"),
        ("delivered", "福田营业部 Futian", "已签收 Delivered"),
    ],
}


def _loaded(env: Any) -> bool:
    Data = env["ir.model.data"]
    return (
        env.session.scalar(
            select(Data.id).where(Data.addon == ADDON, Data.name.like("demo_shipment_%"))
        )
        is not None
    )


def _demo(env: Any, model: str, prefix: str) -> list[Any]:
    Data = env["ir.model.data"]
    ids = env.session.scalars(
        select(Data.res_id)
        .where(Data.addon == "base", Data.model == model, Data.name.like(f"{prefix}%"))
        .order_by(Data.name)
    ).all()
    Model = env[model]
    rows = {r.id: r for r in env.session.scalars(select(Model).where(Model.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows]


def load(env: Any) -> None:
    if _loaded(env):
        return
    product = env.ref("delivery.demo_product_sample_box")
    receive(env, product.id, Decimal(10), price_unit=Decimal(8))
    customers = _demo(env, "res.partner", "demo_customer_")
    if not customers:
        return
    warehouse = env.ref("stock.warehouse_main")
    carriers = [env.ref("delivery.carrier_sf"), env.ref("delivery.carrier_zto")]
    for index, scans in SCANS.items():
        customer = customers[index % len(customers)]
        picking = create_picking(
            env,
            "outgoing",
            env.ref("stock.location_stock").id,
            env.ref("stock.location_customers").id,
            [{"product_id": product.id, "quantity": Decimal(1 + index % 2)}],
            warehouse_id=warehouse.id,
            company_id=warehouse.company_id,
            partner_id=customer.id,
            origin=f"DEMO-{index + 1}",
        )
        picking.carrier_id = carriers[index % len(carriers)].id
        env.session.add(
            env["delivery.package"](picking_id=picking.id, name="1/1", weight=Decimal("1.5"))
        )
        env.session.flush()
        validate_picking(env, picking)
        shipment = _scan(env, picking, scans)
        if shipment is not None:
            env.session.add(
                env["ir.model.data"](
                    addon=ADDON,
                    name=f"demo_shipment_{index + 1}",
                    model="delivery.shipment",
                    res_id=shipment.id,
                    demo=True,
                )
            )


def _scan(env: Any, picking: Any, scans: list[tuple[str, str, str]]) -> Any | None:
    """The carrier's scans, an hour apart, oldest first."""
    Shipment = env["delivery.shipment"]
    shipment = env.session.scalar(select(Shipment).where(Shipment.picking_id == picking.id))
    if shipment is None:
        return None
    start = utcnow() - dt.timedelta(hours=len(scans))
    Event = env["delivery.tracking.event"]
    for hour, (kind, location, description) in enumerate(scans):
        env.session.add(
            Event(
                shipment_id=shipment.id,
                time=start + dt.timedelta(hours=hour),
                kind=kind,
                location=location,
                description=description,
            )
        )
        env.session.flush()
    return shipment

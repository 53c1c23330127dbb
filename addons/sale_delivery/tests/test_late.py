"""Late deliveries: the daily job raises one delay exception per late order, never twice."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from addons.sale_delivery.late import raise_late_deliveries
from addons.sale_delivery.tests.test_order_delivery import _approved_order
from addons.stock.services import validate_picking
from kernel.jobs.runner import run_job
from kernel.testing import MakeInstance


def _delays(instance, order_id: int) -> list[str]:
    with instance.unit(None, su=True, readonly=True) as env:
        E = env["sale.order.exception"]
        return list(
            env.session.scalars(
                select(E.description).where(E.order_id == order_id, E.kind == "delay")
            )
        )


def test_overdue_shipment_and_missed_requested_date_raise_one_exception_each(
    make_instance: MakeInstance,
) -> None:
    instance = make_instance(["sales_order", "stock", "delivery"], demo=False)
    shipped_id, picking_id = _approved_order(instance)
    waiting_id, _waiting_picking = _approved_order(instance)
    with instance.unit(None, su=True) as env:
        validate_picking(env, env.get("stock.picking", picking_id))
        Shipment = env["delivery.shipment"]
        shipment = env.session.scalars(
            select(Shipment).where(Shipment.origin_id == shipped_id)
        ).one()
        eta, tracking = shipment.eta, shipment.tracking_number
        waiting = env.get("sale.order", waiting_id)
        waiting.requested_date = dt.date.today() - dt.timedelta(days=1)
        env.get("sale.order", shipped_id).requested_date = dt.date.today() - dt.timedelta(days=9)
    with instance.unit(None, su=True) as env:
        # on time: the ETA is still ahead, the shipped order left (its requested date is not news)
        assert raise_late_deliveries(env, eta).startswith("0 shipments overdue, 1 orders")
    assert _delays(instance, shipped_id) == []
    [missed] = _delays(instance, waiting_id)
    assert "not shipped yet" in missed
    with instance.unit(None, su=True) as env:
        summary = raise_late_deliveries(env, eta + dt.timedelta(days=1))
    assert summary == "1 shipments overdue, 0 orders past their requested date"
    [overdue] = _delays(instance, shipped_id)
    assert tracking in overdue and "has not been delivered" in overdue
    # the next morning: still open, so no second exception on either order
    with instance.unit(None, su=True) as env:
        assert raise_late_deliveries(env, eta + dt.timedelta(days=2)).startswith("0 shipments")
    assert len(_delays(instance, shipped_id)) == 1 and len(_delays(instance, waiting_id)) == 1


def test_the_job_is_scheduled_and_a_delivered_shipment_is_not_late(
    make_instance: MakeInstance,
) -> None:
    instance = make_instance(["sales_order", "stock", "delivery"], demo=False)
    order_id, picking_id = _approved_order(instance)
    with instance.unit(None, su=True) as env:
        validate_picking(env, env.get("stock.picking", picking_id))
        Shipment = env["delivery.shipment"]
        shipment = env.session.scalars(select(Shipment).where(Shipment.origin_id == order_id)).one()
        env.session.add(env["delivery.tracking.event"](shipment_id=shipment.id, kind="delivered"))
    assert run_job(instance, "sale_delivery.late").status == "ok"
    with instance.unit(None, su=True) as env:
        far = dt.date.today() + dt.timedelta(days=60)
        assert raise_late_deliveries(env, far).startswith("0 shipments overdue")
    assert _delays(instance, order_id) == []

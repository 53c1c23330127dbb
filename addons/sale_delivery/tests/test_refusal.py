"""A refusal at the door raises an exception on the sales order for its managers, naming the
goods, the reason and the return receipt; delivery itself never imports sales_order."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from addons.sale_delivery.tests.test_add_shipping import _api
from addons.sale_delivery.tests.test_order_delivery import _approved_order
from addons.stock.services import validate_picking
from kernel.testing import MakeInstance, make_user

D = Decimal


def test_refusal_raises_an_order_exception(make_instance: MakeInstance) -> None:
    instance = make_instance(["sales_order", "stock", "delivery"], demo=False)
    order_id, picking_id = _approved_order(instance)
    with instance.unit(None, su=True) as env:
        validate_picking(env, env.get("stock.picking", picking_id))
        Shipment = env["delivery.shipment"]
        shipment = env.session.scalars(
            select(Shipment).where(Shipment.picking_id == picking_id)
        ).one()
        shipment_id, shipment_name = shipment.id, shipment.name
        product_id = shipment.picking.moves[0].product_id
    driver = make_user(instance, "driver", ["delivery.group_user"])
    with _api(instance, driver) as api:
        url = f"/api/v1/delivery.shipment/{shipment_id}"
        patched = api.patch(
            url,
            json={
                "signer_name": "Mr Wu",
                "refusal_reason": "one kettle dented",
                "refusals": [{"product_id": product_id, "quantity": "1"}],
            },
        )
        assert patched.status_code == 200, patched.text
        signed = api.post(f"{url}/actions/sign")
        assert signed.status_code == 200, signed.text
    with instance.unit(None, su=True, readonly=True) as env:
        (exception,) = env.session.scalars(
            select(env["sale.order.exception"]).where(
                env["sale.order.exception"].order_id == order_id
            )
        ).all()
        back = env.get("delivery.shipment", shipment_id).return_picking
        assert exception.kind == "complaint" and exception.status == "open"
        assert exception.group.xmlid == "sales_order.group_manager"
        text = exception.description
        assert shipment_name in text and "1 × Kettle" in text and "one kettle dented" in text
        assert back.name in text
        # the accepted goods were signed for: the order went on (completed at the signature)
        assert env.get("sale.order", order_id).state in ("completed", "closed")


def test_delivery_does_not_import_sales_order() -> None:
    root = Path(__file__).resolve().parents[2] / "delivery"
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "addons.sales_order" not in text and "addons.sale_delivery" not in text, path


def test_a_cancelled_shipment_raises_an_order_exception(make_instance: MakeInstance) -> None:
    instance = make_instance(["sales_order", "stock", "delivery"], demo=False)
    order_id, picking_id = _approved_order(instance)
    with instance.unit(None, su=True) as env:
        validate_picking(env, env.get("stock.picking", picking_id))
        Shipment = env["delivery.shipment"]
        shipment_id = env.session.scalars(
            select(Shipment.id).where(Shipment.picking_id == picking_id)
        ).one()
    driver = make_user(instance, "driver", ["delivery.group_user"])
    with _api(instance, driver) as api:
        done = api.post(
            f"/api/v1/delivery.shipment/{shipment_id}/actions/cancel",
            json={"reason": "wrong address"},
        )
        assert done.status_code == 200, done.text
    with instance.unit(None, su=True, readonly=True) as env:
        (exception,) = env.session.scalars(
            select(env["sale.order.exception"]).where(
                env["sale.order.exception"].order_id == order_id
            )
        ).all()
        back = env.get("delivery.shipment", shipment_id).return_picking
        assert exception.kind == "other" and "wrong address" in exception.description
        assert back.name in exception.description
        assert env.get("sale.order", order_id).state == "in_progress"  # not signed: waits

"""Order to cash with a shortage, through the HTTP API alone, on two worker processes.

Issue 16's must-show: an order for 8 units with 5 on hand → approve → 5 reserved,
3 short, a requisition → RFQ from the requisition → PO confirmed → received → the
delivery is ready for 8 → validated → the invoice is posted → paid (the payment
names the invoice) → the order is closed. Each step is a request of the user who
does it in a company (seller, buyer, storekeeper, accountant), served by
``suanpan serve --workers 2`` on PostgreSQL.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from api_server import Api, served

from kernel.apikeys import create_api_key
from kernel.testing import MakeInstance, db_kind, make_user

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
ADDONS = ["sales_order", "stock", "purchase", "accounting", "purchase_accounting"]


def _setup(instance: Any) -> dict[str, Any]:
    from addons.stock.services.receive import receive

    users = {
        "seller": make_user(instance, "seller", ["sales_order.group_manager"]),
        "buyer": make_user(instance, "buyer", ["purchase.group_user", "stock.group_user"]),
        "storekeeper": make_user(instance, "storekeeper", ["stock.group_user"]),
        "accountant": make_user(instance, "accountant", ["accounting.group_user"]),
    }
    with instance.unit(None, su=True) as env:
        Partner = env["res.partner"]
        customer = Partner(name="杭州茶业有限公司", is_company=True, is_customer=True)
        supplier = Partner(name="华东纺织有限公司", is_company=True, is_supplier=True)
        env.session.add_all([customer, supplier])
        product = env["product.product"](
            default_code="TEA-8",
            name="Longjing tea 250 g",
            type="stockable",
            uom_id=env.ref("base.uom_unit").id,
            list_price=Decimal("120.00"),
            standard_price=Decimal("60.00"),
            sale_tax_id=env.ref("base.vat_13_sale").id,
            purchase_tax_id=env.ref("base.vat_13_purchase").id,
        )
        env.session.add(product)
        env.session.flush()
        env.session.add(
            env["purchase.supplier.price"](
                partner_id=supplier.id,
                product_id=product.id,
                min_qty=Decimal(0),
                price=Decimal("58.00"),
                delay_days=3,
            )
        )
        receive(env, product.id, Decimal("5"))
        keys = {name: create_api_key(env, uid, "e2e") for name, uid in users.items()}
        return {
            "keys": keys,
            "customer": customer.id,
            "supplier": supplier.id,
            "product": product.id,
        }


def _one(items: list[dict[str, Any]]) -> dict[str, Any]:
    assert len(items) == 1, items
    return items[0]


def test_order_with_shortage_is_bought_delivered_invoiced_paid_and_closed(
    make_instance: MakeInstance,
) -> None:
    if db_kind() != "postgresql":
        pytest.skip("runs on PostgreSQL (two workers share the database)")
    instance = make_instance(ADDONS)
    data = _setup(instance)
    with served(instance.url, workers=2) as base:
        seller, buyer, store, accountant = (
            Api(base, data["keys"][name])
            for name in ("seller", "buyer", "storekeeper", "accountant")
        )
        pid = data["product"]

        order = seller.post(
            "/api/v1/sale.order",
            {"partner_id": data["customer"], "lines": [{"product_id": pid, "quantity": "8"}]},
            status=201,
        )
        oid = order["id"]
        seller.post(f"/api/v1/sale.order/{oid}/actions/submit")
        order = seller.get(f"/api/v1/sale.order/{oid}")
        if order["state"] == "submitted":
            order = seller.post(f"/api/v1/sale.order/{oid}/actions/approve")
        assert order["state"] == "in_progress"
        (line,) = order["lines"]
        assert (line["reserved_qty"], line["shortage_qty"]) == ("5.0000", "3.0000")

        req = _one(
            buyer.get(
                f"/api/v1/purchase.requisition?filter[origin_model]=sale.order"
                f"&filter[origin_id]={oid}"
            )["items"]
        )
        assert (req["product_id"], req["quantity"], req["supplier_id"]) == (
            pid,
            "3.0000",
            data["supplier"],
        )
        made = buyer.post("/api/v1/purchase.requisition/actions/create_rfqs", {"ids": [req["id"]]})[
            "result"
        ]
        (po_id,) = made["ids"]
        po = buyer.post(f"/api/v1/purchase.order/{po_id}/actions/confirm")
        assert po["state"] == "confirmed" and po["amount_untaxed"] == "174.0000"  # 3 × 58

        receipt = _one(
            store.get(
                f"/api/v1/stock.picking?filter[origin_model]=purchase.order&filter[origin_id]={po_id}"
            )["items"]
        )
        assert store.post(f"/api/v1/stock.picking/{receipt['id']}/actions/validate")["state"] == (
            "done"
        )

        delivery = _one(
            store.get(
                f"/api/v1/stock.picking?filter[origin_model]=sale.order&filter[origin_id]={oid}"
            )["items"]
        )
        delivery = store.get(f"/api/v1/stock.picking/{delivery['id']}")
        assert delivery["state"] == "ready"
        assert [m["reserved_qty"] for m in delivery["moves"]] == ["8.0000"]
        done = store.post(f"/api/v1/stock.picking/{delivery['id']}/actions/validate")
        assert done["state"] == "done"

        order = seller.get(f"/api/v1/sale.order/{oid}")
        assert order["state"] == "completed"
        invoice = _one(
            accountant.get(
                f"/api/v1/account.move?filter[origin_model]=sale.order&filter[origin_id]={oid}"
            )["items"]
        )
        assert (invoice["state"], invoice["move_type"]) == ("posted", "out_invoice")
        assert Decimal(invoice["amount_total"]) == Decimal("1084.80")  # 8 × 120 + 13 %

        payment = accountant.post(
            "/api/v1/account.payment",
            {
                "partner_id": data["customer"],
                "amount": invoice["amount_total"],
                "allocations": [{"move_id": invoice["id"]}],
            },
            status=201,
        )
        paid = accountant.post(f"/api/v1/account.payment/{payment['id']}/actions/post")
        assert paid["state"] == "posted"
        invoice = accountant.get(f"/api/v1/account.move/{invoice['id']}")
        assert (invoice["payment_state"], invoice["amount_residual"]) == ("paid", "0.0000")

        order = seller.get(f"/api/v1/sale.order/{oid}")
        assert order["state"] == "closed"
        history = [h["action"] for h in seller.get(f"/api/v1/sale.order/{oid}/history")["items"]]
        assert history[:2] == ["submit", "approve"] and "close" in history

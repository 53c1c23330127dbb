"""The related-documents strip costs one statement per declared link, whatever the documents."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from kernel.testing import MakeInstance, StatementCounter, make_user


def test_order_strip_is_one_statement_per_link(make_instance: MakeInstance) -> None:
    from addons.sales_order.services import orders
    from kernel.web.introspect import model_meta
    from kernel.web.related import collect, related

    instance = make_instance(["sales_order", "stock", "purchase", "accounting"], demo=False)
    seller = make_user(
        instance,
        "seller",
        ["sales_order.group_manager", "stock.group_user", "accounting.group_user"],
    )
    with instance.unit(None, su=True) as env:
        for company in env.session.scalars(select(env["res.company"])):
            company.invoice_policy = "confirmation"
    with instance.unit(seller) as env:
        customer = env["res.partner"](name="Hangzhou Tea House", is_customer=True)
        product = env["product.product"](
            name="Tea", type="stockable", uom_id=env.ref("base.uom_unit").id, list_price=Decimal(9)
        )
        env.session.add_all([customer, product])
        env.session.flush()
        order = orders.create_order(
            env, customer.id, [{"product_id": product.id, "quantity": Decimal(3)}]
        )
        orders.submit(env, order)
        if order.state == "submitted":
            orders.approve(env, order)
        order_id = order.id
    with instance.unit(seller) as env:
        order = env.get("sale.order", order_id)
        meta = model_meta(env.registry, "sale.order")
        links = [link for link in collect(env.registry) if link.model == "sale.order"]
        with StatementCounter(instance.engine) as counter:
            strip = related(env, order, meta)
        found = {entry["key"]: entry["count"] for entry in strip}
        assert found["deliveries"] == 1 and found["invoices"] == 1
        assert found["requisitions"] == 1  # nothing on hand: the shortage is requested
        assert counter.count <= len(links), counter.statements

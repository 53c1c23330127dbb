"""Stock e-mails over a real SMTP server: shipped (customer), shortage and daily alerts (managers)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from addons.stock.services import receive, validate_picking
from addons.stock.tests.conftest import make_product
from kernel.instance import Instance
from kernel.jobs.runner import run_job
from kernel.testing import MakeInstance, make_user
from kernel.testing_mail import configure_smtp

D = Decimal


@pytest.fixture
def shop(make_instance: MakeInstance, smtp_inbox: Any) -> Instance:
    instance = make_instance(["sales_order", "stock"])
    configure_smtp(instance, smtp_inbox.port)
    uid = make_user(instance, "keeper", ["stock.group_manager"], lang="zh_CN")
    with instance.unit(None, su=True) as env:
        env.get("res.user", uid).email = "keeper@example.com"
    return instance


def _order(env: Any, lines: list[tuple[int, int]]) -> Any:
    from addons.sales_order.services.orders import approve, create_order, submit

    partner = env["res.partner"](
        name="Huaxin Trading",
        is_company=True,
        is_customer=True,
        email="buyer@huaxin.example",
        lang="en",
    )
    env.session.add(partner)
    env.session.flush()
    order = create_order(
        env,
        partner.id,
        [{"product_id": pid, "quantity": D(q), "price_unit": D(10)} for pid, q in lines],
    )
    submit(env, order)
    if order.state == "submitted":
        approve(env, order)
    return order


def test_the_customer_is_told_when_the_order_ships(shop: Instance, smtp_inbox: Any) -> None:
    with shop.unit(None, su=True) as env:
        widget = make_product(env, "Widget")
        receive(env, widget, 10)
        order = _order(env, [(widget, 4)])
        Picking = env["stock.picking"]
        picking = env.session.scalars(select(Picking).where(Picking.origin_id == order.id)).one()
        name = order.name
    shop.deliver_outbox()
    assert [
        m for m in smtp_inbox.to("buyer@huaxin.example") if "shipped" in str(m["Subject"])
    ] == []
    with shop.unit(None, su=True) as env:
        validate_picking(env, env.get("stock.picking", picking.id))
    shop.deliver_outbox()
    [shipped] = [m for m in smtp_inbox.to("buyer@huaxin.example") if "shipped" in str(m["Subject"])]
    assert str(shipped["Subject"]).strip() == f"Your order {name} has shipped"
    assert smtp_inbox.to("keeper@example.com") == []  # nothing was short


def test_managers_hear_of_a_shortage_and_of_the_daily_alerts(
    shop: Instance, smtp_inbox: Any
) -> None:
    with shop.unit(None, su=True) as env:
        widget = make_product(env, "Widget")
        receive(env, widget, 5)
        order = _order(env, [(widget, 8)])
        name = order.name
        env.session.add(
            env["stock.reorder.rule"](
                product_id=widget,
                warehouse_id=env.ref("stock.warehouse_main").id,
                minimum=D(10),
                maximum=D(20),
            )
        )
    shop.deliver_outbox()
    [short] = smtp_inbox.to("keeper@example.com")
    assert str(short["Subject"]).strip() == f"订单 {name} 缺货"
    assert "缺 3" in short.get_body(("plain",)).get_content()
    assert run_job(shop, "stock.alerts").status == "ok"
    shop.deliver_outbox()
    alerts = [m for m in smtp_inbox.to("keeper@example.com") if "库存提醒" in str(m["Subject"])]
    assert len(alerts) == 1 and "Widget" in alerts[0].get_body(("plain",)).get_content()

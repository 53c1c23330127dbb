"""Sales order e-mails over a real SMTP server: the managers' queue and the customer's confirmation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from addons.sales_order.services import orders
from addons.sales_order.tests.conftest import World
from kernel.testing_mail import configure_smtp
from kernel.workflow import fire


def _emails(world: World, **by_login: str) -> None:
    with world.instance.unit(None, su=True) as env:
        User = env["res.user"]
        for user in env.session.scalars(select(User).where(User.login.in_(list(by_login)))):
            user.email = by_login[user.login]


def test_managers_are_told_what_waits_and_the_customer_gets_a_confirmation(
    world: World, smtp_inbox: Any
) -> None:
    configure_smtp(world.instance, smtp_inbox.port)
    _emails(world, boss="boss@example.com", clerk="clerk@example.com")
    with world.instance.unit(None, su=True) as env:
        partner = env.get("res.partner", world.customer)
        partner.email, partner.lang = "buyer@huaxin.example", "zh_CN"
        partner.credit_limit = Decimal("50")
    with world.unit() as env:
        order = orders.create_order(
            env, world.customer, [{"product_id": world.widget, "quantity": "2"}]
        )
        fire(env, order, "submit")
        order_id, name = order.id, order.name
    world.instance.deliver_outbox()
    to_boss = smtp_inbox.to("boss@example.com")
    subjects = sorted(str(m["Subject"]).strip() for m in to_boss)  # long headers fold
    assert subjects == [
        f"Order {name} is held: Huaxin Trading Co. is over the credit limit",
        f"Order {name} waits for your approval",
    ]
    assert smtp_inbox.to("clerk@example.com") == []  # a clerk is not a manager
    assert smtp_inbox.to("buyer@huaxin.example") == []  # nothing for the customer yet
    with world.unit(world.manager) as env:
        fire(env, env.get("sale.order", order_id), "approve")
    world.instance.deliver_outbox()
    [confirmation] = smtp_inbox.to("buyer@huaxin.example")
    assert confirmation["Subject"] == f"您的订单 {name} 已确认"
    body = confirmation.get_body(("plain",)).get_content()
    assert "小部件" in body or "Widget" in body
    assert "226.00" in body  # 2 × 100 + 13 % VAT
    with world.instance.unit(None, su=True, readonly=True) as env:
        H = env["workflow.history"]
        mails = env.session.scalars(
            select(H.reason).where(
                H.model == "sale.order", H.res_id == order_id, H.transition == "mail"
            )
        ).all()
    assert any("buyer@huaxin.example" in m for m in mails) and len(mails) == 3


def test_a_manager_who_opted_out_gets_no_approval_mail(world: World, smtp_inbox: Any) -> None:
    configure_smtp(world.instance, smtp_inbox.port)
    _emails(world, boss="boss@example.com")
    with world.instance.unit(None, su=True) as env:
        env.session.add(
            env["res.user.notification"](
                user_id=world.manager, event="sales_order.to_approve", enabled=False
            )
        )
    with world.unit() as env:
        order = orders.create_order(
            env, world.customer, [{"product_id": world.widget, "quantity": "1"}]
        )
        fire(env, order, "submit")
    world.instance.deliver_outbox()
    assert [
        m["Subject"] for m in smtp_inbox.to("boss@example.com") if "approval" in m["Subject"]
    ] == []


def test_daily_sales_alerts_reach_the_managers_in_their_language(
    world: World, smtp_inbox: Any
) -> None:
    """The job mails what waits too long and the open exceptions; with nothing, no mail."""
    import datetime as dt

    from addons.sales_order.services.exceptions import report_exception
    from kernel.jobs.runner import run_job

    configure_smtp(world.instance, smtp_inbox.port)
    _emails(world, boss="boss@example.com", clerk="clerk@example.com")
    assert run_job(world.instance, "sales_order.alerts").status == "ok"
    world.instance.deliver_outbox()
    assert smtp_inbox.to("boss@example.com") == []  # nothing to report: no mail
    with world.instance.unit(None, su=True) as env:
        env.get("res.user", world.manager).lang = "zh_CN"
    with world.unit() as env:
        old = orders.create_order(
            env, world.customer, [{"product_id": world.widget, "quantity": 1}]
        )
        fire(env, old, "submit")
        fresh = orders.create_order(
            env, world.customer, [{"product_id": world.widget, "quantity": 1}]
        )
        fire(env, fresh, "submit")
        report_exception(env, fresh, "complaint", "Wrong address on the delivery note")
        old_id, old_name, fresh_name = old.id, old.name, fresh.name
    with world.instance.unit(None, su=True) as env:
        env.get("sale.order", old_id).submitted_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    smtp_inbox.messages.clear()
    outcome = run_job(world.instance, "sales_order.alerts")
    assert outcome.status == "ok"
    world.instance.deliver_outbox()
    [alert] = [m for m in smtp_inbox.to("boss@example.com") if "销售提醒" in str(m["Subject"])]
    body = alert.get_body(("plain",)).get_content()
    assert old_name in body and fresh_name not in body  # only the one waiting over 2 days
    assert "1" in str(alert["Subject"])
    assert smtp_inbox.to("clerk@example.com") == []

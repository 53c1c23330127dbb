"""The generic addon checks, plus install/uninstall next to sales_order and the generic chart."""

from __future__ import annotations

from kernel import lifecycle, schema
from kernel.testing import AddonConformance, MakeInstance, table_counts


class TestConformance(AddonConformance):
    addon = "accounting"


def test_installs_and_uninstalls_cleanly_with_sales_order(make_instance: MakeInstance) -> None:
    instance = make_instance(["sales_order"])
    with instance.engine.connect() as conn:
        before = schema.snapshot(conn)
    rows = table_counts(instance)
    lifecycle.install(instance, ["accounting"])
    with instance.unit(None, su=True) as env:
        assert "invoice_status" in env["sale.order"].__table__.c
        assert "invoiced" in {m.name for m in env.workflow("sale.order").milestones}
    lifecycle.uninstall(instance, ["accounting"])
    with instance.engine.connect() as conn:
        assert schema.snapshot(conn) == before
    assert table_counts(instance) == rows
    with instance.unit(None, su=True) as env:
        assert "invoiced" not in {m.name for m in env.workflow("sale.order").milestones}


def test_generic_chart_for_a_non_cny_company(make_instance: MakeInstance) -> None:
    instance = make_instance(["base"])
    with instance.unit(None, su=True) as env:
        env.ref("base.main_company").currency_id = env.ref("base.usd").id
    lifecycle.install(instance, ["accounting"])
    with instance.unit(None, su=True) as env:
        company = env.ref("base.main_company")
        assert company.chart_template == "generic"
        receivable = env.get("account.account", company.account_receivable_id)
        assert receivable.code == "1100"


def test_installs_with_sales_order_demo_data(make_instance: MakeInstance) -> None:
    """Demo orders complete before accounting's post_install: the chart installs on first use."""
    from sqlalchemy import func, select

    instance = make_instance(["sales_order", "accounting"], demo=True)
    with instance.unit(None, su=True) as env:
        company = env.ref("base.main_company")
        assert company.chart_template == "cn_small"
        Move = env["account.move"]
        Order = env["sale.order"]
        completed = env.session.scalar(
            select(func.count()).select_from(Order).where(Order.state.in_(("completed", "closed")))
        )
        invoiced = env.session.scalar(
            select(func.count()).select_from(Move).where(Move.move_type == "out_invoice")
        )
        assert completed > 0 and invoiced == completed

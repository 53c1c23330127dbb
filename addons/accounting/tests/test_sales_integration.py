"""With sales_order: completed orders are invoiced and close once paid — and without accounting nothing changes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from addons.accounting.services import payments, reports
from addons.accounting.services.sale import order_invoice
from addons.sales_order.services import orders
from addons.sales_order.tests.conftest import World, build_world
from kernel.errors import UserError
from kernel.testing import MakeInstance, make_user
from kernel.workflow import fire, milestones


@pytest.fixture
def world(make_instance: MakeInstance) -> World:
    return build_world(make_instance(["sales_order", "accounting"]))


def _approved_order(world: World, lines: list[dict]) -> int:
    with world.unit() as env:
        order = orders.create_order(env, world.customer, lines)
        orders.submit(env, order)
        order_id = order.id
    with world.unit(world.manager) as env:
        orders.approve(env, order_id)
    return order_id


def test_order_invoiced_paid_in_two_steps_then_closed(world: World) -> None:
    order_id = _approved_order(
        world,
        [
            {"product_id": world.widget, "quantity": Decimal(3)},
            {"product_id": world.gadget, "quantity": Decimal(7)},
            {"product_id": world.service, "quantity": Decimal(1)},
        ],
    )
    accountant = make_user(
        world.instance, "acc", ["accounting.group_user", "sales_order.group_user"]
    )
    with world.unit(accountant) as env:
        order = env.get("sale.order", order_id)
        assert order.state == "completed"
        invoice = order_invoice(env, order_id)
        assert invoice is not None and invoice.state == "posted"
        assert invoice.amount_total == order.amount_total
        assert invoice.amount_untaxed == order.amount_untaxed
        assert invoice.amount_tax == order.amount_tax
        # 3 × 100 + 7 × 25.50 at 13 %, 80 at 6 %
        assert order.amount_untaxed == Decimal("558.50")
        assert order.amount_tax == Decimal("67.01")
        by_tax = {row["tax"]: row for row in reports.tax_report(env, invoice.date, invoice.date)}
        assert by_tax["VAT 13%"]["tax_amount"] == Decimal("62.21")
        assert by_tax["VAT 6%"]["tax_amount"] == Decimal("4.80")
        receivable = [line for line in invoice.lines if line.account.type == "receivable"]
        assert len(receivable) == 1 and receivable[0].debit == order.amount_total
        assert receivable[0].date_maturity is not None
        assert (receivable[0].date_maturity - invoice.date).days == 30
        ms = milestones(env, order)
        assert ms["invoiced"].done_at is not None and ms["settled"].done_at is None
        assert order.invoice_status == "invoiced"
        payments.register_payment(env, world.customer, Decimal("100.00"))
    with world.unit(accountant) as env:
        order = env.get("sale.order", order_id)
        assert order.state == "completed" and order.invoice_status == "partial"
        rest = order.amount_total - Decimal("100.00")
        payments.register_payment(env, world.customer, rest)
    with world.unit(world.clerk) as env:
        order = env.get("sale.order", order_id)
        assert order.state == "closed"
        assert order.invoice_status == "paid"


def test_cancel_refused_once_invoiced(world: World) -> None:
    order_id = _approved_order(world, [{"product_id": world.widget, "quantity": Decimal(1)}])
    with world.unit(world.manager) as env:
        order = env.get("sale.order", order_id)
        order.state = "in_progress"  # pretend it were still running
        with pytest.raises(UserError, match="invoice"):
            fire(env, order, "cancel", reason="customer changed mind")
        env.session.rollback()


def test_missing_receivable_account_leaves_order_uncompleted(world: World) -> None:
    with world.instance.unit(None, su=True) as env:
        env.ref("base.main_company").account_receivable_id = None
    with world.unit() as env:
        order = orders.create_order(
            env, world.customer, [{"product_id": world.widget, "quantity": 1}]
        )
        orders.submit(env, order)
        order_id = order.id
    with world.instance.unit(None, su=True) as env:
        before_moves = env.session.scalar(select(func.count()).select_from(env["account.move"]))
        before_history = env.session.scalar(
            select(func.count()).select_from(env["workflow.history"])
        )
        Counter = env["ir.sequence.counter"]
        before_counters = env.session.execute(
            select(Counter.sequence_id, Counter.period, Counter.next_number).order_by(Counter.id)
        ).all()
    with pytest.raises(UserError, match="Receivable account"), world.unit(world.manager) as env:
        orders.approve(env, order_id)
    with world.instance.unit(None, su=True) as env:
        assert env.get("sale.order", order_id).state == "submitted"
        assert (
            env.session.scalar(select(func.count()).select_from(env["account.move"]))
            == before_moves
        )
        assert (
            env.session.scalar(select(func.count()).select_from(env["workflow.history"]))
            == before_history
        )
        counters = env.session.execute(
            select(Counter.sequence_id, Counter.period, Counter.next_number).order_by(Counter.id)
        ).all()
        assert counters == before_counters  # no invoice number was used up


def test_without_accounting_the_order_closes_alone(make_instance: MakeInstance) -> None:
    world = build_world(make_instance(["sales_order"]))
    order_id = _approved_order(world, [{"product_id": world.widget, "quantity": Decimal(2)}])
    with world.unit() as env:
        order = env.get("sale.order", order_id)
        assert order.state == "closed"
        assert "account.move" not in env
        assert not hasattr(order, "invoice_status")
        assert set(milestones(env, order)) == set()


def test_credit_check_reads_open_receivable(world: World) -> None:
    _approved_order(world, [{"product_id": world.widget, "quantity": Decimal(2)}])
    with world.unit() as env:
        answer = env.hook.sale_partner_open_receivable(env=env, partner_id=world.customer)
        assert answer == Decimal("226.00")


def test_invoice_on_confirmation_policy(world: World) -> None:
    with world.instance.unit(None, su=True) as env:
        env.ref("base.main_company").invoice_policy = "confirmation"
    order_id = _approved_order(world, [{"product_id": world.widget, "quantity": Decimal(1)}])
    with world.instance.unit(None, su=True) as env:
        History = env["workflow.history"]
        steps = list(
            env.session.scalars(
                select(History.transition)
                .where(History.model == "sale.order", History.res_id == order_id)
                .order_by(History.id)
            )
        )
        assert steps.index("milestone:invoiced") < steps.index("complete")
        Move = env["account.move"]
        count = env.session.scalar(
            select(func.count()).select_from(Move).where(Move.origin_id == order_id)
        )
        assert count == 1  # completion did not invoice a second time


def test_advance_payment_settles_the_order_at_invoicing(world: World) -> None:
    """A customer who paid in advance: the invoice is matched at once and the order closes."""
    accountant = make_user(world.instance, "acc2", ["accounting.group_user"])
    with world.unit(accountant) as env:
        payments.register_payment(env, world.customer, Decimal("300.00"), reference="PREPAY")
    order_id = _approved_order(world, [{"product_id": world.widget, "quantity": Decimal(2)}])
    with world.instance.unit(None, su=True) as env:
        order = env.get("sale.order", order_id)
        assert order.state == "closed" and order.invoice_status == "paid"
        assert open_receivable_of(env, world.customer) == Decimal("-74.00")  # 300 - 226


def open_receivable_of(env, partner_id: int) -> Decimal:
    from addons.accounting.services.sale import open_receivable

    return open_receivable(env, partner_id)


def test_foreign_currency_order_is_booked_in_company_currency(world: World) -> None:
    with world.unit() as env:
        usd = env.ref("base.usd").id
        order = orders.create_order(
            env,
            world.customer,
            [{"product_id": world.widget, "quantity": Decimal(3), "price_unit": Decimal("100")}],
            currency_id=usd,
        )
        orders.submit(env, order)
        order_id = order.id
    with world.unit(world.manager) as env:
        orders.approve(env, order_id)
    with world.instance.unit(None, su=True) as env:
        order = env.get("sale.order", order_id)
        invoice = order_invoice(env, order_id)
        assert order.amount_total == Decimal("339.00")  # USD
        receivable = next(line for line in invoice.lines if line.account.type == "receivable")
        assert receivable.currency_id == order.currency_id
        assert receivable.amount_currency == Decimal("339.00")
        # 300 USD / 0.1405 = 2135.23 CNY, 39 USD = 277.58 CNY
        assert invoice.amount_untaxed == Decimal("2135.23")
        assert invoice.amount_tax == Decimal("277.58")
        assert receivable.debit == invoice.amount_total == Decimal("2412.81")
        assert invoice.total_debit == invoice.total_credit


def test_invoice_and_payment_entries_are_written_once_posted_with_their_history(
    world: World,
) -> None:
    """Created and posted in one step, an entry (and a payment registered in one go) is
    one INSERT on PostgreSQL, never a draft row updated moments later; their history
    and the entries' lines say they were posted."""
    from sqlalchemy import event

    accountant = make_user(
        world.instance, "acc", ["accounting.group_user", "sales_order.group_user"]
    )
    written: list[str] = []

    def on_statement(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        written.append(" ".join(statement.split())[:40])

    event.listen(world.instance.engine, "before_cursor_execute", on_statement)
    try:
        order_id = _approved_order(world, [{"product_id": world.service, "quantity": Decimal(2)}])
        with world.unit(accountant) as env:
            invoice = order_invoice(env, order_id)
            assert invoice is not None
            payment = payments.register_payment(
                env, world.customer, invoice.amount_total, invoices=[invoice]
            )
            entries = {"invoice": invoice.id, "payment": payment.move_id}
            payment_id = payment.id
    finally:
        event.remove(world.instance.engine, "before_cursor_execute", on_statement)
    if world.instance.dialect == "postgresql":
        assert not [s for s in written if s.startswith("UPDATE account_move SET name")]
        assert not [s for s in written if s.startswith("UPDATE account_move_line SET date")]
        assert not [s for s in written if s.startswith("UPDATE account_payment")]
    with world.unit(accountant) as env:
        History = env["workflow.history"]
        for kind, move_id in entries.items():
            move = env.get("account.move", move_id)
            assert move.state == "posted" and move.name and move.posted_at, kind
            assert move.total_debit == move.total_credit > 0, kind
            for line in move.lines:
                assert line.parent_state == "posted" and line.date == move.date, kind
            posted = env.session.scalars(
                select(History).where(
                    History.model == "account.move",
                    History.res_id == move_id,
                    History.transition == "post",
                )
            ).all()
            assert [(h.from_state, h.to_state) for h in posted] == [("draft", "posted")], kind
        invoice = env.get("account.move", entries["invoice"])
        assert invoice.payment_state == "paid" and invoice.amount_residual == 0
        payment = env.get("account.payment", payment_id)
        assert payment.state == "posted" and payment.move_id == entries["payment"]
        assert payment.name == env.get("account.move", entries["payment"]).name
        moved = env.session.execute(
            select(History.transition, History.from_state, History.to_state).where(
                History.model == "account.payment", History.res_id == payment_id
            )
        ).all()
        assert [tuple(row) for row in moved] == [("post", "draft", "posted")]

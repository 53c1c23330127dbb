"""Review: completeness, checks (credit, margin, compliance), auto-approval, reject, cancel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from addons.sales_order.services import orders
from addons.sales_order.services.checks import OPEN_RECEIVABLE
from addons.sales_order.tests.conftest import World
from kernel import hookimpl
from kernel.errors import AccessDenied, ValidationError


def _new(env, world: World, quantity: str = "1", **fields):
    return orders.create_order(
        env, world.customer, [{"product_id": world.widget, "quantity": quantity}], **fields
    )


class Receivable:
    """Plays accounting: answers the customer's open receivable."""

    def __init__(self, amount: Decimal) -> None:
        self.amount = amount

    @hookimpl
    def sale_partner_open_receivable(self, env, partner_id):
        return self.amount


@pytest.fixture
def receivable(world: World):
    plugin = Receivable(Decimal(0))
    world.instance.registry.pm.register(plugin)
    yield plugin
    world.instance.registry.pm.unregister(plugin)


def _set_partner(world: World, **values) -> None:
    with world.instance.unit(None, su=True) as env:
        partner = env.get("res.partner", world.customer)
        for key, value in values.items():
            setattr(partner, key, value)


def _autoapprove(world: World, **values) -> None:
    with world.instance.unit(None, su=True) as env:
        Rule = env["sale.autoapprove.rule"]
        env.session.add(Rule(name="Routine", **values))


# --- completeness --------------------------------------------------------------------


def test_incomplete_order_names_every_problem(world: World) -> None:
    with world.unit() as env:
        order = orders.create_order(
            env, None, [], requested_date=dt.date.today() - dt.timedelta(days=1)
        )
        with pytest.raises(ValidationError) as err:
            orders.submit(env, order)
    fields = err.value.fields
    assert set(fields) == {"partner_id", "lines", "requested_date"}
    assert "Customer" in str(fields["partner_id"])
    assert "in the past" in str(fields["requested_date"])


def test_zero_quantity_and_below_cost_need_fixing(world: World) -> None:
    with world.unit() as env:
        order = orders.create_order(
            env,
            world.customer,
            [
                {"product_id": world.widget, "quantity": 0},
                {"product_id": world.gadget, "quantity": 1, "price_unit": "5"},
            ],
        )
        with pytest.raises(ValidationError) as err:
            orders.submit(env, order)
        assert set(err.value.fields) == {"lines.1.quantity", "lines.2.below_cost_reason"}
        assert order.state == "draft"


def test_messages_are_translated(world: World) -> None:
    with world.unit(lang="zh_CN") as env:
        order = orders.create_order(env, None, [])
        with pytest.raises(ValidationError) as err:
            orders.submit(env, order)
        assert "客户" in str(err.value.fields["partner_id"])


# --- checks ----------------------------------------------------------------------------


def test_below_cost_with_reason_goes_to_review(world: World) -> None:
    _autoapprove(world, max_total=Decimal(0), require_clean_checks=True)
    with world.unit() as env:
        order = orders.create_order(
            env,
            world.customer,
            [
                {
                    "product_id": world.gadget,
                    "quantity": 1,
                    "price_unit": "5",
                    "below_cost_reason": "clearance of old stock",
                }
            ],
        )
        orders.submit(env, order)
        assert order.state == "submitted", "a review finding keeps the order for a manager"
        codes = {(c.code, c.severity) for c in order.checks}
        assert ("below_cost", "review") in codes
        assert "clearance of old stock" in next(
            c.message for c in order.checks if c.code == "below_cost"
        )


def test_minimum_margin_setting(world: World) -> None:
    with world.instance.unit(None, su=True) as env:
        env.session.add(env["ir.setting"](key="sales_order.min_margin_percent", value=50))
    with world.unit() as env:
        order = _new(env, world)  # 100 vs cost 60: 40 % margin
        orders.submit(env, order)
        assert [(c.code, c.severity) for c in order.checks] == [("low_margin", "review")]


def test_credit_limit_counts_receivable_and_open_orders(world: World, receivable) -> None:
    _set_partner(world, credit_limit=Decimal("1000"))
    receivable.amount = Decimal("300")
    with world.unit(world.manager) as env:
        first = _new(env, world, quantity="3")  # 339.00
        orders.submit(env, first)
        assert [(c.code, c.severity) for c in first.checks] == [("credit_limit", "ok")]
        # an open (approved, running) order counts against the limit
        first.state = "in_progress"
        second = _new(env, world, quantity="4")  # 452.00 → 300 + 339 + 452 = 1091 > 1000
        orders.submit(env, second)
        check = second.checks[0]
        assert (check.code, check.severity) == ("credit_limit", "review")
        # figures as the reader writes them, not raw decimals
        assert "1,091.00" in check.message and "1,000.00" in check.message


def test_no_credit_limit_means_no_check(world: World, receivable) -> None:
    receivable.amount = Decimal("1000000")
    with world.unit() as env:
        order = _new(env, world)
        orders.submit(env, order)
        assert list(order.checks) == []


def test_restricted_country_blocks_approval(world: World) -> None:
    with world.instance.unit(None, su=True) as env:
        env.session.add(
            env["sale.restriction"](
                country_id=env.ref("base.country_cn").id,
                category_id=world.category,
                reason="export licence missing",
            )
        )
    with world.unit() as env:
        order = orders.create_order(
            env,
            world.customer,
            [{"product_id": world.gadget, "quantity": 1}],  # subcategory
        )
        orders.submit(env, order)
        assert [(c.code, c.severity) for c in order.checks] == [("restricted", "block")]
    with world.unit(world.manager) as env, pytest.raises(ValidationError) as err:
        orders.approve(env, order.id)
    assert "export licence missing" in str(err.value)
    # nobody removes the blocking finding: sales users only read check results,
    # and the order form shows them without "Add a line"
    for uid in (world.clerk, world.manager):
        with pytest.raises(AccessDenied), world.unit(uid) as env:
            check = env.get("sale.order", order.id).checks[0]
            check.severity = "ok"
            env.session.flush()
    with world.unit() as env:
        from kernel.web.introspect import collect_views, model_meta
        from kernel.web.ui import forms

        view = collect_views(env.registry)["sale.order"]
        meta = model_meta(env.registry, "sale.order")
        record = forms.load_record(env, view, meta, order.id)
        tables = {t.relation: t for t in forms.line_tables(env, view, meta, record)}
        assert tables["checks"].readonly and len(tables["checks"].rows) == 1
        assert [c for c, _label, _meta in tables["checks"].columns] == ["severity", "message"]


def test_checks_of_other_addons_are_stored_and_in_history(world: World) -> None:
    from addons.sales_order.types import CheckResult

    class StockCheck:
        @hookimpl
        def sale_order_checks(self, env, order):
            return [CheckResult("stock", "review", "Widget: only 2 on hand")]

    plugin = StockCheck()
    world.instance.registry.pm.register(plugin)
    try:
        with world.unit() as env:
            order = _new(env, world)
            orders.submit(env, order)
            assert [(c.code, c.message) for c in order.checks] == [
                ("stock", "Widget: only 2 on hand")
            ]
            History = env["workflow.history"]
            notes = env.session.scalars(
                select(History.reason).where(History.res_id == order.id, History.transition == "")
            ).all()
            assert any("only 2 on hand" in n for n in notes)
    finally:
        world.instance.registry.pm.unregister(plugin)


# --- auto-approval ------------------------------------------------------------------------


def test_routine_order_is_approved_by_the_system(world: World) -> None:
    _autoapprove(world, max_total=Decimal("500"))
    with world.unit() as env:
        order = _new(env, world)  # 113.00
        orders.submit(env, order)
        assert order.state == "closed"  # alone: approved, started, completed, closed
        assert order.auto_approved and order.approved_by_id is None
        History = env["workflow.history"]
        approve = env.session.scalar(
            select(History).where(History.res_id == order.id, History.transition == "approve")
        )
        assert approve.automatic and approve.reason == "Routine"


def test_auto_approval_limits(world: World, receivable) -> None:
    _autoapprove(world, max_total=Decimal("500"), max_receivable=Decimal("1000"))
    with world.unit() as env:
        big = _new(env, world, quantity="5")  # 565.00 > 500
        orders.submit(env, big)
        assert big.state == "submitted"
        receivable.amount = Decimal("1500")
        env.cache.pop(OPEN_RECEIVABLE)
        small = _new(env, world)
        orders.submit(env, small)
        assert small.state == "submitted"


def test_inactive_rule_does_nothing(world: World) -> None:
    _autoapprove(world, max_total=Decimal(0), active=False)
    with world.unit() as env:
        order = _new(env, world)
        orders.submit(env, order)
        assert order.state == "submitted"


# --- reject and cancel -------------------------------------------------------------------


def test_reject_needs_a_reason_and_returns_to_draft_with_it(world: World) -> None:
    with world.unit() as env:
        order = _new(env, world)
        orders.submit(env, order)
    with world.unit(world.manager) as env:
        with pytest.raises(ValidationError) as err:
            orders.reject(env, order.id, "  ")
        assert "reason" in err.value.fields
    with world.unit(world.manager) as env:
        orders.reject(env, order.id, "discount too generous")
    with world.unit() as env:
        order = env.get("sale.order", order.id)
        assert order.state == "draft"
        assert order.reject_reason == "discount too generous"
        History = env["workflow.history"]
        row = env.session.scalar(
            select(History).where(History.res_id == order.id, History.transition == "reject")
        )
        assert row.reason == "discount too generous" and row.user_id == world.manager
        # fixed and resubmitted, then approved: the old reason is cleared
        orders.submit(env, order)
    with world.unit(world.manager) as env:
        order = orders.approve(env, order.id)
        assert order.reject_reason == ""


def test_cancel_needs_reason_and_no_blocker(world: World) -> None:
    class Blocker:
        @hookimpl
        def sale_order_cancel_blockers(self, env, order):
            return ["goods already shipped"] if order.note == "shipped" else []

    plugin = Blocker()
    world.instance.registry.pm.register(plugin)
    try:
        with world.unit() as env:
            order = _new(env, world, note="shipped")
            with pytest.raises(ValidationError):
                orders.cancel(env, order, "")
            with pytest.raises(ValidationError) as err:
                orders.cancel(env, order, "customer changed mind")
            assert "goods already shipped" in str(err.value)
            order.note = ""
            orders.cancel(env, order, "customer changed mind")
            assert order.state == "cancelled" and order.cancel_reason == "customer changed mind"
    finally:
        world.instance.registry.pm.unregister(plugin)


def test_closed_order_cannot_be_cancelled(world: World) -> None:
    from kernel.errors import WorkflowError

    _autoapprove(world)
    with world.unit() as env:
        order = _new(env, world)
        orders.submit(env, order)
        assert order.state == "closed"
        with pytest.raises(WorkflowError):
            orders.cancel(env, order, "too late")


def test_checks_are_read_only_and_go_with_their_order(world: World) -> None:
    """Findings are a system model: nobody removes one, but deleting the order removes them."""
    _set_partner(world, credit_limit=Decimal("1000"))
    with world.unit(world.manager) as env:
        order = _new(env, world)
        orders.submit(env, order)
        assert [(c.code, c.severity) for c in order.checks] == [("credit_limit", "ok")]
        order_id = order.id
    with pytest.raises(AccessDenied), world.unit(world.manager) as env:
        env.session.delete(env.get("sale.order", order_id).checks[0])
        env.session.flush()
    with pytest.raises(AccessDenied), world.unit(world.manager) as env:
        env.get("sale.order", order_id).checks[0].severity = "block"
        env.session.flush()
    with world.unit(world.manager) as env:
        orders.cancel(env, order_id, "customer withdrew")
        env.session.delete(env.get("sale.order", order_id))
    with world.instance.unit(None, su=True) as env:
        Check = env["sale.order.check"]
        assert env.session.scalars(select(Check).where(Check.order_id == order_id)).all() == []

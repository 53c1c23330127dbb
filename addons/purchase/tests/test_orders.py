"""Purchase orders: prices, totals, approval threshold, receipts, cancellation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from addons.purchase.services import orders as po
from addons.purchase.tests.conftest import make_goods
from addons.stock.services.availability import availability
from addons.stock.services.pickings import validate_picking
from kernel import workflow
from kernel.errors import AccessDenied, ValidationError, WorkflowError


def _receipt(env, order):
    from addons.purchase.services.receipts import receipts_of

    return next(p for p in receipts_of(env, order) if p.state not in ("done", "cancelled"))


def test_prices_come_from_supplier_price_breaks_and_totals_include_vat(purchase_instance):
    ids = make_goods(purchase_instance)
    with purchase_instance.unit(ids["buyer"]) as env:
        order = po.create_order(
            env,
            ids["supplier"],
            [
                {"product_id": ids["products"][0], "quantity": "10"},
                {"product_id": ids["products"][1], "quantity": "150"},
            ],
        )
        small, large = order.lines
        assert small.price_unit == Decimal("9.50")
        assert large.price_unit == Decimal("8.80")  # the 100+ price break applies
        assert order.amount_untaxed == Decimal("95.00") + Decimal("1320.00")
        assert order.amount_tax == Decimal("12.35") + Decimal("171.60")
        assert order.amount_total == order.amount_untaxed + order.amount_tax
        assert order.name.startswith("PO")


def test_non_supplier_is_refused_with_a_clear_error(purchase_instance):
    ids = make_goods(purchase_instance)
    with purchase_instance.unit(None, su=True) as env:
        customer = env["res.partner"](name="Only a customer", is_customer=True)
        env.session.add(customer)
        env.session.flush()
        with pytest.raises(ValidationError) as err:
            po.create_order(env, customer.id, [{"product_id": ids["products"][0], "quantity": "1"}])
        assert err.value.fields.keys() == {"partner_id"}


def test_confirm_creates_receipt_and_receiving_updates_stock_and_closes_order(purchase_instance):
    ids = make_goods(purchase_instance)
    pid = ids["products"][0]
    with purchase_instance.unit(ids["buyer"]) as env:
        order = po.create_order(env, ids["supplier"], [{"product_id": pid, "quantity": "40"}])
        po.confirm(env, order)
        assert order.state == "confirmed"
        order_id = order.id
    with purchase_instance.unit(ids["buyer"]) as env:
        order = env.get("purchase.order", order_id)
        picking = _receipt(env, order)
        move = picking.moves[0]
        backorder = validate_picking(env, picking, {move.id: Decimal("15")})
        assert backorder is not None
        assert order.lines[0].qty_received == Decimal("15")
        assert order.receipt_status == "partial"
        assert order.state == "confirmed"
        assert availability(env, [pid])[pid]["on_hand"] == Decimal("15")
    with purchase_instance.unit(ids["buyer"]) as env:
        order = env.get("purchase.order", order_id)
        validate_picking(env, _receipt(env, order))
        assert order.lines[0].qty_received == Decimal("40")
        assert order.receipt_status == "full"
        # no accounting installed: nothing left to settle, the order is done
        assert order.state == "done"
        assert availability(env, [pid])[pid]["on_hand"] == Decimal("40")


def test_orders_above_threshold_need_a_manager(purchase_instance):
    ids = make_goods(purchase_instance)
    with purchase_instance.unit(None, su=True) as env:
        env.session.add(env["ir.setting"](key="purchase_approval_amount", value="1000"))
    with purchase_instance.unit(ids["buyer"]) as env:
        order = po.create_order(
            env, ids["supplier"], [{"product_id": ids["products"][0], "quantity": "500"}]
        )
        with pytest.raises(ValidationError):
            workflow.fire(env, order, "confirm")
        po.confirm(env, order)
        assert order.state == "to_approve"
        with pytest.raises(AccessDenied):
            workflow.fire(env, order, "approve")
        order_id = order.id
    with purchase_instance.unit(ids["manager"]) as env:
        order = env.get("purchase.order", order_id)
        workflow.fire(env, order, "approve")
        assert order.state == "confirmed"
        assert order.approved_by_id == ids["manager"]


def test_confirmed_order_amounts_are_locked_and_cancel_needs_reason(purchase_instance):
    ids = make_goods(purchase_instance)
    with purchase_instance.unit(ids["buyer"]) as env:
        order = po.create_order(
            env, ids["supplier"], [{"product_id": ids["products"][0], "quantity": "5"}]
        )
        po.confirm(env, order)
        order_id = order.id
    from kernel.errors import ConflictError

    with pytest.raises(ConflictError), purchase_instance.unit(ids["buyer"]) as env:
        order = env.get("purchase.order", order_id)
        order.amount_total = Decimal("1")
        env.session.flush()
    with purchase_instance.unit(ids["buyer"]) as env:
        order = env.get("purchase.order", order_id)
        with pytest.raises(ValidationError):
            workflow.fire(env, order, "cancel")
        workflow.fire(env, order, "cancel", reason="supplier cannot deliver")
        assert order.state == "cancelled"
        Picking = env["stock.picking"]
        states = set(
            env.session.scalars(
                select(Picking.state).where(
                    Picking.origin_id == order_id, Picking.origin_model == "purchase.order"
                )
            )
        )
        assert states == {"cancelled"}
        with pytest.raises(WorkflowError):
            workflow.fire(env, order, "confirm")


def test_removing_a_draft_line_updates_the_order_totals(purchase_instance):
    """A line deleted on its own (API DELETE) or dropped from the order's lines (API PATCH,
    form) takes its amounts with it: the totals never keep a line that is gone."""
    ids = make_goods(purchase_instance)
    with purchase_instance.unit(ids["buyer"]) as env:
        order = po.create_order(
            env,
            ids["supplier"],
            [
                {"product_id": ids["products"][0], "quantity": "10"},
                {"product_id": ids["products"][1], "quantity": "20"},
                {"product_id": ids["products"][1], "quantity": "30"},
            ],
        )
        order_id = order.id
        first, second, third = (line.id for line in order.lines)
    with purchase_instance.unit(ids["buyer"]) as env:
        env.session.delete(env.session.get(env["purchase.order.line"], third))
        env.session.flush()
        order = env.session.get(env["purchase.order"], order_id)
        assert order.amount_untaxed == Decimal("285.00")  # (10 + 20) × 9.50
    with purchase_instance.unit(ids["buyer"]) as env:
        order = env.session.get(env["purchase.order"], order_id)
        order.lines = [line for line in order.lines if line.id == first]
        env.session.flush()
        assert order.amount_untaxed == Decimal("95.00")
        assert order.amount_total == Decimal("107.35")
    with purchase_instance.unit(ids["buyer"], readonly=True) as env:
        order = env.session.get(env["purchase.order"], order_id)
        assert [line.id for line in order.lines] == [first] and second != first
        assert order.amount_total == Decimal("107.35")

"""With sales_order: approval reserves and plans the delivery; shipping completes the order."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from addons.stock.services import availability, receive, validate_picking
from addons.stock.services.pickings import picking_moves
from addons.stock.tests.conftest import make_product
from kernel import workflow
from kernel.errors import ValidationError
from kernel.instance import Instance
from kernel.testing import MakeInstance, make_user

D = Decimal


@pytest.fixture
def shop(make_instance: MakeInstance) -> Instance:
    return make_instance(["sales_order", "stock"])


def _customer(env: Any) -> int:
    Partner = env["res.partner"]
    partner = Partner(name="Huaxin Trading", is_company=True, is_customer=True)
    env.session.add(partner)
    env.session.flush()
    return int(partner.id)


def _order(env: Any, customer: int, lines: list[tuple[int, Any]], **fields: Any) -> Any:
    from addons.sales_order.services.orders import approve, create_order, submit

    order = create_order(
        env,
        customer,
        [{"product_id": pid, "quantity": D(str(q)), "price_unit": D(10)} for pid, q in lines],
        **fields,
    )
    submit(env, order)
    if order.state == "submitted":
        approve(env, order)
    return order


def _delivery(env: Any, order: Any, state: str | None = None) -> Any:
    Picking = env["stock.picking"]
    query = select(Picking).where(
        Picking.origin_model == "sale.order", Picking.origin_id == order.id
    )
    if state:
        query = query.where(Picking.state == state)
    return env.session.scalars(query.order_by(Picking.id)).all()


def _milestones(env: Any, order: Any) -> dict[str, bool]:
    return {n: m.done_at is not None for n, m in workflow.milestones(env, order).items()}


def test_approval_reserves_and_full_shipment_completes_the_order(shop: Instance) -> None:
    with shop.unit(None, su=True) as env:
        widget = make_product(env, "Widget")
        service = make_product(env, "Setup", type="service")
        receive(env, widget, 10)
        order = _order(env, _customer(env), [(widget, 4), (service, 1)])
        assert order.state == "in_progress"
        (picking,) = _delivery(env, order)
        assert picking.state == "ready" and picking.picking_type == "outgoing"
        assert [m.product_id for m in picking_moves(env, picking)] == [widget]
        assert _milestones(env, order) == {"reserved": True, "shipped": False}
        assert order.stock_status == "reserved"
        line = next(ln for ln in order.lines if ln.product_id == widget)
        assert (line.reserved_qty, line.shortage_qty) == (D(4), D(0))
        validate_picking(env, picking)
        assert _milestones(env, order) == {"reserved": True, "shipped": True}
        assert order.state in ("completed", "closed")  # closed: no settlement expected
        assert order.stock_status == "shipped"
        assert line.delivered_qty == D(4)
        assert availability(env, [widget])[widget]["on_hand"] == D(6)


def test_partial_shipment_leaves_a_backorder_and_the_order_open(shop: Instance) -> None:
    with shop.unit(None, su=True) as env:
        widget = make_product(env, "Widget")
        receive(env, widget, 10)
        order = _order(env, _customer(env), [(widget, 5)])
        (picking,) = _delivery(env, order)
        (move,) = picking_moves(env, picking)
        backorder = validate_picking(env, picking, {move.id: D(2)})
        assert backorder is not None and backorder.state == "ready"
        assert order.state == "in_progress" and order.stock_status == "partial"
        assert _milestones(env, order)["shipped"] is False
        validate_picking(env, backorder)
        assert order.state in ("completed", "closed")  # closed: no settlement expected
        assert order.lines[0].delivered_qty == D(5)


def test_shortage_is_recorded_replenished_and_served_fifo_when_goods_arrive(
    make_instance: MakeInstance,
) -> None:
    import importlib
    from pathlib import Path

    fixtures = str(Path(__file__).parent / "fixtures")
    shop = make_instance(["sales_order", "stock_replenish_probe"], addons_path=[fixtures])
    probe = importlib.import_module("stock_replenish_probe.hooks")
    probe.REQUESTS.clear()
    import datetime as dt

    with shop.unit(None, su=True) as env:
        widget = make_product(env, "Widget")
        receive(env, widget, 3)
        customer = _customer(env)
        today = dt.date.today()
        older = _order(env, customer, [(widget, 5)], date_order=today - dt.timedelta(days=2))
        newer = _order(env, customer, [(widget, 4)], date_order=today)
        assert older.lines[0].reserved_qty == D(3) and older.lines[0].shortage_qty == D(2)
        assert newer.lines[0].reserved_qty == D(0) and newer.lines[0].shortage_qty == D(4)
        assert older.stock_status == "short" and newer.stock_status == "short"
        assert _milestones(env, older) == {"reserved": False, "shipped": False}
        assert [(r["quantity"], r["origin_model"], r["origin_id"]) for r in probe.REQUESTS] == [
            (D(2), "sale.order", older.id),
            (D(4), "sale.order", newer.id),
        ]
        receive(env, widget, 4)  # the older order is completed first
        assert older.lines[0].reserved_qty == D(5) and older.stock_status == "reserved"
        assert _milestones(env, older)["reserved"] is True
        assert newer.lines[0].reserved_qty == D(2) and newer.lines[0].shortage_qty == D(2)
        assert _milestones(env, newer)["reserved"] is False


def test_cancel_releases_reservations_and_is_blocked_after_shipping(shop: Instance) -> None:
    from addons.sales_order.services.orders import cancel

    with shop.unit(None, su=True) as env:
        widget = make_product(env, "Widget")
        receive(env, widget, 10)
        customer = _customer(env)
        first = _order(env, customer, [(widget, 4)])
        second = _order(env, customer, [(widget, 3)])
        assert availability(env, [widget])[widget]["reserved"] == D(7)
        cancel(env, first, "customer changed their mind")
        assert first.state == "cancelled"
        (picking,) = _delivery(env, first)
        assert picking.state == "cancelled"
        assert availability(env, [widget])[widget]["reserved"] == D(3)
        (out,) = _delivery(env, second)
        (move,) = picking_moves(env, out)
        validate_picking(env, out, {move.id: D(1)})
        with pytest.raises(ValidationError, match="already shipped"):
            cancel(env, second, "too late")


def test_sales_manager_approves_without_stock_rights(shop: Instance) -> None:
    from addons.sales_order.services.orders import approve, create_order, submit

    manager = make_user(shop, "boss", ["sales_order.group_manager"])
    with shop.unit(None, su=True) as env:
        widget = make_product(env, "Widget")
        receive(env, widget, 10)
        customer = _customer(env)
    with shop.unit(manager) as env:
        order = create_order(
            env, customer, [{"product_id": widget, "quantity": D(2), "price_unit": D(9)}]
        )
        submit(env, order)
        if order.state == "submitted":
            approve(env, order)
        assert order.lines[0].reserved_qty == D(2)
        assert availability(env, [widget])[widget]["reserved"] == D(2)


def test_reserving_an_order_costs_the_same_statements_for_10_or_100_lines(shop: Instance) -> None:
    from addons.sales_order.services.orders import create_order
    from addons.stock.services import reserve_order
    from kernel.testing import StatementCounter

    counts = []
    for size in (2, 10, 100):  # the first one also opens the year's numbering counter
        with shop.unit(None, su=True) as env:
            products = [make_product(env, f"Part {size}-{i}") for i in range(size)]
            for pid in products[::2]:
                receive(env, pid, 1)
            order = create_order(
                env,
                _customer(env),
                [{"product_id": pid, "quantity": D(2), "price_unit": D(3)} for pid in products],
            )
            order.state = "in_progress"  # as after approval, without sales' own work
            env.session.flush()
            with StatementCounter(shop.engine) as counter:
                reserve_order(env, order)
            counts.append(counter.count)
            assert sum(line.reserved_qty for line in order.lines) == D(size // 2)
            assert sum(line.shortage_qty for line in order.lines) == D(size * 3 // 2)
    assert counts[1] == counts[2], counts


def test_approval_writes_its_delivery_once_reserved_with_history_and_claims(
    shop: Instance,
) -> None:
    """Made and confirmed in one step, the delivery and its moves are inserted already
    reserved on PostgreSQL (never a draft updated moments later); the history names the
    delivery, the reservation rows name its moves, and stock holds what was promised."""
    from sqlalchemy import event

    with shop.unit(None, su=True) as env:
        widget = make_product(env, "Widget")
        gadget = make_product(env, "Gadget")
        receive(env, widget, 10)
        receive(env, gadget, 2)
        customer = _customer(env)
    written: list[str] = []

    def on_statement(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        written.append(" ".join(statement.split())[:30])

    event.listen(shop.engine, "before_cursor_execute", on_statement)
    try:
        with shop.unit(None, su=True) as env:
            order = _order(env, customer, [(widget, 4), (gadget, 5)])
            order_id = order.id
    finally:
        event.remove(shop.engine, "before_cursor_execute", on_statement)
    if shop.dialect == "postgresql":
        assert not [
            s for s in written if s.startswith(("UPDATE stock_picking", "UPDATE stock_move"))
        ]
    with shop.unit(None, su=True) as env:
        order = env.get("sale.order", order_id)
        (picking,) = _delivery(env, order)
        assert picking.state == "waiting"  # the gadget is short: 2 of 5
        moves = {m.product_id: m for m in picking_moves(env, picking)}
        assert moves[widget].state == "available" and moves[widget].reserved_qty == 4
        assert moves[gadget].state == "waiting" and moves[gadget].reserved_qty == 2
        Reservation = env["stock.reservation"]
        claims = env.session.scalars(
            select(Reservation).where(Reservation.move_id.in_([m.id for m in moves.values()]))
        ).all()
        held = {moves_id: D(0) for moves_id in (moves[widget].id, moves[gadget].id)}
        for claim in claims:
            held[claim.move_id] += claim.quantity
        assert held == {moves[widget].id: D(4), moves[gadget].id: D(2)}
        History = env["workflow.history"]
        confirmed = env.session.scalars(
            select(History.transition).where(
                History.model == "stock.picking", History.res_id == picking.id
            )
        ).all()
        assert "confirm" in confirmed
        figures = availability(env, [widget, gadget])
        assert figures[widget]["reserved"] == D(4) and figures[gadget]["reserved"] == D(2)

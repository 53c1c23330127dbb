"""The state machine: legal paths, every illegal move refused, automatic steps."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from addons.sales_order.services import orders
from addons.sales_order.tests.conftest import World
from addons.sales_order.workflow import SALE_ORDER_WORKFLOW
from kernel.errors import WorkflowError
from kernel.workflow import available, fire

STATES = [s.name for s in SALE_ORDER_WORKFLOW.states]
TRANSITIONS = [t.name for t in SALE_ORDER_WORKFLOW.transitions]
LEGAL = {(src, t.name) for t in SALE_ORDER_WORKFLOW.transitions for src in t.sources}


def _history(env, order_id):
    History = env["workflow.history"]
    return list(
        env.session.scalars(
            select(History)
            .where(History.model == "sale.order", History.res_id == order_id)
            .order_by(History.id)
        )
    )


def test_contract_names() -> None:
    assert STATES == [
        "draft",
        "submitted",
        "approved",
        "in_progress",
        "completed",
        "closed",
        "cancelled",
    ]
    assert set(TRANSITIONS) == {
        "submit",
        "approve",
        "reject",
        "start",
        "complete",
        "close",
        "cancel",
    }


def test_every_illegal_transition_is_refused(world: World) -> None:
    with world.unit(world.manager) as env:
        order = orders.create_order(
            env, world.customer, [{"product_id": world.widget, "quantity": 1}]
        )
        refused = 0
        for state in STATES:
            for name in TRANSITIONS:
                if (state, name) in LEGAL:
                    continue
                order.state = state
                with pytest.raises(WorkflowError):
                    fire(env, order, name, reason="test")
                assert order.state == state
                refused += 1
        assert refused == len(STATES) * len(TRANSITIONS) - len(LEGAL)
        order.state = "draft"


def test_unknown_action_is_refused(world: World) -> None:
    with world.unit() as env:
        order = orders.create_order(
            env, world.customer, [{"product_id": world.widget, "quantity": 1}]
        )
        with pytest.raises(WorkflowError):
            fire(env, order, "teleport")


def test_alone_an_approved_order_runs_to_closed_by_itself(world: World) -> None:
    """With only base installed nobody expects milestones: approval completes and closes."""
    with world.unit() as env:
        order = orders.create_order(
            env, world.customer, [{"product_id": world.widget, "quantity": 1}]
        )
        orders.submit(env, order)
        assert order.state == "submitted"
    with world.unit(world.manager) as env:
        order = orders.approve(env, order.id)
        assert order.state == "closed"
        moves = [
            (h.transition, h.to_state, h.automatic) for h in _history(env, order.id) if h.transition
        ]
        assert moves == [
            ("submit", "submitted", False),
            ("approve", "approved", False),
            ("start", "in_progress", True),
            ("complete", "completed", True),
            ("close", "closed", True),
        ]
        assert order.approved_by_id == world.manager and not order.auto_approved


def test_buttons_offered_follow_state_and_group(world: World) -> None:
    with world.unit() as env:
        order = orders.create_order(
            env, world.customer, [{"product_id": world.widget, "quantity": 1}]
        )
        assert {t.name for t in available(env, order)} == {"submit", "cancel"}
        orders.submit(env, order)
        assert {t.name for t in available(env, order)} == {"cancel"}
    with world.unit(world.manager) as env:
        order = env.get("sale.order", order.id)
        assert {t.name for t in available(env, order)} == {"approve", "reject", "cancel"}


def test_clerk_cannot_approve(world: World) -> None:
    from kernel.errors import AccessDenied

    with world.unit() as env:
        order = orders.create_order(
            env, world.customer, [{"product_id": world.widget, "quantity": 1}]
        )
        orders.submit(env, order)
        with pytest.raises(AccessDenied):
            orders.approve(env, order)


def test_hooks_fire_in_order(world: World) -> None:
    from kernel import hookimpl

    seen: list[str] = []

    class Recorder:
        @hookimpl
        def sale_order_submitted(self, env, order):
            seen.append(f"submitted:{order.state}")

        @hookimpl
        def sale_order_approved(self, env, order):
            seen.append(f"approved:{order.state}")

        @hookimpl
        def sale_order_confirmed(self, env, order):
            seen.append(f"confirmed:{order.state}")

        @hookimpl
        def sale_order_completed(self, env, order):
            seen.append(f"completed:{order.state}")

        @hookimpl
        def sale_order_closed(self, env, order):
            seen.append(f"closed:{order.state}")

        @hookimpl
        def sale_order_rejected(self, env, order, reason):
            seen.append(f"rejected:{reason}")

        @hookimpl
        def sale_order_cancelled(self, env, order, reason):
            seen.append(f"cancelled:{reason}")

    pm = world.instance.registry.pm
    recorder = Recorder()
    pm.register(recorder)
    try:
        with world.unit(world.manager) as env:
            order = orders.create_order(
                env, world.customer, [{"product_id": world.widget, "quantity": 1}]
            )
            orders.submit(env, order)
            orders.reject(env, order, "price too low")
            orders.submit(env, order)
            orders.approve(env, order)
            other = orders.create_order(
                env, world.customer, [{"product_id": world.widget, "quantity": 1}]
            )
            orders.cancel(env, other, "customer withdrew")
    finally:
        pm.unregister(recorder)
    assert seen == [
        "submitted:submitted",
        "rejected:price too low",
        "submitted:submitted",
        "approved:approved",
        "confirmed:in_progress",
        "completed:completed",
        "closed:closed",
        "cancelled:customer withdrew",
    ]


def test_milestones_hold_the_order_in_progress(world: World) -> None:
    """An addon that expects an execution milestone keeps the order running until it is reached."""
    from kernel import hookimpl
    from kernel.workflow import expect_milestone, reach_milestone

    class Shipper:
        @hookimpl
        def sale_order_approved(self, env, order):
            expect_milestone(env, order, "shipped", addon="test")

        @hookimpl
        def sale_order_completed(self, env, order):
            expect_milestone(env, order, "invoiced", addon="test")

    from kernel.workflow import MilestoneDef

    pm = world.instance.registry.pm
    wf = world.instance.registry.workflows["sale.order"]
    defs = [
        MilestoneDef("shipped", "Shipped", "execution"),
        MilestoneDef("invoiced", "Invoiced", "settlement"),
    ]
    wf.milestones.extend(defs)
    shipper = Shipper()
    pm.register(shipper)
    try:
        with world.unit(world.manager) as env:
            order = orders.create_order(
                env, world.customer, [{"product_id": world.widget, "quantity": 1}]
            )
            orders.submit(env, order)
            orders.approve(env, order)
            assert order.state == "in_progress"
            reach_milestone(env, order, "shipped", addon="test")
            assert order.state == "completed"
            reach_milestone(env, order, "invoiced", addon="test")
            assert order.state == "closed"
    finally:
        pm.unregister(shipper)
        for d in defs:
            wf.milestones.remove(d)

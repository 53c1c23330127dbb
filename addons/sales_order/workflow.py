"""The sales order workflow: states, transitions and what each one triggers.

draft → submitted → approved → in_progress → completed → closed, with reject
(back to draft, reason kept) and cancel (reason, unless an addon objects).
The workflow declares three phases. ``start`` waits for ``approval``, a phase no
milestone belongs to, so it fires by itself once ``approve`` and all of approve's
actions — including those other addons add through a ``WorkflowExtension`` — have
returned. ``complete`` and
``close`` fire when every expected execution / settlement milestone is done.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from addons.sales_order.hookspecs import SalesOrderHooks
from kernel.i18n import _
from kernel.workflow import Move, State, Transition, Workflow

if TYPE_CHECKING:
    from kernel.env import Env

USER = "sales_order.group_user"
MANAGER = "sales_order.group_manager"


def _guard_complete(env: Env, order: Any) -> None:
    from addons.sales_order.services.completeness import ensure_complete

    ensure_complete(env, order)
    return None


def _guard_not_blocked(env: Env, order: Any) -> Any:
    from addons.sales_order.services.checks import blocking_messages

    blocked = blocking_messages(order)
    if blocked:
        return _("approval is blocked: %(reasons)s", reasons="; ".join(blocked))
    return None


def _guard_cancel_allowed(env: Env, order: Any) -> Any:
    blockers = [
        str(msg)
        for answer in SalesOrderHooks(env).sale_order_cancel_blockers(env=env, order=order)
        for msg in answer or []
    ]
    if blockers:
        return _("the order cannot be cancelled: %(reasons)s", reasons="; ".join(blockers))
    return None


def _on_submit(env: Env, order: Any, move: Move) -> None:
    from addons.sales_order.services.review import after_submit

    after_submit(env, order)


def _on_approve(env: Env, order: Any, move: Move) -> None:
    from kernel.fields import utcnow

    order.approved_by_id = None if move.automatic else env.uid
    order.auto_approved = move.automatic
    order.approved_at = utcnow()
    order.reject_reason = ""
    SalesOrderHooks(env).sale_order_approved(env=env, order=order)


def _on_reject(env: Env, order: Any, move: Move) -> None:
    order.reject_reason = move.reason
    order.submitted_at = None
    SalesOrderHooks(env).sale_order_rejected(env=env, order=order, reason=move.reason)


def _on_start(env: Env, order: Any, move: Move) -> None:
    SalesOrderHooks(env).sale_order_confirmed(env=env, order=order)


def _on_complete(env: Env, order: Any, move: Move) -> None:
    SalesOrderHooks(env).sale_order_completed(env=env, order=order)


def _on_close(env: Env, order: Any, move: Move) -> None:
    SalesOrderHooks(env).sale_order_closed(env=env, order=order)


def _on_cancel(env: Env, order: Any, move: Move) -> None:
    order.cancel_reason = move.reason
    SalesOrderHooks(env).sale_order_cancelled(env=env, order=order, reason=move.reason)


SALE_ORDER_WORKFLOW = Workflow(
    model="sale.order",
    phases=("approval", "execution", "settlement"),
    states=[
        State("draft", _("Draft")),
        State("submitted", _("Submitted")),
        State("approved", _("Approved")),
        State("in_progress", _("In progress")),
        State("completed", _("Completed")),
        State("closed", _("Closed"), kind="done"),
        State("cancelled", _("Cancelled"), kind="cancel"),
    ],
    transitions=[
        Transition(
            "submit",
            ("draft",),
            "submitted",
            _("Submit"),
            group=USER,
            guards=[_guard_complete],
            actions=[_on_submit],
        ),
        Transition(
            "approve",
            ("submitted",),
            "approved",
            _("Approve"),
            group=MANAGER,
            guards=[_guard_not_blocked],
            actions=[_on_approve],
        ),
        Transition(
            "reject",
            ("submitted",),
            "draft",
            _("Reject"),
            group=MANAGER,
            requires_reason=True,
            actions=[_on_reject],
            style="danger",
        ),
        Transition(
            "start",
            ("approved",),
            "in_progress",
            _("Start"),
            group=USER,
            actions=[_on_start],
            button=False,
            auto="approval",
        ),
        Transition(
            "complete",
            ("in_progress",),
            "completed",
            _("Complete"),
            actions=[_on_complete],
            button=False,
            auto="execution",
        ),
        Transition(
            "close",
            ("completed",),
            "closed",
            _("Close"),
            actions=[_on_close],
            button=False,
            auto="settlement",
        ),
        Transition(
            "cancel",
            ("draft", "submitted", "approved", "in_progress"),
            "cancelled",
            _("Cancel"),
            group=USER,
            requires_reason=True,
            guards=[_guard_cancel_allowed],
            actions=[_on_cancel],
            style="danger",
        ),
    ],
)

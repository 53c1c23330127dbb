"""The purchase order workflow.

draft → sent (RFQ sent) → confirmed → received → done; orders above the approval
threshold go to ``to_approve`` and need a purchase manager. ``receive`` fires by
itself when every ordered unit arrived (the ``received`` milestone), ``finish``
when the settlement milestones an accounting addon expects (billed, paid) are
done — immediately where no accounting is installed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kernel.i18n import _
from kernel.workflow import MilestoneDef, Move, State, Transition, Workflow

if TYPE_CHECKING:
    from kernel.env import Env

USER = "purchase.group_user"
MANAGER = "purchase.group_manager"


def _guard_has_lines(env: Env, order: Any) -> Any:
    from addons.purchase.services.orders import completeness_problems

    problems = completeness_problems(env, order)
    return "; ".join(str(p) for p in problems) if problems else None


def _guard_within_threshold(env: Env, order: Any) -> Any:
    from addons.purchase.services.orders import needs_approval

    if needs_approval(env, order) and not env.has_group(MANAGER):
        return _(
            "orders above %(limit)s need a purchase manager's approval: use Request approval",
            limit=str(env.setting("purchase_approval_amount", "50000")),
        )
    return None


def _guard_above_threshold(env: Env, order: Any) -> Any:
    from addons.purchase.services.orders import needs_approval

    if not needs_approval(env, order):
        return _("this order is within the approval threshold: confirm it directly")
    return None


def _on_confirm(env: Env, order: Any, move: Move) -> None:
    from addons.purchase.services.orders import after_confirm

    after_confirm(env, order, approved=move.from_state == "to_approve")


def _on_cancel(env: Env, order: Any, move: Move) -> None:
    from addons.purchase.services.orders import after_cancel

    order.cancel_reason = move.reason
    after_cancel(env, order)


def _guard_cancel(env: Env, order: Any) -> Any:
    if any(line.qty_received > 0 for line in order.lines):
        return _("goods were already received for this order; return them instead of cancelling")
    return None


PURCHASE_ORDER_WORKFLOW = Workflow(
    model="purchase.order",
    addon="purchase",
    states=[
        State("draft", _("Draft")),
        State("sent", _("RFQ sent")),
        State("to_approve", _("To approve")),
        State("confirmed", _("Confirmed")),
        State("received", _("Received")),
        State("done", _("Done"), kind="done"),
        State("cancelled", _("Cancelled"), kind="cancel"),
    ],
    transitions=[
        Transition(
            "send",
            ("draft",),
            "sent",
            _("Mark RFQ sent"),
            group=USER,
            guards=[_guard_has_lines],
            style="secondary",
        ),
        Transition(
            "confirm",
            ("draft", "sent"),
            "confirmed",
            _("Confirm order"),
            group=USER,
            guards=[_guard_has_lines, _guard_within_threshold],
            actions=[_on_confirm],
        ),
        Transition(
            "request_approval",
            ("draft", "sent"),
            "to_approve",
            _("Request approval"),
            group=USER,
            guards=[_guard_has_lines, _guard_above_threshold],
            style="secondary",
        ),
        Transition(
            "approve",
            ("to_approve",),
            "confirmed",
            _("Approve"),
            group=MANAGER,
            actions=[_on_confirm],
        ),
        Transition(
            "refuse",
            ("to_approve",),
            "draft",
            _("Refuse"),
            group=MANAGER,
            requires_reason=True,
            style="danger",
        ),
        Transition("receive", ("confirmed",), "received", _("Received"), auto="execution"),
        Transition("finish", ("received",), "done", _("Done"), auto="settlement"),
        Transition(
            "cancel",
            ("draft", "sent", "to_approve", "confirmed"),
            "cancelled",
            _("Cancel"),
            group=USER,
            requires_reason=True,
            guards=[_guard_cancel],
            actions=[_on_cancel],
            style="danger",
        ),
    ],
    milestones=[MilestoneDef("received", _("Goods received"), "execution", sequence=10)],
)

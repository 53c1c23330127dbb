"""What billing adds to two workflows.

Purchase orders get the ``billed`` and ``paid`` settlement milestones and a
"Create bill" button (a transition that stays in its state: one for confirmed
orders, one for received ones). Buyers press it — they know what arrived — and
get a *draft* bill, which accountants check and post; preparing the draft is done
under ``env.sudo`` since buyers have no rights on the books. Journal entries get a guard and an action on
``post``: a purchase bill is checked against the received quantities before it
is posted, and its quantities are recorded on the order once it is.
"""

from __future__ import annotations

from typing import Any

from kernel.i18n import _
from kernel.workflow import MilestoneDef, Transition, WorkflowExtension

BUYER = "purchase.group_user"


def _guard_something_to_bill(env: Any, order: Any) -> Any:
    from addons.purchase_accounting.services.bills import open_quantities

    with env.sudo("the Create bill button reads the quantities already on draft bills"):
        quantities = open_quantities(env, order)
    if not any(qty > 0 for qty in quantities.values()):
        return _("nothing to bill: every received quantity is billed or on a draft bill")
    return None


def _create_bill(env: Any, order: Any, move: Any) -> None:
    from addons.purchase_accounting.services.bills import create_bill

    with env.sudo("a buyer prepares the draft bill of received goods; accountants post it"):
        create_bill(env, order)


def _guard_bill_postable(env: Any, entry: Any) -> Any:
    from addons.purchase_accounting.services.bills import check_postable

    check_postable(env, entry)  # raises with the field and product named
    return None


def _record_posting(env: Any, entry: Any, move: Any) -> None:
    from addons.purchase_accounting.services.bills import record_posting

    record_posting(env, entry)


def _bill_transition(name: str, state: str) -> Transition:
    return Transition(
        name,
        (state,),
        state,
        _("Create bill"),
        group=BUYER,
        guards=[_guard_something_to_bill],
        actions=[_create_bill],
        style="secondary",
    )


PURCHASE_ORDER_BILLING = WorkflowExtension(
    "purchase.order",
    transitions=[
        _bill_transition("create_bill", "confirmed"),
        _bill_transition("create_bill_received", "received"),
    ],
    milestones=[
        MilestoneDef("billed", _("Billed"), "settlement", sequence=10),
        MilestoneDef("paid", _("Paid"), "settlement", sequence=20),
    ],
)

BILL_POSTING = WorkflowExtension(
    "account.move",
    guards={"post": [_guard_bill_postable]},
    actions={"post": [_record_posting]},
)

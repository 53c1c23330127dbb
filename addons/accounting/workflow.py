"""The journal entry workflow (draft → posted) and accounting's milestones on sales orders."""

from __future__ import annotations

from typing import Any

from kernel.i18n import _
from kernel.workflow import MilestoneDef, State, Transition, Workflow, WorkflowExtension


def _guard(env: Any, move: Any) -> Any:
    from addons.accounting.services.moves import postable_problem

    return postable_problem(env, move)


def _post(env: Any, move: Any, wf_move: Any) -> None:
    from addons.accounting.services.moves import _on_post

    _on_post(env, move, wf_move)
    from addons.accounting.notifications import invoice_posted

    invoice_posted(env, move)


def _reverse(env: Any, move: Any, wf_move: Any) -> None:
    from addons.accounting.services.moves import reverse

    reverse(env, move, reason=wf_move.reason)


def _book_payment(env: Any, payment: Any, wf_move: Any) -> None:
    from addons.accounting.services.payments import book_payment

    book_payment(env, payment, wf_move.params.get("invoices"))


MOVE_WORKFLOW = Workflow(
    model="account.move",
    states=[State("draft", _("Draft")), State("posted", _("Posted"), kind="done")],
    transitions=[
        Transition(
            "post",
            ("draft",),
            "posted",
            _("Post"),
            group="accounting.group_user",
            guards=[_guard],
            actions=[_post],
        ),
        Transition(
            "reverse",
            ("posted",),
            "posted",
            _("Reverse"),
            group="accounting.group_manager",
            requires_reason=True,
            actions=[_reverse],
            style="danger",
        ),
    ],
)

PAYMENT_WORKFLOW = Workflow(
    model="account.payment",
    states=[State("draft", _("Draft")), State("posted", _("Posted"), kind="done")],
    transitions=[
        Transition(
            "post",
            ("draft",),
            "posted",
            _("Post"),
            group="accounting.group_user",
            actions=[_book_payment],
        )
    ],
)

SALE_ORDER_EXTENSION = WorkflowExtension(
    "sale.order",
    milestones=[
        MilestoneDef("invoiced", _("Invoiced"), "settlement", sequence=10),
        MilestoneDef("settled", _("Paid"), "settlement", sequence=20),
    ],
)

"""The work order workflow: pending → in progress (clocked in) → done (clocked out).

Firing ``start`` / ``finish`` is the same from the production order's form (its
"Start operation" / "Finish operation" buttons), the work order's own form and
the API (``POST /api/v1/mrp.production.operation/{id}/actions/start``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kernel.i18n import _
from kernel.workflow import Move, State, Transition, Workflow

if TYPE_CHECKING:
    from kernel.env import Env

USER = "mrp.group_user"


def _guard_start(env: Env, operation: Any) -> Any:
    from addons.mrp.services.operations import start_problems

    return start_problems(env, operation)


def _on_start(env: Env, operation: Any, move: Move) -> None:
    from addons.mrp.services.operations import start

    start(env, operation)


def _on_finish(env: Env, operation: Any, move: Move) -> None:
    from addons.mrp.services.operations import finish

    finish(env, operation)


OPERATION_WORKFLOW = Workflow(
    model="mrp.production.operation",
    addon="mrp",
    states=[
        State("pending", _("Pending")),
        State("in_progress", _("In progress")),
        State("done", _("Done"), kind="done"),
        State("cancelled", _("Cancelled"), kind="cancel"),
    ],
    transitions=[
        Transition(
            "start",
            ("pending",),
            "in_progress",
            _("Start"),
            group=USER,
            guards=[_guard_start],
            actions=[_on_start],
        ),
        Transition(
            "finish",
            ("in_progress",),
            "done",
            _("Finish"),
            group=USER,
            actions=[_on_finish],
        ),
    ],
)

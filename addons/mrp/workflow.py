"""The production order workflow.

draft → confirmed (components reserved) → in progress (work started) → done
(components consumed, product in stock); cancel releases what was reserved. An
order whose bill has inspection points passes through the quality check
(in progress → quality → done, see ``services/quality.py``).
A confirmed order may be finished directly: a small shop does not clock in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kernel.i18n import _
from kernel.workflow import Move, State, Transition, Workflow

if TYPE_CHECKING:
    from kernel.env import Env

USER = "mrp.group_user"


def _guard_confirm(env: Env, production: Any) -> Any:
    from addons.mrp.services.production import confirm_problems

    return confirm_problems(env, production)


def _on_confirm(env: Env, production: Any, move: Move) -> None:
    from addons.mrp.services.production import confirm

    confirm(env, production)


def _on_start(env: Env, production: Any, move: Move) -> None:
    from addons.mrp.services.production import start

    start(env, production)


def _guard_inspect(env: Env, production: Any) -> Any:
    from addons.mrp.services.quality import inspect_problems

    return inspect_problems(env, production)


def _guard_produce(env: Env, production: Any) -> Any:
    from addons.mrp.services.quality import produce_problems

    return produce_problems(env, production)


def _before_produce(env: Env, production: Any, move: Move) -> None:
    from addons.mrp.services.quality import before_produce

    before_produce(env, production)


def _after_produce(env: Env, production: Any, move: Move) -> None:
    from addons.mrp.services.quality import after_produce

    after_produce(env, production)


def _on_produce(env: Env, production: Any, move: Move) -> None:
    from addons.mrp.services.production import produce

    produce(env, production)


def _scrap_unreworked(env: Env, production: Any, move: Move) -> None:
    from addons.mrp.services.quality import cancel_rework

    cancel_rework(env, production)


def _on_cancel(env: Env, production: Any, move: Move) -> None:
    from addons.mrp.services.production import cancel

    cancel(env, production, move.reason)


PRODUCTION_WORKFLOW = Workflow(
    model="mrp.production",
    addon="mrp",
    states=[
        State("draft", _("Draft")),
        State("confirmed", _("Confirmed")),
        State("in_progress", _("In progress")),
        State("quality", _("Quality check")),
        State("done", _("Done"), kind="done"),
        State("cancelled", _("Cancelled"), kind="cancel"),
    ],
    transitions=[
        Transition(
            "confirm",
            ("draft",),
            "confirmed",
            _("Confirm"),
            group=USER,
            guards=[_guard_confirm],
            actions=[_on_confirm],
        ),
        Transition(
            "start",
            ("confirmed",),
            "in_progress",
            _("Start production"),
            group=USER,
            actions=[_on_start],
            style="secondary",
        ),
        Transition(
            "inspect",
            ("in_progress",),
            "quality",
            _("Send to quality check"),
            group=USER,
            guards=[_guard_inspect],
        ),
        Transition(
            "produce",
            ("confirmed", "in_progress", "quality"),
            "done",
            _("Mark as done"),
            group=USER,
            guards=[_guard_produce],
            actions=[_before_produce, _on_produce, _after_produce],
        ),
        Transition(
            "cancel",
            ("draft", "confirmed", "in_progress", "quality"),
            "cancelled",
            _("Cancel"),
            group=USER,
            requires_reason=True,
            actions=[_scrap_unreworked, _on_cancel],
            style="danger",
        ),
    ],
)

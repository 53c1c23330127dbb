"""The transfer workflow: draft → waiting ⇄ ready → done, or cancelled.

``waiting`` and ``ready`` follow the reservations (set by the reservation service
without a history row, since they change whenever goods come and go); confirm,
check availability, validate and cancel are user actions guarded by the stock groups.
"""

from __future__ import annotations

from addons.stock.services import inventory, pickings
from kernel.i18n import _
from kernel.workflow import MilestoneDef, State, Transition, Workflow, WorkflowExtension

PICKING_WORKFLOW = Workflow(
    model="stock.picking",
    addon="stock",
    states=[
        State("draft", _("Draft")),
        State("waiting", _("Waiting")),
        State("ready", _("Ready")),
        State("done", _("Done"), kind="done"),
        State("cancelled", _("Cancelled"), kind="cancel"),
    ],
    transitions=[
        Transition(
            "confirm",
            ("draft",),
            "waiting",
            _("Mark as to do"),
            group="stock.group_user",
            actions=[pickings.action_confirm],
        ),
        Transition(
            "reserve",
            ("waiting",),
            "waiting",
            _("Check availability"),
            group="stock.group_user",
            actions=[pickings.action_reserve],
            style="secondary",
        ),
        Transition(
            "validate",
            ("waiting", "ready"),
            "done",
            _("Validate"),
            group="stock.group_user",
            actions=[pickings.action_validate],
        ),
        Transition(
            "cancel",
            ("draft", "waiting", "ready"),
            "cancelled",
            _("Cancel"),
            group="stock.group_user",
            actions=[pickings.action_cancel],
            style="danger",
        ),
    ],
)

SALE_ORDER_EXTENSION = WorkflowExtension(
    "sale.order",
    milestones=[
        MilestoneDef("reserved", _("Reserved"), "execution", sequence=10),
        MilestoneDef("shipped", _("Shipped"), "execution", sequence=20),
    ],
)


INVENTORY_WORKFLOW = Workflow(
    model="stock.inventory",
    addon="stock",
    states=[
        State("draft", _("Draft")),
        State("in_progress", _("Counting")),
        State("done", _("Done"), kind="done"),
        State("cancelled", _("Cancelled"), kind="cancel"),
    ],
    transitions=[
        Transition(
            "start",
            ("draft",),
            "in_progress",
            _("Start counting"),
            group="stock.group_user",
            actions=[inventory.action_start],
        ),
        Transition(
            "validate",
            ("draft", "in_progress"),
            "done",
            _("Validate count"),
            group="stock.group_manager",
            actions=[inventory.action_validate],
        ),
        Transition(
            "cancel",
            ("draft", "in_progress"),
            "cancelled",
            _("Cancel"),
            group="stock.group_user",
            style="danger",
        ),
    ],
)

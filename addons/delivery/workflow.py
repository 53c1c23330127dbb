"""The shipment workflow: shipped → signed (proof of delivery), or → cancelled before the
carrier moved the goods."""

from __future__ import annotations

from addons.delivery.services.cancelling import cancel_shipment, not_moving
from addons.delivery.services.refusal import refusal_explained
from addons.delivery.services.signing import record_signature, signer_named
from kernel.i18n import _
from kernel.workflow import State, Transition, Workflow

SHIPMENT_WORKFLOW = Workflow(
    model="delivery.shipment",
    addon="delivery",
    states=[
        State("shipped", _("Shipped")),
        State("signed", _("Signed"), kind="done"),
        State("cancelled", _("Cancelled"), kind="cancel"),
    ],
    transitions=[
        Transition(
            "sign",
            ("shipped",),
            "signed",
            _("Record signature"),
            group="delivery.group_user",
            guards=[signer_named, refusal_explained],
            actions=[record_signature],
        ),
        Transition(
            "cancel",
            ("shipped",),
            "cancelled",
            _("Cancel shipment"),
            group="delivery.group_user",
            guards=[not_moving],
            actions=[cancel_shipment],
            requires_reason=True,
            style="danger",
        ),
    ],
)

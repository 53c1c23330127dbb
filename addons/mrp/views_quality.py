"""Screens of quality inspection and finished lots on the production order (see views.py)."""

from __future__ import annotations

from typing import Any

from kernel.i18n import _, text_of
from kernel.web.views import (
    Action,
    Filter,
    FormView,
    Lines,
    ListView,
    Outcome,
    Param,
    Section,
    View,
)

QUALITY_FIELDS = ["qty_failed", "rework_of_id", "finished_lots"]

QUALITY_LINES = Lines(
    "quality_checks",
    [
        "date",
        "quantity",
        "qty_passed",
        "qty_failed",
        "failed_action",
        "result",
        "point_id",
        "inspector_id",
        "note",
        "rework_id",
    ],
    _("Inspections"),
    readonly=True,
)


def _failed_reason(production: Any) -> str:
    from addons.mrp.models.quality import FAILED_ACTIONS

    actions = dict(FAILED_ACTIONS)
    return "; ".join(
        text_of(
            _(
                "%(failed)s of %(quantity)s failed (%(action)s)",
                failed=format(c.qty_failed.normalize(), "f"),
                quantity=format(c.quantity.normalize(), "f"),
                action=text_of(actions.get(c.failed_action, c.failed_action)),
            )
        )
        + (": " + c.note if c.note else "")
        for c in production.quality_checks
        if c.qty_failed
    )


# a failed inspection shows beside the state in lists and at the top of the form
QUALITY_OUTCOMES = [
    Outcome(
        "failed_inspection",
        _("Failed inspection"),
        lambda env, M: M.qty_failed > 0,
        _failed_reason,
        style="warning",
    )
]


def _inspect(env: Any, records: list[Any], params: dict[str, Any]) -> Any:
    from addons.mrp.services.quality import record_check

    for production in records:
        record_check(
            env,
            production,
            params.get("quantity"),
            params.get("qty_passed"),
            params.get("qty_failed"),
            params.get("failed_action"),
            params.get("note") or "",
            params.get("point_id"),
        )
    return records[0] if records else None


def _left(env: Any, records: list[Any]) -> Any:
    from addons.mrp.services.quality import to_inspect

    return f"{to_inspect(env, records[0]).normalize():f}" if records else None


def _zero(env: Any, records: list[Any]) -> Any:
    return "0"


def _failed_actions(env: Any, records: list[Any]) -> list[Any]:
    from addons.mrp.models.quality import FAILED_ACTIONS

    return [(key, text_of(label)) for key, label in FAILED_ACTIONS if key != "none"]


def _points(env: Any, records: list[Any]) -> list[tuple[int, str]]:
    if not records or not records[0].bom_id:
        return []
    return [(p.id, p.name) for p in records[0].bom.quality_points]


INSPECT = Action(
    "inspect_units",
    _("Record inspection"),
    _inspect,
    params=(
        Param("quantity", _("Inspected"), "quantity", default=_left),
        Param("qty_passed", _("Passed"), "quantity", default=_left),
        Param("qty_failed", _("Failed"), "quantity", required=False, default=_zero),
        Param("failed_action", _("Failed units"), required=False, choices=_failed_actions),
        Param(
            "point_id",
            _("Inspection point"),
            "many2one",
            relation="mrp.quality.point",
            required=False,
            choices=_points,
        ),
        Param("note", _("Notes"), required=False),
    ),
    group="mrp.group_user",
    states=("quality",),
    help=_("How many units passed and failed; failed units are scrapped or reworked on finishing"),
)


def _set_lots(env: Any, records: list[Any], params: dict[str, Any]) -> Any:
    from addons.mrp.services.lots import set_finished_lots

    for production in records:
        set_finished_lots(env, production, params.get("lots") or "")
    return records[0] if records else None


def _tracked(production: Any) -> bool:
    return bool(production.product is not None and production.product.tracking != "none")


FINISHED_LOTS = Action(
    "finished_lots",
    _("Lot numbers"),
    _set_lots,
    params=(Param("lots", _("Finished lots"), required=False),),
    group="mrp.group_user",
    states=("confirmed", "in_progress", "quality"),
    when=_tracked,
    help=_(
        "Lot or serial numbers for the goods made (one per unit when serial-tracked, "
        "separated by commas); left empty, they are numbered when the order is finished"
    ),
)


INSPECTIONS = View(
    model="mrp.quality.check",
    url="mrp/inspections",
    title=_("Inspections"),
    create=False,
    list=ListView(
        columns=[
            "date",
            "production_id",
            "quantity",
            "qty_passed",
            "qty_failed",
            "failed_action",
            "result",
            "inspector_id",
        ],
        search=["note"],
        filters=[Filter("failed", _("Failed"), lambda env, M: M.qty_failed > 0)],
        group_by=["result", "failed_action", "inspector_id"],
        sums=["quantity", "qty_passed", "qty_failed"],
        order="-date",
    ),
    form=FormView(
        sections=[
            Section(None, ["production_id", "date", "inspector_id", "point_id"]),
            Section(
                _("Result"),
                ["quantity", "qty_passed", "qty_failed", "failed_action", "result", "rework_id"],
            ),
            Section(_("Notes"), ["note"]),
        ],
        readonly=True,
    ),
)

VIEWS = [INSPECTIONS]

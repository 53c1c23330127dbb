"""Screens and menus of work centres, calendars and work orders; the production order's
"Start operation" / "Finish operation" buttons."""

from __future__ import annotations

from typing import Any

from kernel.i18n import _
from kernel.web.views import Action, Filter, FormView, Lines, ListView, Param, Section, View

MANAGER = "mrp.group_manager"
USER = "mrp.group_user"


def _operations_in(state: str) -> Any:
    def choices(env: Any, records: list[Any]) -> list[tuple[int, str]]:
        from addons.mrp.services.operations import operation_choices

        return operation_choices(env, records[0], state) if records else []

    return choices


def _first_in(state: str) -> Any:
    def default(env: Any, records: list[Any]) -> Any:
        from addons.mrp.services.operations import operation_choices

        found = operation_choices(env, records[0], state) if records else []
        return found[0][0] if found else None

    return default


def _fire(action: str) -> Any:
    def run(env: Any, records: list[Any], params: dict[str, Any]) -> Any:
        from addons.mrp.services.operations import fire_on

        for production in records:
            fire_on(env, production, int(params["operation_id"]), action)
        return records[0] if records else None

    return run


def _has(state: str) -> Any:
    return lambda record: any(op.state == state for op in record.operations)


START_OPERATION = Action(
    "start_operation",
    _("Start operation"),
    _fire("start"),
    params=(
        Param(
            "operation_id",
            _("Operation"),
            "many2one",
            relation="mrp.production.operation",
            choices=_operations_in("pending"),
            default=_first_in("pending"),
        ),
    ),
    group=USER,
    states=("confirmed", "in_progress"),
    when=_has("pending"),
    help=_("Clock in on an operation; the order is in progress from its first one"),
)

FINISH_OPERATION = Action(
    "finish_operation",
    _("Finish operation"),
    _fire("finish"),
    params=(
        Param(
            "operation_id",
            _("Operation"),
            "many2one",
            relation="mrp.production.operation",
            choices=_operations_in("in_progress"),
            default=_first_in("in_progress"),
        ),
    ),
    group=USER,
    states=("in_progress",),
    when=_has("in_progress"),
    help=_("Clock out: the time since the start is the operation's actual time"),
)

OPERATION_ACTIONS = [START_OPERATION, FINISH_OPERATION]

OPERATION_LINES = Lines(
    "operations",
    [
        "name",
        "workcenter_id",
        "planned_minutes",
        "planned_start",
        "planned_finish",
        "state",
        "actual_minutes",
        "user_id",
        "cost",
    ],
    _("Operations"),
    readonly=True,
)

BOM_OPERATION_LINES = Lines(
    "operations",
    ["name", "workcenter_id", "setup_minutes", "run_minutes"],
    _("Operations"),
)

COST_SECTION = Section(
    _("Costs"),
    ["material_cost", "conversion_cost", "scrap_cost", "unit_cost", "total_cost"],
)

WORKCENTER = View(
    model="mrp.workcenter",
    url="mrp/workcenters",
    title=_("Work centres"),
    list=ListView(
        columns=[
            "code",
            "name",
            "capacity",
            "efficiency",
            "labour_rate",
            "overhead_rate",
            "calendar_id",
            "active",
        ],
        search=["code", "name"],
        filters=[Filter("archived", _("Archived"), lambda env, M: M.active.is_(False))],
        order="code",
    ),
    form=FormView(
        sections=[
            # rates beside the other fields: a section of money alone reads as totals
            Section(
                None,
                [
                    "code",
                    "name",
                    "capacity",
                    "efficiency",
                    "labour_rate",
                    "overhead_rate",
                    "calendar_id",
                ],
            ),
            Section(_("Options"), ["company_id", "active"]),
        ],
    ),
)

CALENDAR = View(
    model="mrp.calendar",
    url="mrp/calendars",
    title=_("Working calendars"),
    list=ListView(
        columns=[
            "name",
            "hours_mon",
            "hours_tue",
            "hours_wed",
            "hours_thu",
            "hours_fri",
            "hours_sat",
            "hours_sun",
        ],
        search=["name"],
        order="name",
    ),
    form=FormView(
        sections=[
            Section(None, ["name"]),
            Section(
                _("Working hours"),
                [
                    "hours_mon",
                    "hours_tue",
                    "hours_wed",
                    "hours_thu",
                    "hours_fri",
                    "hours_sat",
                    "hours_sun",
                ],
            ),
        ],
        lines=[Lines("holidays", ["date", "name"], _("Holidays"))],
    ),
)

OPERATION = View(
    model="mrp.production.operation",
    url="mrp/operations",
    title=_("Work orders"),
    create=False,
    list=ListView(
        columns=[
            "production_id",
            "name",
            "workcenter_id",
            "planned_start",
            "planned_finish",
            "planned_minutes",
            "actual_minutes",
            "user_id",
            "state",
        ],
        search=["name"],
        filters=[
            Filter("open", _("Open"), lambda env, M: M.state.in_(("pending", "in_progress"))),
            Filter("running", _("In progress"), lambda env, M: M.state == "in_progress"),
        ],
        group_by=["workcenter_id", "state"],
        order="planned_start",
    ),
    form=FormView(
        sections=[
            Section(None, ["production_id", "name", "workcenter_id", "state"]),
            Section(
                _("Plan"),
                ["planned_minutes", "planned_start", "planned_finish"],
            ),
            Section(
                _("Actual"),
                ["date_start", "date_finish", "actual_minutes", "user_id", "cost"],
            ),
        ],
        readonly_states=("done", "cancelled"),
    ),
)

LOAD = View(
    model="mrp.operation.load",
    url="mrp/loads",
    title=_("Work centre load"),
    create=False,
    list=ListView(
        columns=["day", "workcenter_id", "operation_id", "hours"],
        search=[],
        group_by=["workcenter_id", "day"],
        sums=["hours"],
        order="day",
    ),
    form=FormView(sections=[Section(None, ["day", "workcenter_id", "operation_id", "hours"])]),
)

VIEWS = [WORKCENTER, CALENDAR, OPERATION, LOAD]


def register_menus(register: Any) -> None:
    register("mrp.operations", _("Work orders"), "/app/mrp/operations", parent="mrp", sequence=15)
    register("mrp.plan", _("Planning"), "/mrp/plan", parent="mrp", sequence=18)
    register("mrp.config", _("Configuration"), None, parent="mrp", sequence=90)
    register(
        "mrp.workcenters",
        _("Work centres"),
        "/app/mrp/workcenters",
        parent="mrp.config",
        sequence=10,
    )
    register(
        "mrp.calendars",
        _("Working calendars"),
        "/app/mrp/calendars",
        parent="mrp.config",
        sequence=20,
    )

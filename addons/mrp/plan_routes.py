"""The production plan: a screen (Manufacturing → Planning), its JSON, and rescheduling."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.params import QueryParameter

from kernel.errors import AccessDenied, ValidationError
from kernel.i18n import _
from kernel.web.context import flash
from kernel.web.deps import RequestEnv

USER = "mrp.group_user"
MAX_DAYS = 62


def _check(env: Any, message: Any) -> None:
    if not env.has_group(USER):
        raise AccessDenied(message)


def _start(raw: Any) -> dt.date:
    if not raw:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise ValidationError(
            _("Plan from: %(value)s is not a date (YYYY-MM-DD)", value=str(raw)[:32]), field="start"
        ) from None


def _days(raw: Any) -> int:
    if raw in (None, ""):
        return 14
    try:
        days = int(raw)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError(_("Days: a number between 1 and 62"), field="days")
    return days


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    return value


def plan_json(env: Any, start: dt.date, days: int) -> dict[str, Any]:
    from addons.mrp.services.planning import plan

    _check(env, _("only production users can see the production plan"))
    return dict(_json_value(plan(env, start, days)))


@get("/mrp/plan", name="mrp.plan", include_in_schema=False, sync_to_thread=True)
def plan_page(
    request: Request[Any, Any, Any],
    env: RequestEnv,
    start: Annotated[str | None, QueryParameter(max_length=32)] = None,
    days: Annotated[str | None, QueryParameter(max_length=8)] = None,
) -> Response[Any]:
    """Load against capacity per work centre and day; late orders; Reschedule from today.

    ``start`` and ``days`` arrive as text: the screen's filter form sends them empty
    when cleared (meaning the defaults), and a wrong value is shown beside its field
    (422) while the plan still renders.
    """
    from addons.mrp.models.production import PRODUCTION_STATES
    from addons.mrp.services.planning import plan
    from kernel.i18n import text_of
    from kernel.web.templating import render

    errors: dict[str, str] = {}
    first, count = dt.date.today(), 14
    try:
        first = _start(start)
        count = _days(days)
    except ValidationError as exc:
        errors.update({k: text_of(v) for k, v in exc.fields.items()})
    _check(env, _("only production users can see the production plan"))
    data = plan(env, first, count)
    states = {key: text_of(label) for key, label in PRODUCTION_STATES}
    return render(
        request,
        "mrp/plan.html",
        {
            "data": data,
            "start": first,
            "days": count,
            "errors": errors,
            "states": states,
            "can_reschedule": env.has_group(USER),
        },
        env=env,
        status_code=422 if errors else 200,
    )


@post(
    "/mrp/plan/reschedule",
    name="mrp.plan_reschedule",
    include_in_schema=False,
    sync_to_thread=True,
)
def reschedule_form(request: Request[Any, Any, Any], env: RequestEnv) -> Response[Any]:
    """The screen's button: reschedule, then back to the plan with a message."""
    from addons.mrp.services.planning import reschedule

    _check(env, _("only production users can reschedule"))
    count = reschedule(env)
    flash(request, _("%(count)s operations rescheduled", count=count))
    return Response("", status_code=303, headers={"Location": "/mrp/plan"})


@get(
    "/api/v1/mrp/plan",
    name="mrp.plan_json",
    tags=["Manufacturing"],
    summary="Work centre load against capacity per day, and the open production orders",
    description="Per active work centre and day from `start` (today by default) for `days` "
    "days (14, at most 62): `load` (planned hours of open operations), `capacity` (calendar "
    "hours × capacity) and `over`; `before` is load still planned before `start`. `orders`: "
    "the open production orders with their planned date, the requested date of the sales "
    "order they serve and `late`. Hours are exact decimal strings.",
    sync_to_thread=True,
)
def plan_api(
    env: RequestEnv,
    start: Annotated[dt.date | None, QueryParameter(description="First day (YYYY-MM-DD)")] = None,
    days: Annotated[
        int | None, QueryParameter(description="Number of days", ge=1, le=MAX_DAYS)
    ] = None,
) -> dict[str, Any]:
    return plan_json(env, start or dt.date.today(), days or 14)


@post(
    "/api/v1/mrp/plan/reschedule",
    name="mrp.plan_reschedule_json",
    tags=["Manufacturing"],
    summary="Reschedule the open operations forward from today (finite capacity)",
    description="Orders in priority order (requested date, then planned date), operations one "
    "after the other within an order, each work centre's hours filled day by day. Answers "
    "how many operations were placed and the plan from today.",
    status_code=200,
    sync_to_thread=True,
)
def reschedule_api(env: RequestEnv) -> dict[str, Any]:
    from addons.mrp.services.planning import reschedule

    _check(env, _("only production users can reschedule"))
    count = reschedule(env)
    return {"rescheduled": count, "plan": plan_json(env, dt.date.today(), 14)}


PLAN_ROUTES: list[Any] = [plan_page, reschedule_form, plan_api, reschedule_api]

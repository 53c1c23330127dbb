"""The dashboards' pages and JSON endpoints, and the home-page list of the user's dashboards.

Handlers receive the signed-in user's unit (``env: RequestEnv``); ``today`` is a typed
query parameter (a date that is not ``YYYY-MM-DD`` is a 422 naming it)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath

from addons.reporting.analyses import dashboards
from addons.reporting.analyses.routes import Day
from kernel.env import Env
from kernel.i18n import text_of
from kernel.web.context import request_lang
from kernel.web.deps import RequestEnv
from kernel.web.templating import render


def _build(
    env: Env, role: str, request: Request[Any, Any, Any], today: dt.date | None
) -> dashboards.Dashboard:
    return dashboards.build(env, role, request_lang(request), today or dt.date.today())


def dashboard_json(d: dashboards.Dashboard) -> dict[str, Any]:
    return {
        "role": d.role.key,
        "title": d.title,
        "today": d.today.isoformat(),
        "figures": [
            {"label": f.label, "value": f.value, "url": f.url, "tone": f.tone or None}
            for f in d.figures
        ],
        "charts": [{"title": c.title, "chart": c.data} for c in d.charts],
        "alerts": [
            {"key": a.key, "title": a.title, "count": a.count, "html": str(a.body)}
            for a in d.alerts
        ],
    }


@get(
    "/reporting/dashboard/{role:str}",
    name="reporting.dashboard",
    include_in_schema=False,
    sync_to_thread=True,
)
def dashboard_page(
    request: Request[Any, Any, Any], env: RequestEnv, role: FromPath[str], today: Day = None
) -> Response[Any]:
    """A role's dashboard: key figures, charts and the alerts that concern it."""

    d = _build(env, role, request, today)
    charts = [(c, json.dumps(c.data, ensure_ascii=False).replace("</", "<\\/")) for c in d.charts]
    context = {
        "title": d.title,
        "d": d,
        "charts": charts,
        "others": [r for r in dashboards.available(env) if r.key != role],
        "json_url": f"/api/v1/reporting/dashboard/{role}",
    }
    return render(request, "reporting/dashboard.html", context, env=env)


@get(
    "/api/v1/reporting/dashboard/{role:str}",
    name="reporting.api.dashboard",
    tags=["Reporting"],
    sync_to_thread=True,
)
def dashboard_api(
    request: Request[Any, Any, Any], env: RequestEnv, role: FromPath[str], today: Day = None
) -> Response[Any]:
    """A role's dashboard (``sales``, ``warehouse``, ``purchasing``, ``finance``): key figures
    formatted for the user's language, charts as series of exact decimal strings, and the
    alerts (reporting's own with their ``count``; other addons' widgets as HTML). ``today``
    (YYYY-MM-DD) sets the day the figures are as of. 403 for users outside the role's group,
    404 where its addon is not installed."""

    return Response(
        content=dashboard_json(_build(env, role, request, today)), media_type="application/json"
    )


@get(
    "/api/v1/reporting/dashboards",
    name="reporting.api.dashboards",
    tags=["Reporting"],
    sync_to_thread=True,
)
def dashboards_api(env: RequestEnv) -> Response[Any]:
    """The dashboards the user may open (by their groups and the installed addons)."""

    items = [
        {"role": r.key, "title": text_of(r.title), "url": f"/reporting/dashboard/{r.key}"}
        for r in dashboards.available(env)
    ]
    return Response(content={"dashboards": items}, media_type="application/json")


ROUTES: list[Any] = [dashboard_page, dashboard_api, dashboards_api]

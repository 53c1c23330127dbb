"""Web routes of reporting: the pivot screens, their XLSX export and JSON endpoint.

Every handler receives the signed-in user's unit of work (``env: RequestEnv``), so
reading a report needs read access to the model it summarises, exactly as its list
does. Handlers are sync functions run in a worker thread (synchronous drivers).
The pivot's query (``rows``, ``cols``, ``m``, ``q``, ``f``, ``d``, ``chart``) is read as
a whole by :meth:`PivotRequest.from_params`, like the list's search and filters.
"""

from __future__ import annotations

import json
from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath

from addons.reporting import present
from addons.reporting.pivot import CHARTS, PivotRequest, compute, dimensions_of, measures_of
from kernel.env import Env
from kernel.errors import NotFound
from kernel.i18n import _, text_of
from kernel.web.context import request_lang
from kernel.web.deps import RequestEnv
from kernel.web.introspect import collect_views, model_meta, view_by_url
from kernel.web.templating import render
from kernel.web.views import View

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _params(request: Request[Any, Any, Any]) -> dict[str, list[str]]:
    return {key: request.query_params.getall(key) for key in request.query_params}


def pivot_view(env: Env, url: str) -> View:
    """The view at ``url`` if it declares a pivot, else a 404 naming the address."""
    view = view_by_url(env.registry, url.strip("/"))
    if view.pivot is None:
        raise NotFound(_("there is no report at %(url)s", url=url))
    return view


def _title(env: Env, view: View) -> str:
    assert view.pivot is not None
    return (
        text_of(view.pivot.title)
        or text_of(view.title)
        or text_of(model_meta(env.registry, view.model).label)
    )


def available(env: Env) -> list[tuple[View, str]]:
    """The pivots the user may open: views with a pivot over a model they may read."""
    out = [
        (view, _title(env, view))
        for view in collect_views(env.registry).values()
        if view.pivot is not None and env.can(view.model, "read")
    ]
    return sorted(out, key=lambda item: item[1].casefold())


@get("/reporting", name="reporting.index", include_in_schema=False, sync_to_thread=True)
def index(request: Request[Any, Any, Any], env: RequestEnv) -> Response[Any]:
    """The reports the user may open."""
    context = {"reports": available(env), "title": text_of(_("Pivot analysis"))}
    return render(request, "reporting/index.html", context, env=env)


@get(
    "/reporting/pivot/{url:path}",
    name="reporting.pivot",
    include_in_schema=False,
    sync_to_thread=True,
)
def pivot_page(
    request: Request[Any, Any, Any], env: RequestEnv, url: FromPath[str]
) -> Response[Any]:
    """The pivot table and chart of one model, with the list view's search and filters."""
    view = pivot_view(env, url)
    assert view.pivot is not None
    req = PivotRequest.from_params(_params(request), view.pivot)
    result = compute(env, view, req)
    meta = model_meta(env.registry, view.model)
    chart = present.chart(result, request_lang(request))
    context = {
        "title": _title(env, view),
        "view": view,
        "result": result,
        "req": req,
        "fmt": present.fmt,
        "note": present.note(result),
        "measures": measures_of(env, meta, view.pivot),
        "dimensions": dimensions_of(env, meta, view.pivot),
        "charts": CHARTS,
        "chart_json": json.dumps(chart, ensure_ascii=False).replace("</", "<\\/"),
        "base": f"/reporting/pivot/{view.url}",
        "xlsx_url": f"/reporting/xlsx/{view.url}?{req.query()}",
        "json_url": f"/api/v1/reporting/pivot/{view.url}?{req.query()}",
    }
    return render(request, "reporting/pivot.html", context, env=env)


@get(
    "/reporting/xlsx/{url:path}",
    name="reporting.xlsx",
    include_in_schema=False,
    sync_to_thread=True,
)
def pivot_xlsx(
    request: Request[Any, Any, Any], env: RequestEnv, url: FromPath[str]
) -> Response[Any]:
    """The pivot as an XLSX workbook: the same figures as the screen, as numbers."""
    view = pivot_view(env, url)
    assert view.pivot is not None
    result = compute(env, view, PivotRequest.from_params(_params(request), view.pivot))
    body = present.to_xlsx(result, _title(env, view))
    filename = "pivot-" + view.url.strip("/").replace("/", "-") + ".xlsx"
    return Response(
        content=body,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@get(
    "/api/v1/reporting/pivot/{url:path}",
    name="reporting.api.pivot",
    tags=["Reporting"],
    sync_to_thread=True,
)
def pivot_api(
    request: Request[Any, Any, Any], env: RequestEnv, url: FromPath[str]
) -> Response[Any]:
    """A pivot as JSON: ``rows``/``cols`` (dimensions, up to two each), ``m`` (measures),
    ``q``/``f`` (the list's search and filters), ``d`` (``path[:unit]=value`` cells).

    Money is summed exactly per currency and returned as decimal strings; each line
    carries the list URL of its records.
    """
    view = pivot_view(env, url)
    assert view.pivot is not None
    result = compute(env, view, PivotRequest.from_params(_params(request), view.pivot))
    return Response(content=present.as_json(result), media_type="application/json")


@get(
    "/api/v1/reporting/pivots", name="reporting.api.pivots", tags=["Reporting"], sync_to_thread=True
)
def pivots_api(env: RequestEnv) -> Response[Any]:
    """The pivots the caller may read, with their measures and dimensions."""
    out = []
    for view, title in available(env):
        assert view.pivot is not None
        meta = model_meta(env.registry, view.model)
        out.append(
            {
                "url": f"/api/v1/reporting/pivot/{view.url}",
                "model": view.model,
                "title": title,
                "measures": [
                    {"key": k, "label": m.label, "type": m.type}
                    for k, m in measures_of(env, meta, view.pivot).items()
                ],
                "dimensions": [
                    {"spec": k, "label": d.label}
                    for k, d in dimensions_of(env, meta, view.pivot).items()
                ],
            }
        )
    return Response(content=out, media_type="application/json")


ROUTES: list[Any] = [index, pivot_page, pivot_xlsx, pivot_api, pivots_api]

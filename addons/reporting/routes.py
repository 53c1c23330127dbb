"""Web routes of reporting: the pivot screens, their XLSX export and JSON endpoint.

Every handler opens the signed-in user's unit of work (``unit_for``), so reading a
report needs read access to the model it summarises, exactly as its list does.
Database work runs in a worker thread (synchronous drivers).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import anyio.to_thread
from litestar import Request, Response, get
from litestar.params import FromPath

from addons.reporting import present
from addons.reporting.pivot import CHARTS, PivotRequest, compute, dimensions_of, measures_of
from kernel.env import Env
from kernel.errors import NotFound
from kernel.i18n import _, text_of
from kernel.web.context import request_lang, unit_for
from kernel.web.introspect import collect_views, model_meta, view_by_url
from kernel.web.templating import render
from kernel.web.views import View

T = TypeVar("T")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _run(fn: Callable[[], T]) -> T:
    return await anyio.to_thread.run_sync(fn)


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


@get("/reporting", name="reporting.index", include_in_schema=False)
async def index(request: Request[Any, Any, Any]) -> Response[Any]:
    """The reports the user may open."""

    def work() -> Response[Any]:
        with unit_for(request, readonly=True) as env:
            context = {"reports": available(env), "title": text_of(_("Pivot analysis"))}
            return render(request, "reporting/index.html", context, env=env)

    return await _run(work)


@get("/reporting/pivot/{url:path}", name="reporting.pivot", include_in_schema=False)
async def pivot_page(request: Request[Any, Any, Any], url: FromPath[str]) -> Response[Any]:
    """The pivot table and chart of one model, with the list view's search and filters."""
    params = _params(request)

    def work() -> Response[Any]:
        with unit_for(request, readonly=True) as env:
            view = pivot_view(env, url)
            assert view.pivot is not None
            req = PivotRequest.from_params(params, view.pivot)
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

    return await _run(work)


@get("/reporting/xlsx/{url:path}", name="reporting.xlsx", include_in_schema=False)
async def pivot_xlsx(request: Request[Any, Any, Any], url: FromPath[str]) -> Response[Any]:
    """The pivot as an XLSX workbook: the same figures as the screen, as numbers."""
    params = _params(request)

    def work() -> Response[Any]:
        with unit_for(request, readonly=True) as env:
            view = pivot_view(env, url)
            assert view.pivot is not None
            result = compute(env, view, PivotRequest.from_params(params, view.pivot))
            body = present.to_xlsx(result, _title(env, view))
            filename = "pivot-" + view.url.strip("/").replace("/", "-") + ".xlsx"
            return Response(
                content=body,
                media_type=XLSX,
                headers={"Content-Disposition": f'attachment; filename="{filename}"'},
            )

    return await _run(work)


@get("/api/v1/reporting/pivot/{url:path}", name="reporting.api.pivot", tags=["Reporting"])
async def pivot_api(request: Request[Any, Any, Any], url: FromPath[str]) -> Response[Any]:
    """A pivot as JSON: ``rows``/``cols`` (dimensions, up to two each), ``m`` (measures),
    ``q``/``f`` (the list's search and filters), ``d`` (``path[:unit]=value`` cells).

    Money is summed exactly per currency and returned as decimal strings; each line
    carries the list URL of its records.
    """
    params = _params(request)

    def work() -> Response[Any]:
        with unit_for(request, readonly=True) as env:
            view = pivot_view(env, url)
            assert view.pivot is not None
            result = compute(env, view, PivotRequest.from_params(params, view.pivot))
            return Response(content=present.as_json(result), media_type="application/json")

    return await _run(work)


@get("/api/v1/reporting/pivots", name="reporting.api.pivots", tags=["Reporting"])
async def pivots_api(request: Request[Any, Any, Any]) -> Response[Any]:
    """The pivots the caller may read, with their measures and dimensions."""

    def work() -> Response[Any]:
        with unit_for(request, readonly=True) as env:
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

    return await _run(work)


ROUTES: list[Any] = [index, pivot_page, pivot_xlsx, pivot_api, pivots_api]

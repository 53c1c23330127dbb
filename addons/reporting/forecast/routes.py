"""Screen and JSON endpoint of the demand forecast (registered with the sales analyses,
when sales_order is installed; the reorder suggestions appear where stock is too).

Handlers receive the signed-in user's unit (``env: RequestEnv``) and typed query
parameters: a horizon, limit or date of the wrong type, a value out of the analysis'
range, an unknown period or breakdown, or ids that are not ids are a 422 naming the
parameter."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from litestar import Request, Response, get
from litestar.params import FromQuery

from addons.reporting import present
from addons.reporting.analyses.routes import XLSX, Day, _num
from addons.reporting.forecast import analysis as fa
from addons.reporting.forecast import methods
from addons.reporting.forecast.reorder import Suggestion, suggestions
from kernel.errors import ValidationError
from kernel.i18n import _, text_of
from kernel.web.context import request_lang
from kernel.web.deps import RequestEnv
from kernel.web.templating import render

METHOD_LABELS = {methods.ETS: _("Exponential smoothing"), methods.BASELINE: _("Seasonal naive")}
UNIT_LABELS = {"week": _("Week"), "month": _("Month")}
BY_LABELS = {"product": _("Product"), "category": _("Product category")}
FORECAST = _("Forecast")


def _ids(values: list[str] | None, key: str) -> list[int] | None:
    """The ids of ``product=1,2`` or ``category=3`` (the parameter may repeat)."""
    raw = [part for value in values or [] for part in value.split(",") if part.strip()]
    if not raw:
        return None
    if len(raw) > fa.MAX_SERIES:
        raise ValidationError(
            _("between 1 and %(max)s series at a time", max=fa.MAX_SERIES), field=key
        )
    ids = []
    for part in raw:
        text = part.strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 18:
            raise ValidationError(_("%(value)s is not an id", value=part[:40]), field=key)
        ids.append(int(text))
    return ids


def _as_of(day: dt.date | None) -> dt.date:
    """The forecast's "today"; years far off would run the calendar out of range."""
    day = day or dt.date.today()
    if not 1900 <= day.year <= 2999:
        raise ValidationError(
            _("%(value)s is outside the years 1900 to 2999", value=day.isoformat()),
            field="as_of",
        )
    return day


def _analyse(
    env: Any,
    unit: str,
    by: str,
    ids: dict[str, list[str] | None],
    horizon: int | None,
    as_of: dt.date | None,
    limit: int | None,
) -> tuple[fa.ForecastAnalysis, list[Suggestion]]:
    """The analysis and its reorder suggestions; ``ids`` holds the ``product`` and
    ``category`` parameters, of which ``by`` says which one applies."""
    by = by or "product"
    analysis = fa.analyse(
        env,
        unit=unit or "month",
        by=by,
        ids=_ids(ids[by], by) if by in fa.BYS else None,
        horizon=horizon,
        as_of=_as_of(as_of),
        limit=fa.DEFAULT_SERIES if limit is None else limit,
    )
    found = suggestions(env, analysis) if env.has_addon("stock") else []
    return analysis, found


def _score(score: fa.Score) -> dict[str, Any]:
    return {"mase": _num(score.mase), "mape_pct": _num(score.mape), "folds": score.folds}


def forecast_json(a: fa.ForecastAnalysis, found: list[Suggestion]) -> dict[str, Any]:
    return {
        "unit": a.unit,
        "by": a.by,
        "as_of": a.as_of.isoformat(),
        "season": a.season,
        "holdout": a.holdout,
        "accuracy_is": text_of(
            _(
                "one-step-ahead forecasts from each of the last %(n)s periods, refitted each time; MASE is scaled by the seasonal naive's in-sample error",
                n=a.holdout,
            )
        ),
        "past": a.past,
        "future": a.future,
        "series": [
            {
                "id": s.key,
                "label": s.label,
                "uom": s.uom,
                "method": s.method,
                "model": s.model,
                "baseline_better": s.baseline_better,
                "accuracy": {"ets": _score(s.ets), "seasonal_naive": _score(s.baseline)},
                "history": [_num(v) for v in s.history],
                "forecast": [_num(v) for v in s.forecast],
                "forecast_total": _num(s.total),
            }
            for s in a.series
        ],
        "reorder": [
            {
                "rule_id": r.rule_id,
                "rule": r.rule,
                "product_id": r.product_id,
                "warehouse": r.warehouse,
                "stock_forecast": _num(r.stock_forecast),
                "demand": _num(r.demand),
                "cover_days": r.cover_days,
                "projected": _num(r.projected),
                "rule_now": _num(r.rule_now),
                "suggested": _num(r.suggested),
            }
            for r in found
        ],
    }


def forecast_chart(a: fa.ForecastAnalysis, lang: str) -> dict[str, Any]:
    """The last two seasons of history and the forecast of the first five series."""
    shown = a.past[-2 * a.season :]
    offset = len(a.past) - len(shown)
    series: list[dict[str, Any]] = []
    for s in a.series[:5]:
        series.append(
            {
                "name": s.label,
                "kind": "line",
                "data": [_num(v) for v in s.history[offset:]] + [None] * len(a.future),
            }
        )
        series.append(
            {
                "name": f"{s.label} · {text_of(FORECAST)}",
                "kind": "line",
                "data": [None] * (len(shown) - 1)
                + [_num(s.history[-1]) if s.history else None]
                + [_num(v) for v in s.forecast],
            }
        )
    return {
        "type": "line",
        "locale": "ZH" if lang.startswith("zh") else "EN",
        "categories": shown + a.future,
        "series": series,
    }


@get("/reporting/forecast", name="reporting.forecast", include_in_schema=False, sync_to_thread=True)
def forecast_page(
    request: Request[Any, Any, Any],
    env: RequestEnv,
    unit: FromQuery[str] = "month",
    by: FromQuery[str] = "product",
    product: FromQuery[list[str] | None] = None,
    category: FromQuery[list[str] | None] = None,
    horizon: FromQuery[int | None] = None,
    as_of: Day = None,
    limit: FromQuery[int | None] = None,
) -> Response[Any]:
    """Demand forecast per product or category, its accuracy, and reorder suggestions."""
    analysis, found = _analyse(
        env, unit, by, {"product": product, "category": category}, horizon, as_of, limit
    )
    chart = forecast_chart(analysis, request_lang(request))
    query = request.url.query or ""
    context = {
        "title": text_of(_("Demand forecast")),
        "a": analysis,
        "reorder": found,
        "stock_installed": env.has_addon("stock"),
        "units": UNIT_LABELS,
        "bys": BY_LABELS,
        "method_labels": METHOD_LABELS,
        "names": {s.key: s.label for s in analysis.series},
        "chart_json": json.dumps(chart, ensure_ascii=False).replace("</", "<\\/"),
        "json_url": f"/api/v1/reporting/forecast?{query}",
        "xlsx_url": f"/reporting/forecast/xlsx?{query}",
    }
    return render(request, "reporting/forecast.html", context, env=env)


@get(
    "/api/v1/reporting/forecast",
    name="reporting.api.forecast",
    tags=["Reporting"],
    sync_to_thread=True,
)
def forecast_api(
    env: RequestEnv,
    unit: FromQuery[str] = "month",
    by: FromQuery[str] = "product",
    product: FromQuery[list[str] | None] = None,
    category: FromQuery[list[str] | None] = None,
    horizon: FromQuery[int | None] = None,
    as_of: Day = None,
    limit: FromQuery[int | None] = None,
) -> Response[Any]:
    """Demand forecast: ``unit`` (week, month), ``by`` (product, category), the ids to
    forecast as ``product=1,2`` or ``category=3`` (default: the most sold, ``limit``
    of them, at most 50), ``horizon`` (periods), ``as_of`` (YYYY-MM-DD, default today:
    the history is the complete periods before it). Each series gives both methods'
    backtest MASE and MAPE, the method used (the baseline when it is at least as good)
    and exact decimal quantities in the product's unit; ``reorder`` holds the suggested
    quantity beside each reorder rule of a forecast product (stock installed)."""
    content = forecast_json(
        *_analyse(env, unit, by, {"product": product, "category": category}, horizon, as_of, limit)
    )
    return Response(content=content, media_type="application/json")


def forecast_rows(
    a: fa.ForecastAnalysis, found: list[Suggestion]
) -> tuple[list[str], list[list[Any]]]:
    """The screen's two tables one under the other, for the XLSX export."""
    ets, naive = text_of(METHOD_LABELS[methods.ETS]), text_of(METHOD_LABELS[methods.BASELINE])
    headers = [
        text_of(BY_LABELS[a.by]),
        text_of(_("Unit")),
        text_of(_("Method used")),
        f"{ets} MASE",
        f"{ets} MAPE %",
        f"{naive} MASE",
        f"{naive} MAPE %",
        *a.future,
        text_of(_("Total")),
    ]
    rows: list[list[Any]] = [
        [
            s.label,
            s.uom,
            text_of(METHOD_LABELS[s.method]) + (f" {s.model}" if s.model else ""),
            s.ets.mase,
            s.ets.mape,
            s.baseline.mase,
            s.baseline.mape,
            *s.forecast,
            s.total,
        ]
        for s in a.series
    ]
    if found:
        rows.append([])
        rows.append(
            [
                text_of(_("Reorder rule")),
                text_of(_("Warehouse")),
                text_of(_("Stock forecast")),
                text_of(_("Demand over cover")),
                text_of(_("Cover (days)")),
                text_of(_("Projected")),
                text_of(_("Rule orders now")),
                text_of(_("Suggested")),
            ]
        )
        rows += [
            [
                r.rule,
                r.warehouse,
                r.stock_forecast,
                r.demand,
                r.cover_days,
                r.projected,
                r.rule_now,
                r.suggested,
            ]
            for r in found
        ]
    return headers, rows


@get(
    "/reporting/forecast/xlsx",
    name="reporting.forecast.xlsx",
    include_in_schema=False,
    sync_to_thread=True,
)
def forecast_xlsx(
    env: RequestEnv,
    unit: FromQuery[str] = "month",
    by: FromQuery[str] = "product",
    product: FromQuery[list[str] | None] = None,
    category: FromQuery[list[str] | None] = None,
    horizon: FromQuery[int | None] = None,
    as_of: Day = None,
    limit: FromQuery[int | None] = None,
) -> Response[Any]:
    headers, rows = forecast_rows(
        *_analyse(env, unit, by, {"product": product, "category": category}, horizon, as_of, limit)
    )
    body = present.table_xlsx(text_of(_("Demand forecast")), headers, rows)
    return Response(
        content=body,
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="demand-forecast.xlsx"'},
    )


ROUTES: list[Any] = [forecast_page, forecast_api, forecast_xlsx]

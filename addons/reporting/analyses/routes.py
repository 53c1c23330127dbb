"""Screens, XLSX exports and JSON endpoints of the sales and customers analyses.

Registered only when sales_order is installed (``when=("sales_order",)``). Each handler
receives the signed-in user's unit (``env: RequestEnv``), so the analyses need read
access to sales orders. Their query parameters are typed: a date that is not
``YYYY-MM-DD``, like a value the analysis refuses (a period, a breakdown, an empty
range), is a 422 naming the parameter.

``_params``, ``_one``, ``_date`` and ``_range`` read the query as a whole, for the
table reports (:mod:`addons.reporting.analyses.tables`) whose fields each report
declares itself.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Annotated, Any

from litestar import Request, Response, get
from litestar.params import FromQuery, QueryParameter

from addons.reporting import present
from addons.reporting.analyses import customers, cycle, periods, sales
from kernel.errors import ValidationError
from kernel.i18n import _, text_of
from kernel.web.context import request_lang
from kernel.web.deps import RequestEnv
from kernel.web.templating import render

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GROWTH = _("Growth %")
YOY = _("vs last year %")
SHARE = _("Share %")
REVENUE = _("Revenue")
UNIT_LABELS = {"week": _("Week"), "month": _("Month"), "quarter": _("Quarter"), "year": _("Year")}

#: a day as ``YYYY-MM-DD``; absent is the analysis' default
Day = FromQuery[dt.date | None]
#: a record's id (bounded: the database's ids are 32-bit)
RecordId = Annotated[int | None, QueryParameter(ge=1, le=2_147_483_647)]


def _params(request: Request[Any, Any, Any]) -> dict[str, list[str]]:
    return {key: request.query_params.getall(key) for key in request.query_params}


def _one(params: Mapping[str, Sequence[str]], key: str, default: str) -> str:
    values = params.get(key) or [""]
    return values[-1] or default


def _date(params: Mapping[str, Sequence[str]], key: str, default: dt.date) -> dt.date:
    text = _one(params, key, "")
    if not text:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            _("%(value)s is not a date (YYYY-MM-DD)", value=text[:40]), field=key
        ) from None


def _span(date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.date, dt.date]:
    """The dates asked for; by default the twelve months up to today."""
    today = dt.date.today()
    year_ago = periods.start_of(
        periods.shift(periods.key_of(today, "month"), "month", -11), "month"
    )
    return date_from or year_ago, date_to or today


def _range(params: Mapping[str, Sequence[str]]) -> tuple[dt.date, dt.date]:
    first, last = _span(None, None)
    return _date(params, "date_from", first), _date(params, "date_to", last)


def _num(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


# --- Sales ----------------------------------------------------------------------------------


def _sales(
    env: Any, date_from: dt.date | None, date_to: dt.date | None, unit: str, by: str
) -> sales.SalesAnalysis:
    first, last = _span(date_from, date_to)
    return sales.analyse(env, unit or "month", by or "product", first, last)


def sales_json(analysis: sales.SalesAnalysis) -> dict[str, Any]:
    def money(values: Mapping[str, Decimal | None]) -> dict[str, str | None]:
        return {code: _num(v) for code, v in sorted(values.items())}

    return {
        "unit": analysis.unit,
        "by": analysis.by,
        "date_from": analysis.date_from.isoformat(),
        "date_to": analysis.date_to.isoformat(),
        "currencies": analysis.currencies,
        "revenue_is": text_of(_("untaxed subtotal of confirmed orders' lines, per currency")),
        "periods": [
            {
                "period": p.key,
                "revenue": money(p.revenue),
                "quantity": _num(p.quantity),
                "lines": p.lines,
                "growth_pct": money(p.growth),
                "growth_yoy_pct": money(p.growth_yoy),
                "list_url": p.list_url,
            }
            for p in analysis.periods
        ],
        "breakdown": [
            {
                "key": b.key,
                "label": b.label,
                "revenue": money(b.revenue),
                "quantity": _num(b.quantity),
                "share_pct": money(b.share),
                "growth_pct": money(b.growth),
                "list_url": b.list_url,
            }
            for b in analysis.breakdown
        ],
        "totals": money(analysis.totals),
    }


def sales_chart(analysis: sales.SalesAnalysis, lang: str) -> dict[str, Any]:
    series = [
        {
            "name": text_of(_("Revenue")) + " · " + code,
            "data": [_num(p.revenue.get(code)) for p in analysis.periods],
            "urls": [p.list_url for p in analysis.periods],
            "stack": code,
        }
        for code in analysis.currencies
    ]
    return {
        "type": "bar",
        "locale": "ZH" if lang.startswith("zh") else "EN",
        "categories": [p.key for p in analysis.periods],
        "series": series,
    }


@get("/reporting/sales", name="reporting.sales", include_in_schema=False, sync_to_thread=True)
def sales_page(
    request: Request[Any, Any, Any],
    env: RequestEnv,
    date_from: Day = None,
    date_to: Day = None,
    unit: FromQuery[str] = "month",
    by: FromQuery[str] = "product",
) -> Response[Any]:
    """Revenue and volume per period with growth, and the breakdown by the chosen dimension."""
    analysis = _sales(env, date_from, date_to, unit, by)
    chart = sales_chart(analysis, request_lang(request))
    query = request.url.query or ""
    context = {
        "title": text_of(_("Sales analysis")),
        "a": analysis,
        "units": UNIT_LABELS,
        "breakdowns": {k: v[1] for k, v in sales.BREAKDOWNS.items()},
        "chart_json": json.dumps(chart, ensure_ascii=False).replace("</", "<\\/"),
        "xlsx_url": f"/reporting/sales/xlsx?{query}",
        "json_url": f"/api/v1/reporting/sales?{query}",
    }
    return render(request, "reporting/sales.html", context, env=env)


@get("/api/v1/reporting/sales", name="reporting.api.sales", tags=["Reporting"], sync_to_thread=True)
def sales_api(
    env: RequestEnv,
    date_from: Day = None,
    date_to: Day = None,
    unit: FromQuery[str] = "month",
    by: FromQuery[str] = "product",
) -> Response[Any]:
    """Sales analysis: ``unit`` (week, month, quarter, year), ``by`` (product, category,
    customer, salesperson, region), ``date_from``/``date_to`` (YYYY-MM-DD). Amounts are
    exact decimal strings per currency; growth is in percent (``null``: nothing before)."""
    return Response(
        content=sales_json(_sales(env, date_from, date_to, unit, by)), media_type="application/json"
    )


@get(
    "/reporting/sales/xlsx",
    name="reporting.sales.xlsx",
    include_in_schema=False,
    sync_to_thread=True,
)
def sales_xlsx(
    env: RequestEnv,
    date_from: Day = None,
    date_to: Day = None,
    unit: FromQuery[str] = "month",
    by: FromQuery[str] = "product",
) -> Response[Any]:
    a = _sales(env, date_from, date_to, unit, by)
    codes = a.currencies
    headers = [
        text_of(UNIT_LABELS[a.unit]),
        *[f"{text_of(REVENUE)} {c}" for c in codes],
        text_of(_("Quantity")),
        *[f"{text_of(GROWTH)} {c}" for c in codes],
        *[f"{text_of(YOY)} {c}" for c in codes],
    ]
    rows: list[list[Any]] = [
        [
            p.key,
            *[p.revenue.get(c) for c in codes],
            p.quantity,
            *[p.growth.get(c) for c in codes],
            *[p.growth_yoy.get(c) for c in codes],
        ]
        for p in a.periods
    ]
    rows.append([])
    rows.append(
        [text_of(sales.BREAKDOWNS[a.by][1])]
        + [f"{text_of(REVENUE)} {c}" for c in codes]
        + [text_of(_("Quantity"))]
        + [f"{text_of(SHARE)} {c}" for c in codes]
    )
    rows += [
        [b.label, *[b.revenue.get(c) for c in codes], b.quantity] + [b.share.get(c) for c in codes]
        for b in a.breakdown
    ]
    body = present.table_xlsx(text_of(_("Sales analysis")), headers, rows)
    return Response(
        content=body,
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="sales-analysis.xlsx"'},
    )


# --- Customers ------------------------------------------------------------------------------


def _customers(
    env: Any, date_from: dt.date | None, date_to: dt.date | None, currency: int | None
) -> customers.CustomerAnalysis:
    first, last = _span(date_from, date_to)
    return customers.analyse(env, first, last, currency)


def customers_json(a: customers.CustomerAnalysis) -> dict[str, Any]:
    return {
        "currency": a.currency,
        "date_from": a.date_from.isoformat(),
        "date_to": a.date_to.isoformat(),
        "revenue_is": text_of(_("untaxed amount of confirmed orders in this currency")),
        "total": _num(a.total),
        "orders": a.orders,
        "classes": a.classes,
        "other_currencies": [code for _id, code in a.other_currencies],
        "customers": [
            {
                "partner_id": c.partner_id,
                "name": c.name,
                "orders": c.orders,
                "revenue": _num(c.revenue),
                "share_pct": _num(c.share),
                "cumulative_pct": _num(c.cumulative),
                "abc": c.abc,
                "last_order": c.last_order.isoformat() if c.last_order else None,
                "list_url": c.list_url,
            }
            for c in a.lines
        ],
    }


def customers_chart(a: customers.CustomerAnalysis, lang: str) -> dict[str, Any]:
    top = a.lines[:30]
    return {
        "type": "bar",
        "locale": "ZH" if lang.startswith("zh") else "EN",
        "categories": [c.name for c in top],
        "percent_axis": True,
        "series": [
            {
                "name": f"{text_of(REVENUE)} · {a.currency}",
                "data": [_num(c.revenue) for c in top],
                "urls": [c.list_url for c in top],
            },
            {
                "name": text_of(_("Cumulative share %")),
                "data": [_num(c.cumulative) for c in top],
                "kind": "line",
                "axis": 1,
            },
        ],
    }


@get(
    "/reporting/customers", name="reporting.customers", include_in_schema=False, sync_to_thread=True
)
def customers_page(
    request: Request[Any, Any, Any],
    env: RequestEnv,
    date_from: Day = None,
    date_to: Day = None,
    currency: RecordId = None,
) -> Response[Any]:
    """Customers ranked by revenue with their share, ABC class and last order."""
    analysis = _customers(env, date_from, date_to, currency)
    chart = customers_chart(analysis, request_lang(request))
    query = request.url.query or ""
    context = {
        "title": text_of(_("Customers analysis")),
        "a": analysis,
        "chart_json": json.dumps(chart, ensure_ascii=False).replace("</", "<\\/"),
        "xlsx_url": f"/reporting/customers/xlsx?{query}",
        "json_url": f"/api/v1/reporting/customers?{query}",
    }
    return render(request, "reporting/customers.html", context, env=env)


@get(
    "/api/v1/reporting/customers",
    name="reporting.api.customers",
    tags=["Reporting"],
    sync_to_thread=True,
)
def customers_api(
    env: RequestEnv,
    date_from: Day = None,
    date_to: Day = None,
    currency: RecordId = None,
) -> Response[Any]:
    """Customers analysis in one currency (``currency`` id, default the company's):
    orders, revenue, share and cumulative share in percent, ABC class, last order."""
    content = customers_json(_customers(env, date_from, date_to, currency))
    return Response(content=content, media_type="application/json")


@get(
    "/reporting/customers/xlsx",
    name="reporting.customers.xlsx",
    include_in_schema=False,
    sync_to_thread=True,
)
def customers_xlsx(
    env: RequestEnv,
    date_from: Day = None,
    date_to: Day = None,
    currency: RecordId = None,
) -> Response[Any]:
    a = _customers(env, date_from, date_to, currency)
    headers = [
        text_of(_("Customer")),
        text_of(_("Orders")),
        f"{text_of(REVENUE)} {a.currency}",
        text_of(_("Share %")),
        text_of(_("Cumulative share %")),
        text_of(_("Class")),
        text_of(_("Last order")),
    ]
    rows = [
        [c.name, c.orders, c.revenue, c.share, c.cumulative, c.abc, c.last_order] for c in a.lines
    ]
    body = present.table_xlsx(text_of(_("Customers analysis")), headers, rows)
    return Response(
        content=body,
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="customers-analysis.xlsx"'},
    )


# --- Order cycle ----------------------------------------------------------------------------


def _cycle(env: Any, date_from: dt.date | None, date_to: dt.date | None) -> cycle.CycleAnalysis:
    return cycle.analyse(env, *_span(date_from, date_to))


def cycle_json(a: cycle.CycleAnalysis) -> dict[str, Any]:
    def stats(found: cycle.PairStats | None) -> dict[str, Any] | None:
        if found is None:
            return None
        return {
            "orders": found.count,
            "median_hours": _num(found.median_hours),
            "p90_hours": _num(found.p90_hours),
        }

    return {
        "date_from": a.date_from.isoformat(),
        "date_to": a.date_to.isoformat(),
        "orders": a.orders,
        "nodes": a.labels,
        "pairs": [
            {
                "from": x,
                "to": y,
                "overall": stats(a.overall.get((x, y))),
                "months": {m: stats(a.by_month.get((m, x, y))) for m in a.months},
            }
            for x, y in a.pairs
        ],
        "slowest": [
            {
                "order_id": o.order_id,
                "name": o.name,
                "customer": o.customer,
                "hours": _num(o.hours),
                "last_node": o.last_node,
                "url": f"/app/sales/orders/{o.order_id}",
            }
            for o in a.slowest
        ],
    }


def cycle_chart(a: cycle.CycleAnalysis, lang: str) -> dict[str, Any]:
    def median(m: str, x: str, y: str) -> str | None:
        found = a.by_month.get((m, x, y))
        return _num(found.median_hours) if found else None

    return {
        "type": "line",
        "locale": "ZH" if lang.startswith("zh") else "EN",
        "categories": a.months,
        "series": [
            {
                "name": f"{a.labels.get(x, x)} → {a.labels.get(y, y)}",
                "data": [median(m, x, y) for m in a.months],
            }
            for x, y in a.pairs
        ],
    }


@get("/reporting/cycle", name="reporting.cycle", include_in_schema=False, sync_to_thread=True)
def cycle_page(
    request: Request[Any, Any, Any],
    env: RequestEnv,
    date_from: Day = None,
    date_to: Day = None,
) -> Response[Any]:
    """Median and 90th percentile hours between an order's nodes, per month; slowest orders."""
    analysis = _cycle(env, date_from, date_to)
    chart = cycle_chart(analysis, request_lang(request))
    query = request.url.query or ""
    context = {
        "title": text_of(_("Order cycle")),
        "a": analysis,
        "chart_json": json.dumps(chart, ensure_ascii=False).replace("</", "<\\/"),
        "xlsx_url": f"/reporting/cycle/xlsx?{query}",
        "json_url": f"/api/v1/reporting/cycle?{query}",
    }
    return render(request, "reporting/cycle.html", context, env=env)


@get("/api/v1/reporting/cycle", name="reporting.api.cycle", tags=["Reporting"], sync_to_thread=True)
def cycle_api(
    env: RequestEnv,
    date_from: Day = None,
    date_to: Day = None,
) -> Response[Any]:
    """Order cycle of orders submitted between ``date_from`` and ``date_to``: per pair of
    consecutive nodes, the median and 90th percentile (nearest rank) in hours, overall and
    per month of submission; the slowest orders from submission to their last node."""
    return Response(
        content=cycle_json(_cycle(env, date_from, date_to)), media_type="application/json"
    )


@get(
    "/reporting/cycle/xlsx",
    name="reporting.cycle.xlsx",
    include_in_schema=False,
    sync_to_thread=True,
)
def cycle_xlsx(
    env: RequestEnv,
    date_from: Day = None,
    date_to: Day = None,
) -> Response[Any]:
    a = _cycle(env, date_from, date_to)
    headers = [
        text_of(_("From")),
        text_of(_("To")),
        text_of(_("Month")),
        text_of(_("Orders")),
        text_of(_("Median hours")),
        text_of(_("90th percentile hours")),
    ]
    rows: list[list[Any]] = []
    for x, y in a.pairs:
        for month in ["*", *a.months]:
            found = a.overall.get((x, y)) if month == "*" else a.by_month.get((month, x, y))
            if found is None:
                continue
            rows.append(
                [
                    a.labels.get(x, x),
                    a.labels.get(y, y),
                    text_of(_("All")) if month == "*" else month,
                    found.count,
                    found.median_hours,
                    found.p90_hours,
                ]
            )
    body = present.table_xlsx(text_of(_("Order cycle")), headers, rows)
    return Response(
        content=body,
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="order-cycle.xlsx"'},
    )


ROUTES: list[Any] = [
    cycle_page,
    cycle_api,
    cycle_xlsx,
    sales_page,
    sales_api,
    sales_xlsx,
    customers_page,
    customers_api,
    customers_xlsx,
]

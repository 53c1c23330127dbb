"""A report screen made of tables and one chart: its page, XLSX export and JSON endpoint.

Why one shape for the inventory, purchase and delivery analyses: each is a few
grouped statements turned into tables; the page (form, chart, tables formatted per
locale), the export and the endpoint are the same for all of them, so an analysis
module only computes and describes its tables. Each handler receives the signed-in
user's unit (``env: RequestEnv``), so the ORM's read checks and record rules apply to
every statement. The query is handed to the report whole: each report declares and
checks its own fields (:class:`Field`), so they are not parameters of the handlers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from litestar import Request, Response, get

from addons.reporting import present
from addons.reporting.analyses.routes import XLSX, _params
from kernel.env import Env
from kernel.i18n import text_of
from kernel.web.context import request_lang
from kernel.web.deps import RequestEnv
from kernel.web.templating import render

# how a column's values are shown: text, int, qty (quantity), money (in ``currency``),
# pct (percent, one decimal), num (two decimals), date, flag (a yes/no badge)
KINDS = ("text", "int", "qty", "money", "pct", "num", "date", "flag")


@dataclass
class Col:
    label: Any
    kind: str = "text"
    currency: str = ""


@dataclass
class Table:
    title: Any
    columns: list[Col]
    rows: list[list[Any]]
    urls: list[str | None] = field(default_factory=list)  # a link on each row's first cell
    empty: Any = ""  # shown when there are no rows


@dataclass
class Field:
    """One input of the report's form."""

    name: str
    label: Any
    kind: str  # date, number, select
    value: str
    options: list[tuple[str, Any]] = field(default_factory=list)


@dataclass
class Report:
    title: Any
    note: Any
    form: list[Field]
    tables: list[Table]
    chart: dict[str, Any]
    data: dict[str, Any]  # the JSON answer


Compute = Callable[[Env, Mapping[str, Sequence[str]], str], Report]


def report_xlsx(report: Report) -> bytes:
    """Every table one under the other: its title, its headers, its rows, a blank row."""
    rows: list[list[Any]] = []
    width = max((len(t.columns) for t in report.tables), default=1)
    for table in report.tables:
        rows.append([text_of(table.title)])
        rows.append(
            [text_of(c.label) + (f" {c.currency}" if c.currency else "") for c in table.columns]
        )
        rows += [[_plain(v) for v in row] for row in table.rows]
        rows.append([])
    headers = [text_of(report.title), *[""] * (width - 1)]
    return present.table_xlsx(text_of(report.title), headers, rows)


def _plain(value: Any) -> Any:
    return text_of(value) if hasattr(value, "msgid") else value


def routes(slug: str, compute: Compute, doc: str) -> list[Any]:
    """The page ``/reporting/<slug>``, its ``/xlsx`` and ``/api/v1/reporting/<slug>``."""

    def page(request: Request[Any, Any, Any], env: RequestEnv) -> Response[Any]:
        report = compute(env, _params(request), request_lang(request))
        query = request.url.query or ""
        context = {
            "title": text_of(report.title),
            "r": report,
            "action": f"/reporting/{slug}",
            "chart_json": json.dumps(report.chart, ensure_ascii=False).replace("</", "<\\/"),
            "xlsx_url": f"/reporting/{slug}/xlsx?{query}",
            "json_url": f"/api/v1/reporting/{slug}?{query}",
        }
        return render(request, "reporting/report.html", context, env=env)

    def api(request: Request[Any, Any, Any], env: RequestEnv) -> Response[Any]:
        report = compute(env, _params(request), request_lang(request))
        return Response(content=report.data, media_type="application/json")

    def xlsx(request: Request[Any, Any, Any], env: RequestEnv) -> Response[Any]:
        body = report_xlsx(compute(env, _params(request), request_lang(request)))
        return Response(
            content=body,
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="{slug}.xlsx"'},
        )

    api.__doc__ = doc
    name = slug.replace("-", "_")
    return [
        get(
            f"/reporting/{slug}",
            name=f"reporting.{name}",
            include_in_schema=False,
            sync_to_thread=True,
        )(page),
        get(
            f"/api/v1/reporting/{slug}",
            name=f"reporting.api.{name}",
            tags=["Reporting"],
            sync_to_thread=True,
        )(api),
        get(
            f"/reporting/{slug}/xlsx",
            name=f"reporting.{name}.xlsx",
            include_in_schema=False,
            sync_to_thread=True,
        )(xlsx),
    ]

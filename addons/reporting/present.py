"""A computed pivot as people and programs read it: formatted cells, chart data, JSON, XLSX.

Why separate from the engine: the numbers are computed once (``pivot.compute``) and
shown four ways; keeping the shapes here makes the screen, the chart, the export and
the JSON endpoint agree figure for figure.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import xlsxwriter

from addons.reporting.pivot import Column, Header, PivotResult
from kernel.i18n import _, text_of
from kernel.web.templating import money, number, quantity


def fmt(value: Any, column: Column) -> str:
    """A figure in the reader's locale: money with its currency, quantities without noise."""
    if value is None:
        return ""
    kind = column.measure.type
    if kind == "money":
        if column.currency_code and column.currency_code != "—":
            return money(value, column.currency_code)
        return number(value, 2)
    if kind == "quantity":
        return quantity(value)
    if kind == "integer" and column.measure.measure.agg != "avg":
        return number(value, 0)
    return number(value, 2)


def note(result: PivotResult) -> str:
    """What the money figures are: per currency (never added across) or as stored."""
    if not any(m.type == "money" for m in result.measures):
        return ""
    if result.per_currency:
        return text_of(
            _(
                "Amounts are summed exactly per currency, never converted or added across currencies."
            )
        )
    return text_of(_("Amounts are summed exactly as recorded."))


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def as_json(result: PivotResult) -> dict[str, Any]:
    """The pivot for programs: exact decimals as strings, keys for drill-down, totals."""
    totals = result.total_columns

    def line(row: Header | None) -> dict[str, Any]:
        return {
            "values": [_json_value(result.value(row, c)) for c in result.columns],
            "totals": [_json_value(result.value(row, c, total_cols=True)) for c in totals],
        }

    def column(c: Column) -> dict[str, Any]:
        return {
            "key": list(c.header.key),
            "labels": list(c.header.labels),
            "measure": c.measure.measure.key,
            "currency": c.currency_code or None,
        }

    return {
        "model": result.view.model,
        "title": text_of(result.view.pivot.title if result.view.pivot else result.view.title),
        "measures": [
            {"key": m.measure.key, "label": m.label, "type": m.type} for m in result.measures
        ],
        "rows": [{"spec": _spec(d), "label": d.label} for d in result.row_dims],
        "cols": [{"spec": _spec(d), "label": d.label} for d in result.col_dims],
        "columns": [column(c) for c in result.columns],
        "total_columns": [column(c) for c in totals],
        "lines": [
            {
                "key": list(r.key),
                "labels": list(r.labels),
                "list_url": result.drill(r, None),
                **line(r),
            }
            for r in result.rows
        ],
        "total": line(None),
        "record_count": result.record_count,
        "per_currency": result.per_currency,
        "note": note(result),
    }


def _spec(found: Any) -> str:
    return f"{found.path}:{found.granularity}" if found.granularity else str(found.path)


def chart(result: PivotResult, lang: str) -> dict[str, Any]:
    """The data the static chart script draws: the first measure, one series per column.

    Values travel as exact decimal strings; the script turns them into numbers only
    to draw (the table beside the chart shows the exact figures).
    """
    first = result.measures[0] if result.measures else None
    shown = [c for c in result.columns if first is not None and c.measure == first]
    categories = [r.label for r in result.rows] or [text_of(_("Total"))]
    rows: list[Header | None] = list(result.rows) or [None]
    series = []
    for c in shown:
        name_parts = [p for p in (c.header.label if result.col_dims else "", c.currency_code) if p]
        series.append(
            {
                "name": " · ".join(name_parts) or (first.label if first else ""),
                # stacked bars add up within one currency only
                "stack": c.currency_code or "total",
                "data": [_json_value(result.value(r, c)) for r in rows],
                "urls": [result.drill(r, c) for r in rows],
            }
        )
    return {
        "type": result.request.chart,
        "locale": "ZH" if lang.startswith("zh") else "EN",
        "measure": first.label if first else "",
        "categories": categories,
        "series": series,
    }


def to_xlsx(result: PivotResult, title: str) -> bytes:
    """The pivot as a sheet: row labels, one column per figure, totals; numbers stay numbers."""
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet((title or "Pivot")[:31])
    head = book.add_format({"bold": True, "bg_color": "#E9EEF5", "border": 1})
    formats = {
        "money": book.add_format({"num_format": "#,##0.00"}),
        "quantity": book.add_format({"num_format": "#,##0.####"}),
        "integer": book.add_format({"num_format": "#,##0"}),
        "decimal": book.add_format({"num_format": "#,##0.00"}),
    }
    bold = book.add_format({"bold": True, "num_format": "#,##0.00", "top": 1})
    n_labels = max(1, len(result.row_dims))
    columns = [*result.columns, *result.total_columns]
    for i, dim in enumerate(result.row_dims or []):
        sheet.write_string(1, i, dim.label, head)
    for j, c in enumerate(columns):
        header = c.header.label if c.header.key or not result.col_dims else text_of(_("Total"))
        sheet.write_string(0, n_labels + j, header, head)
        sheet.write_string(1, n_labels + j, c.label, head)
    row_no = 2
    totals_from = len(result.columns)
    for r in result.rows:
        for i, text in enumerate(r.labels):
            sheet.write_string(row_no, i, text)
        for j, c in enumerate(columns):
            value = result.value(r, c, total_cols=j >= totals_from)
            if value is not None:
                sheet.write_number(row_no, n_labels + j, value, formats.get(c.measure.type))
        row_no += 1
    sheet.write_string(row_no, 0, text_of(_("Total")), bold)
    for j, c in enumerate(columns):
        value = result.value(None, c, total_cols=j >= totals_from)
        if value is not None:
            sheet.write_number(row_no, n_labels + j, value, bold)
    text = note(result)
    if text:
        sheet.write_string(row_no + 2, 0, text)
    sheet.set_column(0, n_labels - 1, 24)
    sheet.set_column(n_labels, n_labels + len(columns), 16)
    sheet.freeze_panes(2, n_labels)
    book.close()
    return output.getvalue()


def table_xlsx(title: str, headers: list[str], rows: list[list[Any]]) -> bytes:
    """An analysis table as a sheet: numbers as numbers, dates as dates, text as text."""
    import datetime as dt

    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet((title or "Report")[:31])
    head = book.add_format({"bold": True, "bg_color": "#E9EEF5", "border": 1})
    amount = book.add_format({"num_format": "#,##0.00"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for j, text in enumerate(headers):
        sheet.write_string(0, j, text, head)
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, bool):
                sheet.write_boolean(i, j, value)
            elif isinstance(value, Decimal):
                sheet.write_number(i, j, value, amount)
            elif isinstance(value, int):
                sheet.write_number(i, j, value)
            elif isinstance(value, dt.date):
                sheet.write_datetime(i, j, dt.datetime(value.year, value.month, value.day), day)
            else:
                sheet.write_string(i, j, str(value))
    sheet.set_column(0, max(0, len(headers) - 1), 16)
    sheet.freeze_panes(1, 1)
    book.close()
    return output.getvalue()

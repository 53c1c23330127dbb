"""Exporting the current (searched, filtered, sorted) list to CSV and XLSX.

Why numbers stay numbers: an accountant who exports orders sums the amount column
in the spreadsheet. XLSX cells get real numbers with a number format (never text),
dates get date cells; CSV writes the exact decimal text with a UTF-8 BOM so that
Excel opens Chinese labels correctly. Headers are the translated column labels.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import xlsxwriter

from kernel.web.ui.listing import ListPage, iter_export


def to_csv(page: ListPage) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.label for c in page.columns])
    for row in iter_export(page):
        writer.writerow([_csv_value(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    # a cell starting with = + - @ is a formula in spreadsheets: neutralise it
    if text[:1] in ("=", "+", "-", "@") and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def to_xlsx(page: ListPage, title: str) -> bytes:
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet(title[:31] or "Sheet1")
    header = book.add_format(
        {"bold": True, "bg_color": "#E9EEF5", "border": 1, "valign": "vcenter"}
    )
    money = book.add_format({"num_format": "#,##0.00"})
    quantity = book.add_format({"num_format": "#,##0.####"})
    decimal = book.add_format({"num_format": "0.####"})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    total_fmt = book.add_format({"bold": True, "num_format": "#,##0.00", "top": 1})
    widths = [max(10, len(c.label) * 2) for c in page.columns]
    for index, column in enumerate(page.columns):
        sheet.write_string(0, index, column.label, header)
    formats = {
        "money": money,
        "quantity": quantity,
        "decimal": decimal,
        "date": date,
        "datetime": moment,
    }
    row_no = 0
    for row_no, row in enumerate(iter_export(page), start=1):
        for index, (column, value) in enumerate(zip(page.columns, row, strict=True)):
            kind = column.meta.type
            if value is None:
                continue
            if isinstance(value, Decimal):
                sheet.write_number(row_no, index, value, formats.get(kind, decimal))
            elif isinstance(value, bool):
                sheet.write_boolean(row_no, index, value)
            elif isinstance(value, int):
                sheet.write_number(row_no, index, value)
            elif isinstance(value, dt.datetime):
                sheet.write_datetime(
                    row_no, index, value.astimezone(dt.UTC).replace(tzinfo=None), moment
                )
            elif isinstance(value, dt.date):
                sheet.write_datetime(
                    row_no, index, dt.datetime(value.year, value.month, value.day), date
                )
            else:
                text = str(value)
                sheet.write_string(row_no, index, text)
                widths[index] = min(60, max(widths[index], len(text) + 2))
    if page.totals and row_no:
        for index, column in enumerate(page.columns):
            if column.name in page.totals and page.totals[column.name] is not None:
                sheet.write_number(row_no + 1, index, page.totals[column.name], total_fmt)
        # money in several currencies: one total line per currency, named in the first column
        for offset, (code, money) in enumerate(page.currency_totals, start=2):
            sheet.write_string(row_no + offset, 0, code, total_fmt)
            for index, column in enumerate(page.columns):
                if money.get(column.name) is not None:
                    sheet.write_number(row_no + offset, index, money[column.name], total_fmt)
    for index, width in enumerate(widths):
        sheet.set_column(index, index, width)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(row_no, 1), max(len(page.columns) - 1, 0))
    book.close()
    return output.getvalue()

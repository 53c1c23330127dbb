"""Exporting report rows to CSV (UTF-8 with BOM, so Excel opens Chinese correctly) and XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from kernel.i18n import LazyString


def to_csv(
    rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str | LazyString]]
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(label) for _key, label in columns])
    for row in rows:
        writer.writerow([_cell(row.get(key)) for key, _label in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[tuple[str, str | LazyString]],
    sheet: str = "Report",
) -> bytes:
    """An XLSX workbook; amounts are written as numbers with two decimals (Excel has no Decimal)."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = book.add_worksheet(sheet[:31])
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0.00"})
    for col, (_key, label) in enumerate(columns):
        ws.write(0, col, str(label), bold)
    for r, row in enumerate(rows, start=1):
        for col, (key, _label) in enumerate(columns):
            value = row.get(key)
            if isinstance(value, Decimal):
                # xlsx stores IEEE doubles; the exact figure stays in the CSV and the books
                ws.write_number(r, col, float(value), money)
            else:
                ws.write(r, col, _cell(value))
    book.close()
    return buffer.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)

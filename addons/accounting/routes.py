"""Web routes: the invoice PDF and report downloads (CSV/XLSX) or a plain HTML table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Literal, TypedDict, TypeVar

import anyio.to_thread
from litestar import Request, Response, get
from litestar.params import FromPath, Parameter
from markupsafe import Markup, escape

from addons.accounting.services import export, reports
from addons.accounting.services.pdf import render_invoice_pdf
from kernel.errors import AccessDenied, ValidationError
from kernel.i18n import LazyString, _
from kernel.web.context import unit_for

T = TypeVar("T")
USER = "accounting.group_user"

COLUMNS: dict[str, list[tuple[str, str | LazyString]]] = {
    "trial_balance": [
        ("code", _("Code")),
        ("name", _("Name")),
        ("name_zh", _("Chinese name")),
        ("opening", _("Opening balance")),
        ("debit", _("Debit")),
        ("credit", _("Credit")),
        ("closing", _("Closing balance")),
    ],
    "aged_receivables": [
        ("partner", _("Partner")),
        ("not_due", _("Not due")),
        ("days_0_30", _("0-30 days")),
        ("days_31_60", _("31-60 days")),
        ("days_61_90", _("61-90 days")),
        ("days_90_plus", _("Over 90 days")),
        ("total", _("Total")),
    ],
    "tax_report": [
        ("tax", _("Tax")),
        ("scope", _("Used for")),
        ("base", _("Base")),
        ("tax_amount", _("Tax amount")),
    ],
    "partner_balances": [
        ("partner", _("Partner")),
        ("debit", _("Debit")),
        ("credit", _("Credit")),
        ("balance", _("Balance")),
    ],
}
COLUMNS["aged_payables"] = COLUMNS["aged_receivables"]
COLUMNS["profit_and_loss"] = COLUMNS["balance_sheet"] = [
    ("section", _("Section")),
    ("code", _("Code")),
    ("name", _("Name")),
    ("name_zh", _("Chinese name")),
    ("amount", _("Amount")),
]
COLUMNS["general_ledger"] = COLUMNS["partner_ledger"] = [
    ("date", _("Date")),
    ("entry", _("Entry")),
    ("label", _("Label")),
    ("debit", _("Debit")),
    ("credit", _("Credit")),
    ("balance", _("Balance")),
]
SECTIONS: dict[str, str | LazyString] = {
    "income": _("Income"),
    "expense": _("Expenses"),
    "assets": _("Assets"),
    "liabilities": _("Liabilities"),
    "equity": _("Equity"),
}


def _flatten(
    report: dict[str, Any], sections: tuple[str, ...], totals: list[tuple[str, Any]]
) -> list[dict[str, Any]]:
    rows = [
        {**row, "section": str(SECTIONS[section])}
        for section in sections
        for row in report[section]
    ]
    rows += [{"section": str(label), "amount": report[key]} for key, label in totals]
    return rows


async def _run(fn: Callable[[], T]) -> T:
    return await anyio.to_thread.run_sync(fn)


def _date(value: str | None, default: dt.date, field: str) -> dt.date:
    if not value:
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            _("%(field)s: %(value)s is not a date (YYYY-MM-DD)", field=field, value=value),
            field=field,
        ) from None


def report_rows(
    env: Any, name: str, date_from: dt.date, date_to: dt.date, params: Any = None
) -> list[dict[str, Any]]:
    """The rows of report ``name`` (one of :data:`COLUMNS`)."""
    params = params or {}
    if name == "trial_balance":
        return reports.trial_balance(env, date_from, date_to)
    if name == "aged_receivables":
        return reports.aged_balances(env, "receivable", date_to)
    if name == "aged_payables":
        return reports.aged_balances(env, "payable", date_to)
    if name == "tax_report":
        return reports.tax_report(env, date_from, date_to)
    if name == "partner_balances":
        return reports.partner_balances(env, "receivable")
    if name == "profit_and_loss":
        return _flatten(
            reports.profit_and_loss(env, date_from, date_to),
            ("income", "expense"),
            [
                ("total_income", _("Total income")),
                ("total_expense", _("Total expenses")),
                ("profit", _("Profit")),
            ],
        )
    if name == "balance_sheet":
        return _flatten(
            reports.balance_sheet(env, date_to),
            ("assets", "liabilities", "equity"),
            [
                ("current_profit", _("Profit of the year")),
                ("total_assets", _("Total assets")),
                ("total_liabilities", _("Total liabilities")),
                ("total_equity", _("Total equity")),
            ],
        )
    if name == "general_ledger":
        from addons.accounting.services.fiscal import account_by_code

        account = account_by_code(env, str(params.get("account") or ""))
        return reports.general_ledger(env, account.id, date_from, date_to)["lines"]
    if name == "partner_ledger":
        try:
            partner_id = int(params.get("partner") or 0)
        except ValueError:
            partner_id = 0
        rows = reports.partner_ledger(env, partner_id)
        return [{**row, "label": row["type"]} for row in rows]
    raise ValidationError(_("Report: %(name)s is not a report", name=name), field="report")


def _json_value(value: Any) -> Any:
    """Exact amounts as strings (like the generic API), dates as ISO text, ids as numbers."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


REPORT_NAMES = tuple(COLUMNS)
ReportName = Literal[
    "trial_balance",
    "general_ledger",
    "partner_ledger",
    "partner_balances",
    "aged_receivables",
    "aged_payables",
    "balance_sheet",
    "profit_and_loss",
    "tax_report",
]


class ReportColumn(TypedDict):
    key: str
    label: str


class ReportData(TypedDict):
    """A report as JSON: its period, its columns (key and label) and its rows."""

    report: str
    date_from: str
    date_to: str
    columns: list[ReportColumn]
    rows: list[dict[str, Any]]


def _report(request: Request[Any, Any, Any], name: str, fmt: str | None = None) -> Response[Any]:
    params = request.query_params
    today = dt.date.today()
    fmt = fmt or params.get("format") or "html"
    with unit_for(request, readonly=True) as env:
        if not env.has_group(USER):
            raise AccessDenied(_("only accounting users can read accounting reports"))
        date_from = _date(params.get("date_from"), today.replace(month=1, day=1), "date_from")
        date_to = _date(params.get("date_to"), today, "date_to")
        rows = report_rows(env, name, date_from, date_to, params)
        columns = COLUMNS[name]
        if fmt == "json":
            return Response(
                {
                    "report": name,
                    "date_from": date_from.isoformat(),
                    "date_to": date_to.isoformat(),
                    "columns": [{"key": key, "label": str(label)} for key, label in columns],
                    "rows": [{key: _json_value(v) for key, v in row.items()} for row in rows],
                },
                media_type="application/json",
            )
        if fmt not in ("csv", "xlsx", "html"):
            raise ValidationError(_("format must be one of json, csv, xlsx, html"), field="format")
        if fmt == "csv":
            return Response(
                export.to_csv(rows, columns),
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
            )
        if fmt == "xlsx":
            return Response(
                export.to_xlsx(rows, columns, sheet=name),
                media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
            )
        head = Markup("").join(Markup("<th>{}</th>").format(str(label)) for _k, label in columns)
        body = Markup("").join(
            Markup("<tr>{}</tr>").format(
                Markup("").join(
                    Markup("<td>{}</td>").format(escape(export._cell(row.get(k))))
                    for k, _l in columns
                )
            )
            for row in rows
        )
        html = Markup(
            "<!DOCTYPE html><html><head><meta charset='utf-8'><title>{t}</title></head>"
            "<body><h1>{t}</h1><p>{f} – {to}</p><table border='1'><thead><tr>{h}</tr></thead>"
            "<tbody>{b}</tbody></table></body></html>"
        ).format(t=name, f=date_from.isoformat(), to=date_to.isoformat(), h=head, b=body)
        return Response(str(html), media_type="text/html; charset=utf-8")


@get("/accounting/reports/{name:str}", name="accounting_report")
async def report(request: Request[Any, Any, Any], name: FromPath[str]) -> Response[Any]:
    """The screen's download: ``?format=csv|xlsx|json``, an HTML table by default."""
    return await _run(lambda: _report(request, name))


@get(
    "/api/v1/reports/accounting/{name:str}",
    name="accounting_report_json",
    tags=["Accounting"],
    summary="An accounting report as JSON",
    description="`name`: " + ", ".join(REPORT_NAMES) + ". The filters of the screen: "
    "`date_from`, `date_to` (YYYY-MM-DD; the year so far by default), `account` (an account "
    "code, for general_ledger), `partner` (a partner id, for partner_ledger). Rows name "
    "accounts and partners by id (`account_id`, `partner_id`); amounts are exact decimal "
    "strings. The same rows as `/accounting/reports/{name}?format=csv|xlsx`.",
)
async def report_json(
    request: Request[Any, Any, Any],
    name: Annotated[ReportName, Parameter(description="The report")],
    date_from: Annotated[dt.date | None, Parameter(description="First day")] = None,
    date_to: Annotated[dt.date | None, Parameter(description="Last day (as of)")] = None,
    account: Annotated[str | None, Parameter(description="Account code", max_length=32)] = None,
    partner: Annotated[int | None, Parameter(description="Partner id", ge=1, le=2**31 - 1)] = None,
) -> ReportData:
    def work() -> ReportData:
        response = _report(request, name, fmt="json")
        data: ReportData = response.content
        return data

    return await _run(work)


def _pdf(request: Request[Any, Any, Any], move_id: int) -> Response[Any]:
    with unit_for(request, readonly=True) as env:
        move = env.get("account.move", move_id)
        pdf = render_invoice_pdf(env, move)
        filename = (move.name or f"draft-{move.id}").replace("/", "-")
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}.pdf"'},
    )


@get(
    "/accounting/invoices/{move_id:int}/pdf",
    name="accounting_invoice_pdf",
    tags=["Accounting"],
    summary="An invoice as PDF (bilingual)",
    media_type="application/pdf",
)
async def invoice_pdf(request: Request[Any, Any, Any], move_id: FromPath[int]) -> Response[Any]:
    return await _run(lambda: _pdf(request, move_id))


ROUTES = [report, report_json, invoice_pdf]

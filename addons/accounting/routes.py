"""Web routes: the invoice PDF, and the accounting reports as a screen, CSV, XLSX and JSON."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal, TypedDict

from litestar import Request, Response, get
from litestar.params import FromPath, PathParameter, QueryParameter
from sqlalchemy import select

from addons.accounting.services import export, reports
from addons.accounting.services.pdf import render_invoice_pdf
from kernel.env import Env
from kernel.errors import AccessDenied, NotFound, ValidationError
from kernel.i18n import LazyString, _
from kernel.web.deps import RequestEnv

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


ReportFormat = Literal["html", "csv", "xlsx", "json"]


def _report_data(
    env: Env,
    name: str,
    date_from: dt.date,
    date_to: dt.date,
    params: dict[str, Any],
) -> ReportData:
    """Report ``name`` as JSON: its period, its columns (key and label) and its rows."""
    rows = report_rows(env, name, date_from, date_to, params)
    return {
        "report": name,
        "date_from": date_from.isoformat(),
        "date_to": date_to.isoformat(),
        "columns": [{"key": key, "label": str(label)} for key, label in COLUMNS[name]],
        "rows": [{key: _json_value(v) for key, v in row.items()} for row in rows],
    }


def _download(
    env: Env,
    name: str,
    fmt: ReportFormat,
    date_from: dt.date,
    date_to: dt.date,
    params: dict[str, Any],
) -> Response[Any]:
    """The report's rows as a JSON document, a CSV or an XLSX file."""
    if fmt == "json":
        return Response(
            _report_data(env, name, date_from, date_to, params), media_type="application/json"
        )
    rows = report_rows(env, name, date_from, date_to, params)
    columns = COLUMNS[name]
    if fmt == "csv":
        return Response(
            export.to_csv(rows, columns),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    return Response(
        export.to_xlsx(rows, columns, sheet=name),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )


def _check_reader(env: Any) -> None:
    if not env.has_group(USER):
        raise AccessDenied(_("only accounting users can read accounting reports"))


def _period(date_from: str | None, date_to: str | None) -> tuple[dt.date, dt.date]:
    today = dt.date.today()
    start = _date(date_from, today.replace(month=1, day=1), "date_from")
    end = _date(date_to, today, "date_to")
    return start, end


TITLES: dict[str, str | LazyString] = {
    "trial_balance": _("Trial balance"),
    "general_ledger": _("General ledger"),
    "partner_ledger": _("Partner ledger"),
    "partner_balances": _("Partner balances"),
    "aged_receivables": _("Aged receivables"),
    "aged_payables": _("Aged payables"),
    "balance_sheet": _("Balance sheet"),
    "profit_and_loss": _("Profit and loss"),
    "tax_report": _("Tax report"),
}
AS_OF = ("aged_receivables", "aged_payables", "balance_sheet", "partner_balances")
AMOUNTS = {
    "opening", "debit", "credit", "closing", "balance", "amount", "base", "tax_amount",
    "not_due", "days_0_30", "days_31_60", "days_61_90", "days_90_plus", "total",
}  # fmt: skip


def _report_page(
    request: Request[Any, Any, Any],
    env: Env,
    name: str,
    raw_from: str | None,
    raw_to: str | None,
    account: str,
    raw_partner: str | None,
) -> Response[Any]:
    """The report inside the application: switcher, the API's filters, locale-formatted figures.

    A wrong filter is named beside its field (422) and the page still renders; the
    general ledger asks for its account instead of failing without one.
    """
    from kernel.i18n import text_of
    from kernel.web.templating import render

    if name not in COLUMNS:
        raise NotFound(_("Report: %(name)s is not a report", name=name))
    errors: dict[str, str] = {}
    _check_reader(env)
    today = dt.date.today()
    date_from, date_to = today.replace(month=1, day=1), today
    try:
        date_from, date_to = _period(raw_from, raw_to)
    except ValidationError as exc:
        errors.update({k: text_of(v) for k, v in exc.fields.items()})
    partner = _int(raw_partner)
    rows: list[dict[str, Any]] = []
    prompt = ""
    if name == "general_ledger" and not account:
        prompt = text_of(_("Choose an account to see its ledger."))
    elif name == "partner_ledger" and not partner:
        prompt = text_of(_("Choose a partner to see their ledger."))
    elif not errors:
        try:
            rows = report_rows(
                env, name, date_from, date_to, {"account": account, "partner": raw_partner}
            )
        except ValidationError as exc:
            errors.update(
                {("account" if k == "account_id" else k): text_of(v) for k, v in exc.fields.items()}
            )
    zh = env.lang == "zh_CN"
    columns = [
        (key, text_of(label)) for key, label in COLUMNS[name] if not (key == "name_zh" and zh)
    ]
    if zh:  # one name column, in the reader's language
        rows = [{**row, "name": row.get("name_zh") or row.get("name")} for row in rows]
    context = {
        "name": name,
        "title": text_of(TITLES[name]),
        "reports": [(key, text_of(label)) for key, label in TITLES.items()],
        "columns": columns,
        "amount_keys": AMOUNTS,
        "rows": rows,
        "date_from": date_from,
        "date_to": date_to,
        "uses_from": name not in AS_OF,
        "account": account,
        "partner": partner,
        "accounts": _accounts(env) if name == "general_ledger" else [],
        "partners": _partners(env) if name == "partner_ledger" else [],
        "errors": errors,
        "prompt": prompt,
        "query": str(request.url.query or "").replace("format=html", "").strip("&"),
        "currency": _currency(env),
    }
    return render(
        request,
        "accounting/report.html",
        context,
        env=env,
        status_code=422 if errors else 200,
    )


def _int(raw: Any) -> int:
    try:
        return max(0, min(int(raw or 0), 2**31 - 1))
    except ValueError:
        return 0


def _accounts(env: Any) -> list[tuple[str, str]]:
    Account = env["account.account"]
    zh = env.lang == "zh_CN"
    return [
        (a.code, (a.name_zh or a.name) if zh else a.name)
        for a in env.session.scalars(select(Account).order_by(Account.code))
    ]


def _partners(env: Any) -> list[tuple[int, str]]:
    """Partners with journal items: the only ones whose ledger says anything."""
    Line, Partner = env["account.move.line"], env["res.partner"]
    ids = select(Line.partner_id).where(Line.partner_id.is_not(None)).distinct()
    return [
        (p.id, p.name)
        for p in env.session.scalars(
            select(Partner).where(Partner.id.in_(ids)).order_by(Partner.name)
        )
    ]


def _currency(env: Any) -> str:
    from addons.base.services.company import company_currency

    currency = company_currency(env)
    return str(currency.code) if currency is not None else ""


@get("/accounting/reports/{name:str}", name="accounting_report", sync_to_thread=True)
def report(
    request: Request[Any, Any, Any],
    env: RequestEnv,
    name: FromPath[str],
    format: Annotated[ReportFormat, QueryParameter(description="html, csv, xlsx or json")] = "html",
    date_from: Annotated[str | None, QueryParameter(max_length=32)] = None,
    date_to: Annotated[str | None, QueryParameter(max_length=32)] = None,
    account: Annotated[str | None, QueryParameter(max_length=32)] = None,
    partner: Annotated[str | None, QueryParameter(max_length=32)] = None,
) -> Response[Any]:
    """The report's screen; ``?format=csv|xlsx|json`` downloads the same rows.

    The filters arrive as text: the screen's form sends them empty when cleared
    (meaning the defaults), and a wrong one is shown beside its field.
    """
    if format == "html":
        return _report_page(request, env, name, date_from, date_to, account or "", partner)
    _check_reader(env)
    start, end = _period(date_from, date_to)
    return _download(env, name, format, start, end, {"account": account, "partner": partner})


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
    sync_to_thread=True,
)
def report_json(
    env: RequestEnv,
    name: Annotated[ReportName, PathParameter(description="The report")],
    date_from: Annotated[dt.date | None, QueryParameter(description="First day")] = None,
    date_to: Annotated[dt.date | None, QueryParameter(description="Last day (as of)")] = None,
    account: Annotated[
        str | None, QueryParameter(description="Account code", max_length=32)
    ] = None,
    partner: Annotated[
        int | None, QueryParameter(description="Partner id", ge=1, le=2**31 - 1)
    ] = None,
) -> ReportData:
    _check_reader(env)
    today = dt.date.today()
    start, end = date_from or today.replace(month=1, day=1), date_to or today
    return _report_data(env, name, start, end, {"account": account, "partner": partner})


@get(
    "/accounting/invoices/{move_id:int}/pdf",
    name="accounting_invoice_pdf",
    tags=["Accounting"],
    summary="An invoice as PDF (bilingual)",
    media_type="application/pdf",
    sync_to_thread=True,
)
def invoice_pdf(env: RequestEnv, move_id: FromPath[int]) -> Response[Any]:
    move = env.get("account.move", move_id)
    pdf = render_invoice_pdf(env, move)
    filename = (move.name or f"draft-{move.id}").replace("/", "-")
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}.pdf"'},
    )


ROUTES = [report, report_json, invoice_pdf]

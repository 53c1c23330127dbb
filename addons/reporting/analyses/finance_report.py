"""Finance: the receivables aging chart and table, and links into accounting's reports
(registered where accounting is installed).

Why accounting's own ageing: its ``aged_balances`` is one grouped statement over the
open receivable lines with the buckets as CASE expressions — the figures here are
exactly those of accounting's "Aged receivables" report, only drawn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

from addons.reporting.analyses.routes import _date, _num
from addons.reporting.analyses.tables import Col, Field, Report, Table, routes
from kernel.env import Env
from kernel.i18n import _, text_of

TITLE = _("Finance overview")
OPEN = _("Open receivables")
BUCKET_LABELS = {
    "not_due": _("Not due"),
    "days_0_30": _("0-30 days"),
    "days_31_60": _("31-60 days"),
    "days_61_90": _("61-90 days"),
    "days_90_plus": _("Over 90 days"),
}
REPORTS = {
    "aged_receivables": _("Aged receivables"),
    "aged_payables": _("Aged payables"),
    "partner_balances": _("Partner balances"),
    "trial_balance": _("Trial balance"),
    "profit_and_loss": _("Profit and loss"),
    "balance_sheet": _("Balance sheet"),
    "tax_report": _("Tax report"),
}


def compute(env: Env, params: Mapping[str, Sequence[str]], lang: str) -> Report:
    from addons.accounting.services.reports import BUCKETS, aged_balances
    from addons.base.services.company import company_currency

    env.check("account.move.line", "read")
    as_of = _date(params, "as_of", dt.date.today())
    code = company_currency(env).code
    rows = sorted(aged_balances(env, "receivable", as_of), key=lambda r: -r["total"])
    totals = {b: sum((r[b] for r in rows), Decimal(0)) for b in (*BUCKETS, "total", "overdue")}
    columns = [
        Col(_("Customer")),
        *[Col(BUCKET_LABELS[b], "money", code) for b in BUCKETS],
        Col(_("Total"), "money", code),
        Col(_("Overdue"), "money", code),
    ]
    table_rows = [[r["partner"], *[r[b] for b in BUCKETS], r["total"], r["overdue"]] for r in rows]
    if rows:
        table_rows.append(
            [text_of(_("Total")), *[totals[b] for b in BUCKETS], totals["total"], totals["overdue"]]
        )
    tables = [
        Table(_("Receivables aging"), columns, table_rows, empty=_("No open receivables.")),
        Table(
            _("Accounting reports"),
            [Col(_("Report"))],
            [[label] for label in REPORTS.values()],
            urls=[f"/accounting/reports/{name}" for name in REPORTS],
        ),
    ]
    chart = {
        "type": "bar",
        "locale": "ZH" if lang.startswith("zh") else "EN",
        "categories": [text_of(BUCKET_LABELS[b]) for b in BUCKETS],
        "series": [
            {
                "name": f"{text_of(OPEN)} · {code}",
                "data": [_num(totals[b]) for b in BUCKETS],
            }
        ],
    }
    data = {
        "as_of": as_of.isoformat(),
        "currency": code,
        "totals": {b: _num(totals[b]) for b in totals},
        "partners": [
            {
                "partner_id": r["partner_id"],
                "name": r["partner"],
                **{b: _num(r[b]) for b in (*BUCKETS, "total", "overdue")},
            }
            for r in rows
        ],
        "reports": {name: f"/accounting/reports/{name}" for name in REPORTS},
    }
    form = [Field("as_of", _("As of"), "date", as_of.isoformat())]
    note = _(
        "Open amounts of posted receivable lines by days past their due date, in the company currency — the figures of accounting's aged receivables report."
    )
    return Report(TITLE, note, form, tables, chart, data)


ROUTES = routes(
    "finance",
    compute,
    """Receivables aging as of ``as_of`` (YYYY-MM-DD, default today): per customer and in
    total, the open amounts not due, 1–30, 31–60, 61–90 and over 90 days past due, in
    the company currency as exact decimal strings; links to accounting's reports.""",
)

"""Home-page key figures per role: the warehouse, purchasing and the sales manager.

Why on the home page: each role's first screen should say how its numbers stand and
what needs acting on, with a link into the analysis that explains them. The figures
are the analyses' own (same statements), over the last 90 days; each widget is
registered for its role's group only where its addons are installed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from markupsafe import Markup

from kernel.env import Env
from kernel.i18n import _, text_of
from kernel.web.templating import money, number

WINDOW = 90


def _window(today: dt.date | None) -> tuple[dt.date, dt.date]:
    today = today or dt.date.today()
    return today - dt.timedelta(days=WINDOW - 1), today


def _figures(rows: list[tuple[Any, str, str | None]], link: str, label: Any) -> Markup:
    """A small table of (label, figure, css class or None) and a link to the analysis."""
    body = Markup("").join(
        Markup(
            '<tr><th scope="row" class="fw-normal">{}</th><td class="text-end sp-num{}">{}</td></tr>'
        ).format(text_of(name), Markup(" ") + css if css else "", value)
        for name, value, css in rows
    )
    return Markup(
        '<table class="table table-sm mb-2 sp-role-widget"><tbody>{}</tbody></table>'
        '<a class="small" href="{}">{}</a>'
    ).format(body, link, text_of(label))


def _open(role: str) -> Markup:
    """The link to the role's dashboard page."""
    from addons.reporting.analyses.dashboards import ROLES

    return Markup(
        '<br><a class="small fw-semibold" href="/reporting/dashboard/{}">'
        '<i class="bi bi-speedometer2" aria-hidden="true"></i> {}</a>'
    ).format(role, text_of(ROLES[role].title))


def _pct(value: Any) -> str:
    return "—" if value is None else f"{number(value, 1)}%"


def render_warehouse(env: Env, today: dt.date | None = None) -> Markup:
    from addons.reporting.analyses import inventory

    first, last = _window(today)
    a = inventory.analyse(env, first, last)
    slow = sum(1 for line in a.lines if line.slow(a.slow_days))
    rows: list[tuple[Any, str, str | None]] = [
        (_("Stock value"), money(a.total("value_end"), a.currency), None),
        (_("Turnover (90 days)"), "—" if a.turnover is None else number(a.turnover, 2), None),
        (_("Slow movers"), str(slow), "text-warning" if slow else None),
    ]
    return _figures(rows, "/reporting/inventory", _("Inventory analysis")) + _open("warehouse")


def render_purchasing(env: Env, today: dt.date | None = None) -> Markup:
    from addons.reporting.analyses import purchasing

    first, last = _window(today)
    a = purchasing.analyse(env, first, last, today=last)
    on_time = sum(p.on_time for p in a.punctuality)
    late = sum(p.late for p in a.punctuality)
    rate = round(on_time * 100 / (on_time + late), 1) if on_time + late else None
    rows: list[tuple[Any, str, str | None]] = [
        (_("Spend (90 days)"), " · ".join(money(a.total(c), c) for c in a.currencies) or "—", None),
        (_("Supplier on-time rate"), _pct(rate), None),
        (_("Late purchase orders"), str(late), "text-danger" if late else None),
    ]
    return _figures(rows, "/reporting/purchase", _("Purchase analysis")) + _open("purchasing")


def render_sales_manager(env: Env, today: dt.date | None = None) -> Markup:
    from addons.reporting.analyses import delivery_perf

    first, last = _window(today)
    a = delivery_perf.analyse(env, first, last, today=last)
    overall = a.overall
    rows: list[tuple[Any, str, str | None]] = [
        (_("On-time delivery (90 days)"), _pct(overall.rate), None),
        (
            _("Late and not shipped"),
            str(a.late_open_count),
            "text-danger" if a.late_open_count else None,
        ),
    ]
    extra = Markup('<br><a class="small" href="/reporting/forecast">{}</a>').format(
        text_of(_("Demand forecast"))
    )
    return _figures(rows, "/reporting/delivery", _("Delivery performance")) + extra + _open("sales")


def render_finance(env: Env, today: dt.date | None = None) -> Markup:
    from addons.reporting.analyses import finance_report

    day = today or dt.date.today()
    report = finance_report.compute(env, {"as_of": [day.isoformat()]}, "en")
    totals, code = report.data["totals"], report.data["currency"]
    overdue = totals["overdue"] or 0
    rows: list[tuple[Any, str, str | None]] = [
        (_("Receivables"), money(totals["total"] or 0, code), None),
        (_("Overdue receivables"), money(overdue, code), "text-danger" if overdue else None),
    ]
    return _figures(rows, "/reporting/finance", _("Finance overview")) + _open("finance")

"""Dashboards per role: the sales manager's, the warehouse's, purchasing's and finance's.

Why one page per role built from the analyses: each role's home should say how its
numbers stand (key figures), how they move (a chart or two) and what needs acting on
(its alerts), each figure linking to the screen that explains it. The figures are
the analyses' own; the alerts are the installed addons' own home-page widgets
(``register_dashboard_widgets``, looked up by key, so reporting imports none of
them) plus reporting's late orders and, where mrp is installed, late production
orders read through the ORM by model name. A role's dashboard exists where its
addon is installed and opens for the users of its group.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from markupsafe import Markup
from sqlalchemy import func, select

from kernel.env import Env
from kernel.errors import AccessDenied, NotFound
from kernel.i18n import LazyString, _, text_of
from kernel.web.templating import collect_widgets, money, number

WINDOW = 90  # days of the key figures
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Role:
    key: str
    title: LazyString
    group: str
    addon: str
    widgets: tuple[str, ...]  # alert widgets of other addons shown on it


ROLES: dict[str, Role] = {
    role.key: role
    for role in (
        Role(
            "sales",
            _("Sales manager dashboard"),
            "sales_order.group_manager",
            "sales_order",
            ("sales_order.open_exceptions", "accounting.alerts"),
        ),
        Role("warehouse", _("Warehouse dashboard"), "stock.group_user", "stock", ("stock.alerts",)),
        Role(
            "purchasing",
            _("Purchasing dashboard"),
            "purchase.group_user",
            "purchase",
            ("stock.alerts",),
        ),
        Role(
            "finance",
            _("Finance dashboard"),
            "accounting.group_user",
            "accounting",
            ("accounting.alerts",),
        ),
    )
}


@dataclass
class Figure:
    label: str
    value: str
    url: str | None = None
    tone: str = ""  # "danger", "warning" or ""


@dataclass
class Chart:
    title: str
    data: dict[str, Any]

    @property
    def empty(self) -> bool:
        """Nothing to draw: no category, or every value empty or zero."""
        values = [v for s in self.data.get("series", []) for v in s.get("data", [])]
        return not self.data.get("categories") or not any(v and Decimal(v) for v in values)


@dataclass
class Alert:
    title: str
    body: Markup
    key: str
    count: int | None = None  # reporting's own alerts: how many (None: another addon's widget)


@dataclass
class Dashboard:
    role: Role
    today: dt.date
    figures: list[Figure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)

    @property
    def title(self) -> str:
        return text_of(self.role.title)


def register_menu(register: Any, key: str) -> None:
    """The role's entry under Reporting → Dashboards, for its group (from its addon's part)."""
    role = ROLES[key]
    register(
        f"reporting.dashboards.{key}",
        role.title,
        f"/reporting/dashboard/{key}",
        parent="reporting.dashboards",
        sequence=list(ROLES).index(key) + 1,
        group=role.group,
    )


def available(env: Env) -> list[Role]:
    """The dashboards this user may open: the role's addon is installed and they are in its group."""
    return [r for r in ROLES.values() if env.has_addon(r.addon) and env.has_group(r.group)]


def build(env: Env, key: str, lang: str = "en", today: dt.date | None = None) -> Dashboard:
    role = ROLES.get(key)
    if role is None or not env.has_addon(role.addon):
        raise NotFound(_("There is no such dashboard."))
    if not env.has_group(role.group):
        raise AccessDenied(_("This dashboard is for another role."))
    board = Dashboard(role, today or dt.date.today())
    BUILDERS[key](env, board, "ZH" if lang.startswith("zh") else "EN")
    board.alerts.extend(_widget_alerts(env, role.widgets))
    return board


def _window(board: Dashboard) -> tuple[dt.date, dt.date]:
    return board.today - dt.timedelta(days=WINDOW - 1), board.today


def _num(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _pct(value: Any) -> str:
    return "—" if value is None else f"{number(value, 1)}%"


def _late_deliveries_alert(d: Any, items: list[Markup]) -> Alert:
    """Orders past their requested date and not shipped (sales and warehouse boards)."""
    return _count_alert(
        "reporting.late_deliveries",
        _("Late deliveries"),
        _("Orders past their requested date and not shipped: %(count)s", count=d.late_open_count),
        d.late_open_count,
        "/reporting/delivery",
        items,
    )


def _count_alert(
    key: str, title: Any, text: Any, count: int, url: str, items: list[Markup]
) -> Alert:
    body = Markup('<p class="mb-1 small"><a href="{}">{}</a></p>').format(url, text_of(text))
    if items:
        body += Markup('<ul class="small mb-0">{}</ul>').format(Markup("").join(items))
    return Alert(text_of(title), body, key, count)


def _widget_alerts(env: Env, keys: tuple[str, ...]) -> list[Alert]:
    """Other addons' alert widgets, by key, for the users of their groups."""
    out = []
    for widget in collect_widgets(env.registry):
        if widget.key not in keys:
            continue
        if widget.group is not None and not env.has_group(widget.group):
            continue
        try:
            body = Markup(widget.render(env))
        except Exception:  # as on the home page: one addon's widget does not take the page down
            log.exception("dashboard widget %s failed", widget.key)
            body = Markup('<p class="text-body-secondary small mb-0">{}</p>').format(
                text_of(_("This widget could not be shown."))
            )
        out.append(Alert(text_of(widget.title), body, widget.key))
    return out


# --- the roles ------------------------------------------------------------------------------


def _sales(env: Env, board: Dashboard, locale: str) -> None:
    from addons.reporting.analyses import board as tracking
    from addons.reporting.analyses import periods, sales

    first = periods.start_of(
        periods.shift(periods.key_of(board.today, "month"), "month", -11), "month"
    )
    a = sales.analyse(env, "month", "customer", first, board.today, breakdown=False)
    # the month so far against the same days of last month (a whole month would not compare)
    month_start = board.today.replace(day=1)
    last_start = (month_start - dt.timedelta(days=1)).replace(day=1)
    last_same_day = min(
        last_start + dt.timedelta(days=board.today.day - 1), month_start - dt.timedelta(days=1)
    )
    now = sales.analyse(env, "month", "customer", month_start, board.today, breakdown=False)
    before = sales.analyse(env, "month", "customer", last_start, last_same_day, breakdown=False)
    for code in sorted(set(now.totals) | set(before.totals)):
        current, previous = now.totals.get(code, Decimal(0)), before.totals.get(code)
        board.figures.append(
            Figure(
                text_of(_("Revenue this month so far")) + f" · {code}",
                money(current, code),
                "/reporting/sales",
            )
        )
        growth = (current - previous) * 100 / previous if previous else None
        board.figures.append(
            Figure(
                text_of(_("vs the same days last month")) + f" · {code}",
                "—" if growth is None else f"{number(growth, 1)}%",
                "/reporting/sales",
                "danger" if growth is not None and growth < 0 else "",
            )
        )
    track = tracking.build(env)
    board.figures.append(
        Figure(text_of(_("Open orders")), number(track.total), "/reporting/tracking")
    )
    board.figures.append(
        Figure(
            text_of(_("Late orders")),
            number(track.late),
            "/reporting/tracking?late=1",
            "danger" if track.late else "",
        )
    )
    if env.has_addon("stock"):
        from addons.reporting.analyses import delivery_perf

        start, end = _window(board)
        d = delivery_perf.analyse(env, start, end, today=end)
        board.figures.append(
            Figure(
                text_of(_("On-time delivery (90 days)")),
                _pct(d.overall.rate),
                "/reporting/delivery",
            )
        )
        items = [
            Markup('<li><a href="/app/sales/orders/{}">{}</a> {} · {}</li>').format(
                o.order_id,
                o.name,
                o.customer,
                text_of(_("%(days)s days late", days=o.days_late)),
            )
            for o in d.late_open[:5]
        ]
        board.alerts.append(_late_deliveries_alert(d, items))
    board.alerts.append(
        _count_alert(
            "reporting.late_nodes",
            _("Late orders"),
            _("Open orders late at their node: %(count)s", count=track.late),
            track.late,
            "/reporting/tracking?late=1",
            [],
        )
    )
    board.charts.append(
        Chart(
            text_of(_("Revenue per month")),
            {
                "type": "bar",
                "locale": locale,
                "categories": [p.key for p in a.periods],
                "series": [
                    {
                        "name": text_of(_("Revenue")) + " · " + code,
                        "data": [_num(p.revenue.get(code)) for p in a.periods],
                        "urls": [p.list_url for p in a.periods],
                        "stack": code,
                    }
                    for code in a.currencies
                ],
            },
        )
    )
    board.charts.append(
        Chart(
            text_of(_("Open orders by node")),
            {
                "type": "stack",
                "integer": True,
                "locale": locale,
                "categories": [c.label for c in track.counts],
                "series": [
                    {
                        "name": text_of(_("On time")),
                        "color": "#5470c6",
                        "data": [str(c.orders - c.late) for c in track.counts],
                        "urls": [f"/reporting/tracking?node={c.node}" for c in track.counts],
                        "stack": "orders",
                    },
                    {
                        "name": text_of(_("Late")),
                        "color": "#dc3545",
                        "data": [str(c.late) for c in track.counts],
                        "urls": [f"/reporting/tracking?node={c.node}&late=1" for c in track.counts],
                        "stack": "orders",
                    },
                ],
            },
        )
    )


def _late_production(env: Env, board: Dashboard) -> None:
    """Production orders not done whose planned date has passed (where mrp is installed)."""
    if "mrp.production" not in env or not env.can("mrp.production", "read"):
        return
    Production = env["mrp.production"]
    late = (
        Production.state.in_(("draft", "confirmed", "in_progress")),
        Production.date_planned < board.today,
    )
    count = int(env.session.scalar(select(func.count(Production.id)).where(*late)) or 0)
    rows = env.session.execute(
        select(Production.id, Production.name, Production.date_planned)
        .where(*late)
        .order_by(Production.date_planned, Production.id)
        .limit(5)
    ).all()
    items = [
        Markup('<li><a href="/app/mrp/productions/{}">{}</a> · {}</li>').format(
            pid, name, text_of(_("%(days)s days late", days=(board.today - planned).days))
        )
        for pid, name, planned in rows
    ]
    board.alerts.append(
        _count_alert(
            "reporting.late_production",
            _("Late production"),
            _("Production orders past their planned date and not done: %(count)s", count=count),
            count,
            "/app/mrp/productions",
            items,
        )
    )


def _warehouse(env: Env, board: Dashboard, locale: str) -> None:
    from addons.reporting.analyses import inventory

    start, end = _window(board)
    a = inventory.analyse(env, start, end, by="category")
    products = inventory.analyse(env, start, end)
    slow = sum(1 for line in products.lines if line.slow(products.slow_days))
    board.figures += [
        Figure(
            text_of(_("Stock value")),
            money(a.total("value_end"), a.currency),
            "/reporting/inventory",
        ),
        Figure(
            text_of(_("Turnover (90 days)")),
            "—" if a.turnover is None else number(a.turnover, 2),
            "/reporting/inventory",
        ),
        Figure(
            text_of(_("Slow movers")),
            number(slow),
            "/reporting/inventory",
            "warning" if slow else "",
        ),
    ]
    if env.has_addon("sales_order") and env.can("sale.order", "read"):
        from addons.reporting.analyses import delivery_perf

        d = delivery_perf.analyse(env, start, end, today=end)
        board.figures.append(
            Figure(
                text_of(_("Late deliveries")),
                number(d.late_open_count),
                "/reporting/delivery",
                "danger" if d.late_open_count else "",
            )
        )
        board.alerts.append(_late_deliveries_alert(d, []))
    _late_production(env, board)
    lines = sorted(a.lines, key=lambda line: -line.value_end)[:10]
    board.charts.append(
        Chart(
            text_of(_("Stock value by category")),
            {
                "type": "pie",
                "locale": locale,
                "categories": [line.label for line in lines],
                "series": [
                    {
                        "name": text_of(_("Stock value")) + " · " + a.currency,
                        "data": [_num(line.value_end) for line in lines],
                        "urls": ["/reporting/inventory?by=category" for _line in lines],
                    }
                ],
            },
        )
    )
    moved = sorted(a.lines, key=lambda line: -line.cogs)[:10]
    board.charts.append(
        Chart(
            text_of(_("Cost of goods delivered (90 days) by category")),
            {
                "type": "bar",
                "all_labels": True,
                "locale": locale,
                "categories": [line.label for line in moved],
                "series": [
                    {
                        "name": text_of(_("COGS")) + " · " + a.currency,
                        "data": [_num(line.cogs) for line in moved],
                    }
                ],
            },
        )
    )


def _purchasing(env: Env, board: Dashboard, locale: str) -> None:
    from addons.reporting.analyses import purchasing

    start, end = _window(board)
    a = purchasing.analyse(env, start, end, today=end)
    on_time = sum(p.on_time for p in a.punctuality)
    late = sum(p.late for p in a.punctuality)
    rate = round(Decimal(on_time * 100) / (on_time + late), 1) if on_time + late else None
    for code in a.currencies:
        board.figures.append(
            Figure(
                text_of(_("Spend (90 days)")) + f" · {code}",
                money(a.total(code), code),
                "/reporting/purchase",
            )
        )
    if not a.currencies:
        board.figures.append(Figure(text_of(_("Spend (90 days)")), "—", "/reporting/purchase"))
    board.figures += [
        Figure(text_of(_("Supplier on-time rate")), _pct(rate), "/reporting/purchase"),
        Figure(
            text_of(_("Late purchase orders")),
            number(late),
            "/reporting/purchase",
            "danger" if late else "",
        ),
    ]
    items = [
        Markup("<li>{} · {}</li>").format(p.label, text_of(_("%(count)s late", count=p.late)))
        for p in sorted(a.punctuality, key=lambda p: -p.late)
        if p.late
    ][:5]
    board.alerts.append(
        _count_alert(
            "reporting.late_purchases",
            _("Late purchase orders"),
            _("Purchase orders received late or still open past their date: %(count)s", count=late),
            late,
            "/reporting/purchase",
            items,
        )
    )
    top = a.suppliers[:10]
    codes = sorted({s.currency for s in top})
    labels = list(dict.fromkeys(s.label for s in top))
    board.charts.append(
        Chart(
            text_of(_("Spend by supplier (90 days)")),
            {
                "type": "bar",
                "all_labels": True,
                "locale": locale,
                "categories": labels,
                "series": [
                    {
                        "name": text_of(_("Spend")) + " · " + code,
                        "data": [
                            _num(
                                sum(
                                    (
                                        s.amount
                                        for s in top
                                        if s.label == label and s.currency == code
                                    ),
                                    Decimal(0),
                                )
                            )
                            for label in labels
                        ],
                        "stack": code,
                    }
                    for code in codes
                ],
            },
        )
    )
    ranked = [p for p in a.punctuality if p.on_time + p.late][:10]
    board.charts.append(
        Chart(
            text_of(_("Supplier punctuality (90 days)")),
            {
                "type": "stack",
                "integer": True,
                "all_labels": True,
                "locale": locale,
                "categories": [p.label for p in ranked],
                "series": [
                    {
                        "name": text_of(_("On time")),
                        "color": "#5470c6",
                        "data": [str(p.on_time) for p in ranked],
                        "stack": "po",
                    },
                    {
                        "name": text_of(_("Late")),
                        "color": "#dc3545",
                        "data": [str(p.late) for p in ranked],
                        "stack": "po",
                    },
                ],
            },
        )
    )


def _finance(env: Env, board: Dashboard, locale: str) -> None:
    from addons.reporting.analyses import finance_report

    report = finance_report.compute(env, {"as_of": [board.today.isoformat()]}, locale.lower())
    totals = report.data["totals"]
    code = report.data["currency"]
    overdue = Decimal(totals["overdue"] or 0)
    board.figures += [
        Figure(
            text_of(_("Receivables")),
            money(Decimal(totals["total"] or 0), code),
            "/reporting/finance",
        ),
        Figure(
            text_of(_("Overdue receivables")),
            money(overdue, code),
            "/accounting/reports/aged_receivables",
            "danger" if overdue else "",
        ),
        Figure(
            text_of(_("Customers with open receivables")),
            number(len(report.data["partners"])),
            "/reporting/finance",
        ),
    ]
    chart = dict(report.chart)
    chart["locale"] = locale
    board.charts.append(Chart(text_of(_("Receivables aging")), chart))
    top = report.data["partners"][:10]  # the largest open balances
    board.charts.append(
        Chart(
            text_of(_("Receivables by customer")),
            {
                "type": "stack",
                "all_labels": True,
                "locale": locale,
                "categories": [p["name"] for p in top],
                "series": [
                    {
                        "name": text_of(_("Not overdue")) + " · " + code,
                        "color": "#5470c6",
                        "data": [
                            _num(Decimal(p["total"] or 0) - Decimal(p["overdue"] or 0)) for p in top
                        ],
                        "stack": code,
                    },
                    {
                        "name": text_of(_("Overdue")) + " · " + code,
                        "color": "#dc3545",
                        "data": [p["overdue"] for p in top],
                        "stack": code,
                    },
                ],
            },
        )
    )


BUILDERS = {
    "sales": _sales,
    "warehouse": _warehouse,
    "purchasing": _purchasing,
    "finance": _finance,
}

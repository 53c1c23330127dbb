"""Sales analysis: revenue and volume per period, growth, and a breakdown by product,
category, customer, salesperson or region — from confirmed orders' lines.

Why built on the pivot engine: the figures are the pivot's (one grouped statement per
question, exact per-currency sums), so the analysis, its drill-down lists and the
generic pivot can never disagree. Revenue is the lines' untaxed subtotal; growth
compares with the calendar's previous period and with the same period a year before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from addons.reporting.analyses import periods
from addons.reporting.pivot import Header, PivotRequest, PivotResult, compute
from kernel.env import Env
from kernel.errors import ValidationError
from kernel.i18n import LazyString, _
from kernel.web.introspect import collect_views
from kernel.web.ui.listing import ListState

BREAKDOWNS: dict[str, tuple[str, LazyString]] = {
    "product": ("product_id", _("Product")),
    "category": ("product_id.category_id", _("Product category")),
    "customer": ("order_id.partner_id", _("Customer")),
    "salesperson": ("order_id.salesperson_id", _("Salesperson")),
    "region": ("order_id.partner_id.state_id", _("Region")),
}
MEASURES = ["price_subtotal:sum", "quantity:sum", "count"]
HUNDRED = Decimal(100)


@dataclass
class PeriodLine:
    key: str
    revenue: dict[str, Decimal]  # per currency code
    quantity: Decimal
    lines: int
    growth: dict[str, Decimal | None]  # % vs the previous period, per currency
    growth_yoy: dict[str, Decimal | None]  # % vs the same period a year before
    list_url: str | None = None


@dataclass
class BreakdownLine:
    key: str
    label: str
    revenue: dict[str, Decimal]
    quantity: Decimal
    share: dict[str, Decimal | None]  # % of the range's revenue in that currency
    growth: dict[str, Decimal | None]  # % vs the previous range of the same length
    list_url: str


@dataclass
class SalesAnalysis:
    unit: str
    by: str
    date_from: dt.date
    date_to: dt.date
    currencies: list[str]
    periods: list[PeriodLine] = field(default_factory=list)
    breakdown: list[BreakdownLine] = field(default_factory=list)
    totals: dict[str, Decimal] = field(default_factory=dict)


def growth(now: Decimal | None, before: Decimal | None) -> Decimal | None:
    """Percent change, one decimal; ``None`` when there is nothing to compare with."""
    if not before:
        return None
    return ((Decimal(now or 0) - before) * HUNDRED / before).quantize(Decimal("0.1"))


def confirmed_between(first: dt.date, last: dt.date) -> ListState:
    """Lines of confirmed orders dated in the range, as the lines list filters them.

    Why a list state: a drill-down from any figure opens exactly these lines.
    """
    return ListState(
        filters=["confirmed"],
        domain=[
            f"order_id.date_order>={first.isoformat()}",
            f"order_id.date_order<={last.isoformat()}",
        ],
    )


def _by_currency(result: PivotResult, row: Header | None, field_: str) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    measure = next(m.measure for m in result.measures if m.measure.field == field_)
    for cur, code in result.currencies.items():
        acc = result.acc(row, None, cur)
        value = acc.value(measure) if acc is not None else None
        if value is not None:
            out[code] = Decimal(value)
    return out


def _all(result: PivotResult, row: Header | None, key: str) -> Any:
    acc = result.acc(row, None, "*")
    measure = next(m.measure for m in result.measures if m.measure.key == key)
    return acc.value(measure) if acc is not None else None


def analyse(
    env: Env, unit: str, by: str, date_from: dt.date, date_to: dt.date, breakdown: bool = True
) -> SalesAnalysis:
    """Revenue, volume and growth per period, and the breakdown ``by`` over the range.

    ``breakdown=False``: the periods only (a dashboard's figures and chart; a breakdown
    by customer refuses more than the pivot's 500 groups)."""
    if unit not in periods.UNITS:
        raise ValidationError(_("%(value)s is not a period", value=unit), field="unit")
    if by not in BREAKDOWNS:
        raise ValidationError(_("%(value)s is not a breakdown", value=by), field="by")
    if date_to < date_from:
        raise ValidationError(_("the end date is before the start date"), field="date_to")
    view = collect_views(env.registry)["sale.order.line"]
    since = periods.start_of(periods.year_before(periods.key_of(date_from, unit), unit), unit)
    timeline = compute(
        env,
        view,
        PivotRequest(
            rows=[f"order_id.date_order:{unit}"],
            measures=MEASURES,
            state=confirmed_between(since, date_to),
        ),
    )
    rows = {r.key[0]: r for r in timeline.rows}
    analysis = SalesAnalysis(unit, by, date_from, date_to, [])
    currencies: set[str] = set()

    def revenue(key: str) -> dict[str, Decimal]:
        row = rows.get(key)
        return _by_currency(timeline, row, "price_subtotal") if row else {}

    for key in periods.between(date_from, date_to, unit):
        now, before, last_year = (
            revenue(key),
            revenue(periods.shift(key, unit, -1)),
            revenue(periods.year_before(key, unit)),
        )
        codes = set(now) | set(before) | set(last_year)
        currencies |= set(now)
        row = rows.get(key)
        analysis.periods.append(
            PeriodLine(
                key=key,
                revenue=now,
                quantity=Decimal(_all(timeline, row, "quantity:sum") or 0) if row else Decimal(0),
                lines=int(_all(timeline, row, "count") or 0) if row else 0,
                growth={c: growth(now.get(c), before.get(c)) for c in codes},
                growth_yoy={c: growth(now.get(c), last_year.get(c)) for c in codes},
                list_url=timeline.drill(row, None) if row else None,
            )
        )
    if breakdown:
        _breakdown(env, view, analysis, currencies)
    analysis.currencies = sorted(currencies)
    for line in analysis.periods:
        for code, value in line.revenue.items():
            analysis.totals[code] = analysis.totals.get(code, Decimal(0)) + value
    return analysis


def _breakdown(env: Env, view: Any, analysis: SalesAnalysis, currencies: set[str]) -> None:
    spec = BREAKDOWNS[analysis.by][0]
    days = (analysis.date_to - analysis.date_from).days + 1
    before_to = analysis.date_from - dt.timedelta(days=1)
    before_from = before_to - dt.timedelta(days=days - 1)

    def run(first: dt.date, last: dt.date) -> PivotResult:
        state = confirmed_between(first, last)
        return compute(env, view, PivotRequest(rows=[spec], measures=MEASURES, state=state))

    now = run(analysis.date_from, analysis.date_to)
    before = run(before_from, before_to)
    before_rows = {r.key: r for r in before.rows}
    total = _by_currency(now, None, "price_subtotal")
    currencies |= set(total)
    lines = []
    for row in now.rows:
        revenue = _by_currency(now, row, "price_subtotal")
        previous = (
            _by_currency(before, before_rows[row.key], "price_subtotal")
            if row.key in before_rows
            else {}
        )
        lines.append(
            BreakdownLine(
                key=row.key[0],
                label=row.label,
                revenue=revenue,
                quantity=Decimal(_all(now, row, "quantity:sum") or 0),
                share={
                    c: (v * HUNDRED / total[c]).quantize(Decimal("0.1")) if total.get(c) else None
                    for c, v in revenue.items()
                },
                growth={c: growth(v, previous.get(c)) for c, v in revenue.items()},
                list_url=now.drill(row, None),
            )
        )
    first = sorted(currencies)[0] if currencies else ""
    lines.sort(key=lambda b: (-(b.revenue.get(first) or Decimal(0)), b.label.casefold()))
    analysis.breakdown = lines

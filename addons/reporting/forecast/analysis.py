"""Demand forecast per product or category: history, forecast, backtest accuracy, and
which method is used.

Why every series shows both methods' accuracy: a forecast is only worth following when
it beats copying last year, so the seasonal-naive baseline is always measured beside
ETS, and used whenever it is at least as good. Quantities are computed in float by the
statistics library and presented as ``Decimal`` rounded to the product's unit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select

from addons.reporting.analyses import periods
from addons.reporting.forecast import history, methods
from kernel.env import Env
from kernel.errors import ValidationError
from kernel.i18n import _
from kernel.web.introspect import display_name, prefetch_display

# unit: (season length, hold-out periods, history periods, default horizon, max horizon)
UNITS: dict[str, tuple[int, int, int, int, int]] = {
    "week": (52, 13, 156, 13, 52),
    "month": (12, 6, 36, 6, 24),
}
BYS = ("product", "category")
MAX_SERIES = 50
DEFAULT_SERIES = 10
ONE = Decimal(1)


@dataclass
class Score:
    """Backtest accuracy as shown: MASE to 3 places, MAPE in % to 1 place (or ``None``)."""

    mase: Decimal | None
    mape: Decimal | None
    folds: int

    @classmethod
    def of(cls, accuracy: methods.Accuracy) -> Score:
        def dec(value: float | None, places: str) -> Decimal | None:
            return None if value is None else Decimal(repr(value)).quantize(Decimal(places))

        return cls(dec(accuracy.mase, "0.001"), dec(accuracy.mape, "0.1"), accuracy.folds)


@dataclass
class Series:
    key: int
    label: str
    uom: str  # the product's unit; empty for a category (its products' own units)
    history: list[Decimal]  # one per ``ForecastAnalysis.past`` period
    forecast: list[Decimal]  # one per ``ForecastAnalysis.future`` period
    method: str  # methods.ETS or methods.BASELINE
    model: str  # the ETS model used, e.g. ETS(A,N,A)
    ets: Score
    baseline: Score
    rounding: Decimal = ONE

    @property
    def baseline_better(self) -> bool:
        return self.method == methods.BASELINE

    @property
    def total(self) -> Decimal:
        return sum(self.forecast, Decimal(0))


@dataclass
class ForecastAnalysis:
    unit: str
    by: str
    as_of: dt.date
    horizon: int
    season: int
    holdout: int
    past: list[str] = field(default_factory=list)
    future: list[str] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)


def _to_decimal(value: float, rounding: Decimal) -> Decimal:
    """A float forecast rounded to a multiple of the unit's precision, never negative."""
    exact = Decimal(repr(max(value, 0.0)))
    step = rounding if rounding > 0 else ONE
    return ((exact / step).to_integral_value() * step).normalize() + Decimal(0)


def _check_ids(env: Env, by: str, ids: list[int] | None) -> None:
    if not ids:
        return
    model = "product.category" if by == "category" else "product.product"
    Model = env[model]
    found = set(env.session.scalars(select(Model.id).where(Model.id.in_(ids))))
    missing = [i for i in ids if i not in found]
    if missing:
        message = (
            _("there is no product category #%(id)s", id=missing[0])
            if by == "category"
            else _("there is no product #%(id)s", id=missing[0])
        )
        raise ValidationError(message, field=by)


def _top(env: Env, by: str, first: dt.date, last: dt.date, limit: int) -> list[int]:
    """The series sold most (in quantity) over the window, when none were asked for."""
    Line, Order, Product = env["sale.order.line"], env["sale.order"], env["product.product"]
    key = Product.category_id if by == "category" else Line.product_id
    total = func.sum(Line.quantity, type_=Line.quantity.type)
    rows = env.session.execute(
        select(key, total)
        .join(Order, Order.id == Line.order_id)
        .join(Product, Product.id == Line.product_id)
        .where(
            Order.state.in_(history.CONFIRMED),
            Order.date_order >= first,
            Order.date_order <= last,
            key.is_not(None),
        )
        .group_by(key)
        .order_by(total.desc(), key)
        .limit(limit)
    ).all()
    return [r[0] for r in rows]


def analyse(
    env: Env,
    unit: str = "month",
    by: str = "product",
    ids: list[int] | None = None,
    horizon: int | None = None,
    as_of: dt.date | None = None,
    limit: int = DEFAULT_SERIES,
) -> ForecastAnalysis:
    """Forecast ``horizon`` periods from the complete periods before ``as_of``."""
    if unit not in UNITS:
        raise ValidationError(_("%(value)s is not a period", value=unit), field="unit")
    if by not in BYS:
        raise ValidationError(_("%(value)s is not a breakdown", value=by), field="by")
    season, holdout, length, default_horizon, max_horizon = UNITS[unit]
    horizon = default_horizon if horizon is None else horizon
    if not 1 <= horizon <= max_horizon:
        raise ValidationError(
            _("the horizon must be between 1 and %(max)s periods", max=max_horizon),
            field="horizon",
        )
    if not 1 <= limit <= MAX_SERIES:
        raise ValidationError(
            _("between 1 and %(max)s series at a time", max=MAX_SERIES), field="limit"
        )
    env.check("sale.order", "read")
    as_of = as_of or dt.date.today()
    _check_ids(env, by, ids)
    past = history.window(as_of, unit, length)
    first = periods.start_of(past[0], unit)
    last = periods.start_of(periods.key_of(as_of, unit), unit) - dt.timedelta(days=1)
    wanted = ids[:MAX_SERIES] if ids else _top(env, by, first, last, limit)
    sold = history.demand(env, unit, by, wanted, first, last) if wanted else {}
    current = periods.key_of(as_of, unit)
    analysis = ForecastAnalysis(unit, by, as_of, horizon, season, holdout, past=past)
    analysis.future = [periods.shift(current, unit, i) for i in range(horizon)]
    labels, uoms = _labels(env, by, wanted)
    for key in wanted:
        by_period = sold.get(key, {})
        values = [by_period.get(p, Decimal(0)) for p in past]
        start = next((i for i, v in enumerate(values) if v), len(values))
        fitted = methods.forecast([float(v) for v in values[start:]], season, horizon, holdout)
        uom, rounding = uoms.get(key, ("", ONE))
        analysis.series.append(
            Series(
                key=key,
                label=labels.get(key, f"#{key}"),
                uom=uom,
                history=values,
                forecast=[_to_decimal(v, rounding) for v in fitted.values],
                method=fitted.method,
                model=fitted.model,
                ets=Score.of(fitted.ets),
                baseline=Score.of(fitted.baseline),
                rounding=rounding,
            )
        )
    return analysis


def _labels(
    env: Env, by: str, ids: list[int]
) -> tuple[dict[int, str], dict[int, tuple[str, Decimal]]]:
    model = "product.category" if by == "category" else "product.product"
    Model = env[model]
    records = list(env.session.scalars(select(Model).where(Model.id.in_(ids)))) if ids else []
    prefetch_display(env, records)
    labels = {r.id: display_name(r, env) for r in records}
    uoms: dict[int, tuple[str, Decimal]] = {}
    if by == "product":
        for r in records:
            uoms[r.id] = (display_name(r.uom, env), Decimal(r.uom.rounding or ONE))
    return labels, uoms

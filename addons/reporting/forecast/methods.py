"""Forecasting methods and their backtest: Holt-Winters exponential smoothing against
the seasonal-naive baseline, scored by MASE and MAPE on a rolling hold-out.

Why statsforecast's ``AutoETS``: on demo-like series (two years, a Spring Festival
peak) it was clearly more accurate than statsmodels' Holt-Winters and the baseline, and
faster on monthly series (benchmark and figures in addons/reporting/README.md). It
fits a seasonal model from a little more than one season of history, where
statsmodels' seasonal initialisation needs two full seasons — which a rolling hold-out
over two years of history never has.

Everything here is float (the statistics library's arithmetic); callers round the
figures to the product's unit and present them as ``Decimal``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import numpy.typing as npt

Values = Sequence[float] | npt.NDArray[np.float64]
ETS = "ets"
BASELINE = "seasonal_naive"


@dataclass(frozen=True)
class Accuracy:
    """Backtest of one method: mean absolute scaled error and mean absolute % error.

    ``None`` when the series is too short to measure (or the scale is zero)."""

    mase: float | None
    mape: float | None
    folds: int


@dataclass(frozen=True)
class Forecast:
    method: str  # ETS or BASELINE: the one with the lower backtest MASE
    values: list[float]  # one per future period, never negative
    ets: Accuracy
    baseline: Accuracy
    model: str = ""  # the ETS model used (``ETS(A,N,A)``), empty for the baseline

    @property
    def baseline_better(self) -> bool:
        return self.method == BASELINE


def seasonal_naive(history: Values, season: int, horizon: int) -> np.ndarray:
    """Each future period repeats the same period one season earlier (the last value
    when the history is shorter than a season)."""
    y = np.asarray(history, dtype=float)
    if len(y) == 0:
        return np.zeros(horizon)
    if len(y) < season:
        return np.full(horizon, y[-1])
    last = y[-season:]
    return np.array([last[i % season] for i in range(horizon)])


def can_fit_ets(length: int, season: int) -> bool:
    """A season to start from and a few periods to learn the smoothing from."""
    return length >= season + 4


def ets(history: Values, season: int, horizon: int) -> tuple[np.ndarray, str]:
    """Seasonal ETS: AutoETS picks the error and trend (none, additive, damped) by AICc
    around an additive season; its forecast and the model's name, e.g. ``ETS(M,N,A)``.

    Why the season is imposed: on two years of history AICc prefers a flat level
    model, which backtests well on quiet months and then misses the festival peak; the
    seasonal naive baseline stands guard against a season that is not there."""
    from statsforecast.models import AutoETS

    y = np.asarray(history, dtype=float)
    with warnings.catch_warnings():
        # numerical chatter on short series: the backtest judges the result instead
        warnings.simplefilter("ignore")
        model = AutoETS(season_length=season, model="ZZA").fit(y)
        values = np.asarray(model.predict(horizon)["mean"], dtype=float)
    if not np.all(np.isfinite(values)):
        raise ValueError("the fitted model forecasts non-finite values")
    return values, str(model.model_["method"])


def _scale(train: np.ndarray, season: int) -> float | None:
    """MASE's denominator: the in-sample mean absolute error of the seasonal naive."""
    if len(train) <= season:
        return None
    scale = float(np.mean(np.abs(train[season:] - train[:-season])))
    return scale if scale > 0 else None


def backtest(
    history: Values, season: int, holdout: int, method: str
) -> tuple[Accuracy, list[float]]:
    """One-step-ahead forecasts from each of the last ``holdout`` origins (refitted each
    time on the periods before), scored against what was actually sold.

    Returns the accuracy and the one-step forecasts (for the chart)."""
    y = np.asarray(history, dtype=float)
    first = len(y) - holdout
    scale = _scale(y[:first], season) if first > 0 else None
    if scale is None or (method == ETS and not can_fit_ets(first, season)):
        return Accuracy(None, None, 0), []
    predicted: list[float] = []
    for origin in range(first, len(y)):
        if method == ETS:
            step = ets(y[:origin], season, 1)[0][0]
        else:
            step = seasonal_naive(y[:origin], season, 1)[0]
        predicted.append(max(float(step), 0.0))
    actual = y[first:]
    errors = np.abs(actual - np.array(predicted))
    mase = float(errors.mean()) / scale
    sold = actual != 0
    mape = float(np.mean(errors[sold] / np.abs(actual[sold])) * 100) if sold.any() else None
    return Accuracy(mase, mape, len(predicted)), predicted


def forecast(history: Values, season: int, horizon: int, holdout: int) -> Forecast:
    """The better of ETS and the seasonal naive on the backtest, forecasting ``horizon``.

    The baseline wins ties, a series too short to measure ETS on, and an ETS fit
    that fails: a forecast must never be worse than copying last year.

    Why cached: the result is a pure function of the figures, and the screen, its
    export and its JSON ask for the same series in a row (a weekly backtest refits
    ETS 13 times per series); a changed history is a different key, never stale."""
    found = _forecast(tuple(float(v) for v in history), season, horizon, holdout)
    return replace(found, values=list(found.values))


@lru_cache(maxsize=512)
def _forecast(history: tuple[float, ...], season: int, horizon: int, holdout: int) -> Forecast:
    base, _ = backtest(history, season, holdout, BASELINE)
    try:
        ets_accuracy, _ = backtest(history, season, holdout, ETS)
    except (ValueError, ArithmeticError, np.linalg.LinAlgError):
        ets_accuracy = Accuracy(None, None, 0)
    use_ets = (
        ets_accuracy.mase is not None
        and base.mase is not None
        and ets_accuracy.mase < base.mase
        and can_fit_ets(len(history), season)
    )
    values, model = seasonal_naive(history, season, horizon), ""
    if use_ets:
        try:
            values, model = ets(history, season, horizon)
        except (ValueError, ArithmeticError, np.linalg.LinAlgError):
            use_ets = False
    clean = [max(float(v), 0.0) if math.isfinite(v) else 0.0 for v in values]
    return Forecast(ETS if use_ets else BASELINE, clean, ets_accuracy, base, model)

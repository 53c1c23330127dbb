"""Benchmark of the forecasting libraries on demo-like series: fit time and accuracy.

Run ``python -m addons.reporting.forecast.bench`` (statsmodels comes with
statsforecast, a dependency). Each library forecasts the same series
one step ahead from each origin of the rolling hold-out; the figures written down in
addons/reporting/README.md come from this script.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable

import numpy as np

from addons.reporting.demo.seasonal import mondays, weekly_quantities
from addons.reporting.forecast import methods

SERIES = 10
ENDS = (dt.date(2026, 3, 30), dt.date(2026, 11, 30))  # hold-out over the festival / off season
SETTINGS = {"week": (52, 13), "month": (12, 6)}  # season, hold-out


def demo_like(unit: str, seed: int, end: dt.date) -> list[float]:
    rng = random.Random(seed)
    weeks = mondays(end, 104)
    sold = weekly_quantities(weeks, rng.uniform(20, 200), rng.uniform(0, 0.3), rng)
    if unit == "week":
        return [float(q) for q in sold]
    months: dict[str, float] = {}
    for monday, quantity in zip(weeks, sold, strict=True):
        key = monday.strftime("%Y-%m")
        months[key] = months.get(key, 0.0) + quantity
    return list(months.values())


def _statsforecast(y: np.ndarray, season: int) -> float:
    return float(methods.ets(y, season, 1)[0][0])


def _statsmodels(y: np.ndarray, season: int) -> float:
    """Additive Holt-Winters, damped trend; "known" start values (the first season) when
    there are fewer than two seasons, which its estimated initialisation needs."""
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    options: dict[str, object] = {"initialization_method": "estimated"}
    if len(y) < 2 * season:
        level = float(y[:season].mean())
        options = {
            "initialization_method": "known",
            "initial_level": level,
            "initial_trend": 0.0,
            "initial_seasonal": y[:season] - level,
        }
    model = ExponentialSmoothing(
        y, trend="add", damped_trend=True, seasonal="add", seasonal_periods=season, **options
    )
    return float(model.fit().forecast(1)[0])


def _naive(y: np.ndarray, season: int) -> float:
    return float(methods.seasonal_naive(y, season, 1)[0])


def score(
    name: str, step: Callable[[np.ndarray, int], float], unit: str, end: dt.date
) -> tuple[str, str, float, float, float]:
    season, holdout = SETTINGS[unit]
    mases, mapes, started = [], [], time.perf_counter()
    for seed in range(SERIES):
        y = np.asarray(demo_like(unit, seed, end))
        first = len(y) - holdout
        scale = float(np.mean(np.abs(y[season:first] - y[: first - season])))
        predicted = np.array([max(step(y[:o], season), 0.0) for o in range(first, len(y))])
        errors = np.abs(y[first:] - predicted)
        mases.append(errors.mean() / scale)
        mapes.append(float(np.mean(errors / np.maximum(y[first:], 1)) * 100))
    per_series = (time.perf_counter() - started) / SERIES
    return name, unit, per_series, float(np.mean(mases)), float(np.mean(mapes))


def main() -> None:
    candidates: list[tuple[str, Callable[[np.ndarray, int], float]]] = [
        ("seasonal naive", _naive),
        ("statsmodels ExponentialSmoothing", _statsmodels),
    ]
    candidates.append(("statsforecast AutoETS (seasonal)", _statsforecast))
    print("| method | unit | history ends | s per series (backtest) | mean MASE | mean MAPE % |")
    print("| --- | --- | --- | --- | --- | --- |")
    for end in ENDS:
        for unit in SETTINGS:
            for name, step in candidates:
                r = score(name, step, unit, end)
                print(f"| {r[0]} | {r[1]} | {end} | {r[2]:.3f} | {r[3]:.3f} | {r[4]:.1f} |")


if __name__ == "__main__":
    main()

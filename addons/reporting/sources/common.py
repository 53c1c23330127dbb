"""Helpers shared by the pivot declarations of the business addons."""

from __future__ import annotations

from kernel.web.ui.domain import GRANULARITIES


def periods(path: str) -> list[str]:
    """A date field by day, week, month, quarter and year (``date_order:month``…)."""
    return [f"{path}:{unit}" for unit in GRANULARITIES]

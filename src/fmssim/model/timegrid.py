"""The hourly grid over the simulated period: hour of week, month and planning year of every hour.

Time is in minutes from the origin, which is ``calendar.start`` minus the warm-up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from fmssim.scenario.calendar import Calendar

MIN_PER_HOUR = 60.0
MIN_PER_DAY = 1440.0


@dataclass(frozen=True)
class TimeGrid:
    """Calendar facts for each whole hour of the simulated period."""

    origin: dt.datetime
    """Wall-clock time of minute 0."""
    warmup_min: float
    """Statistics count from here."""
    horizon_min: float
    """The simulation stops here."""
    hour_of_week: NDArray[np.int64]
    """0..167 for each hour, Monday 00:00 = 0."""
    month: NDArray[np.int64]
    """0..11 for each hour."""
    year_index: NDArray[np.int64]
    """Planning year of each hour; -1 during warm-up."""
    year_labels: tuple[int, ...]
    """Calendar year in which each planning year begins."""
    year_bounds_min: NDArray[np.float64]
    """Start of each planning year and the end of the last, in minutes."""

    @property
    def n_hours(self) -> int:
        return len(self.hour_of_week)


def build_grid(calendar: Calendar) -> TimeGrid:
    """The grid for a calendar: planning years step one calendar year from ``start``."""
    start = dt.datetime.combine(calendar.start, dt.time())
    end = dt.datetime.combine(calendar.end, dt.time())
    origin = start - dt.timedelta(days=calendar.warmup_days)
    warmup_min = calendar.warmup_days * MIN_PER_DAY
    horizon_min = (end - origin).total_seconds() / 60.0
    bounds, labels = _year_bounds(start, end)
    bounds_min = np.array([(b - origin).total_seconds() / 60.0 for b in bounds])
    n_hours = int(np.ceil(horizon_min / MIN_PER_HOUR))
    hour_starts = [origin + dt.timedelta(hours=h) for h in range(n_hours)]
    how = np.array([h.weekday() * 24 + h.hour for h in hour_starts], dtype=np.int64)
    month = np.array([h.month - 1 for h in hour_starts], dtype=np.int64)
    mid_min = np.arange(n_hours) * MIN_PER_HOUR
    year_index = np.searchsorted(bounds_min, mid_min, side="right") - 1
    year_index[mid_min < warmup_min] = -1
    year_index = np.minimum(year_index, len(labels) - 1)
    return TimeGrid(origin, warmup_min, horizon_min, how, month, year_index, labels, bounds_min)


def _year_bounds(start: dt.datetime, end: dt.datetime) -> tuple[list[dt.datetime], tuple[int, ...]]:
    bounds = [start]
    labels = [start.year]
    k = 1
    while True:
        nxt = _add_years(start, k)
        if nxt >= end:
            break
        bounds.append(nxt)
        labels.append(nxt.year)
        k += 1
    bounds.append(end)
    return bounds, tuple(labels)


def _add_years(when: dt.datetime, years: int) -> dt.datetime:
    try:
        return when.replace(year=when.year + years)
    except ValueError:  # 29 February
        return when.replace(year=when.year + years, day=28)


def year_of(grid: TimeGrid, minutes: NDArray[np.float64]) -> NDArray[np.int64]:
    """Planning year index of each instant (warm-up counts as the first year, instants past
    the horizon as the last)."""
    index = np.searchsorted(grid.year_bounds_min, minutes, side="right") - 1
    out: NDArray[np.int64] = np.clip(index, 0, len(grid.year_labels) - 1).astype(np.int64)
    return out

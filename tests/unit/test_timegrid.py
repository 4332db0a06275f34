"""The hourly calendar: hour of week, planning years and warm-up."""

from __future__ import annotations

import datetime as dt

import numpy as np

from fmssim.model.timegrid import build_grid
from fmssim.scenario.calendar import Calendar


def test_hour_of_week_starts_monday_midnight() -> None:
    # 2019-01-07 is a Monday; with 7 days of warm-up time zero is Monday 2018-12-31.
    grid = build_grid(Calendar(start=dt.date(2019, 1, 7), end=dt.date(2019, 2, 1), warmup_days=7))
    assert grid.hour_of_week[0] == 0 and grid.hour_of_week[25] == 25
    assert grid.warmup_min == 7 * 1440
    assert np.all(grid.year_index[: 7 * 24] == -1) and grid.year_index[7 * 24] == 0


def test_planning_years_are_labelled_by_their_first_calendar_year() -> None:
    grid = build_grid(Calendar(start=dt.date(2020, 4, 1), end=dt.date(2022, 10, 1), warmup_days=0))
    assert grid.year_labels == (2020, 2021, 2022)
    assert grid.year_bounds_min[1] == 365 * 1440  # April 2020 to April 2021
    assert grid.year_bounds_min[-1] == grid.horizon_min

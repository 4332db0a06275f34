"""Rosters become exact step functions of time, whatever form the scenario gives them."""

from __future__ import annotations

import datetime as dt

import numpy as np

from fmssim.model.rosters import tile, weekly_steps
from fmssim.model.timegrid import build_grid
from fmssim.scenario.calendar import Calendar
from fmssim.scenario.roster import Roster, Shift

DAY = 1440.0


def on_duty(roster: Roster, minute_of_week: float) -> float:
    starts, people = weekly_steps(roster)
    return float(people[np.searchsorted(starts, minute_of_week, side="right") - 1])


def test_banded_shifts_overlap() -> None:
    """Two bands, 07:00-17:00 and 14:00-24:00, every day: 0, 4, 7, 3 officers through a day."""
    roster = Roster(
        shifts=[
            Shift(start=dt.time(7), hours=10, officers=4),
            Shift(start=dt.time(14), hours=10, officers=3),
        ]
    )
    expected = {6 * 60: 0, 7 * 60: 4, 15 * 60: 7, 17 * 60 + 30: 3, 23 * 60 + 59: 3}
    for minute, people in expected.items():
        assert on_duty(roster, 2 * DAY + minute) == people


def test_night_shift_wraps_past_midnight_and_the_end_of_the_week() -> None:
    """A Sunday 22:00 night shift of 10 hours covers Monday 00:00-08:00 of the next week."""
    roster = Roster(shifts=[Shift(start=dt.time(22, 30), hours=10, officers=5, days=[6])])
    assert on_duty(roster, 6 * DAY + 22 * 60 + 29) == 0
    assert on_duty(roster, 6 * DAY + 23 * 60) == 5
    assert on_duty(roster, 3 * 60) == 5  # Monday 03:00
    assert on_duty(roster, 8 * 60 + 30) == 0  # ended 08:30


def test_tiling_starts_from_the_origins_minute_of_the_week() -> None:
    """Origin Wednesday 2019-01-02 00:00 (no warm-up): the Thursday 07:00 start is at 1860 min."""
    grid = build_grid(Calendar(start=dt.date(2019, 1, 2), end=dt.date(2019, 1, 20), warmup_days=0))
    roster = Roster(shifts=[Shift(start=dt.time(7), hours=8, officers=2, days=[3])])
    starts, people = weekly_steps(roster)
    change_min, units, per_hour = tile((starts, people), people.astype(np.int64), grid)
    assert change_min[0] == 0.0 and units[0] == 0
    assert change_min[1] == DAY + 7 * 60 and units[1] == 2
    assert change_min[2] == DAY + 15 * 60 and units[2] == 0
    assert change_min[3] == 8 * DAY + 7 * 60  # the next Thursday
    assert per_hour[24 + 7] == 2 and per_hour[24 + 15] == 0


def test_hourly_roster_keeps_its_hours() -> None:
    values = [h % 5 for h in range(168)]
    grid = build_grid(Calendar(start=dt.date(2019, 1, 7), end=dt.date(2019, 1, 21), warmup_days=0))
    starts, people = weekly_steps(Roster(hour_of_week=values))
    _, _, per_hour = tile((starts, people), people.astype(np.int64), grid)
    assert per_hour[:168].tolist() == values

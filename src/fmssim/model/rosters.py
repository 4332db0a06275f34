"""Rosters as step functions of time: on duty per minute of the week, tiled over the horizon.

A roster may be a constant, 168 hourly headcounts, or staggered ("banded") shifts that start
at any minute; all three become a weekly step function, then the change times over the
simulated period that both engines read.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from fmssim.model.bands import band_headcounts
from fmssim.model.timegrid import MIN_PER_HOUR, TimeGrid
from fmssim.scenario.demand import Profile
from fmssim.scenario.roster import Roster, Shift, Strength

MIN_PER_WEEK = 7 * 24 * 60
Steps = tuple[NDArray[np.float64], NDArray[np.float64]]
"""(start minute of each step, people on duty from then on); the first start is 0."""


def weekly_steps(
    roster: Roster, profiles: Mapping[str, Profile] | None = None, job_hours: float = 0.0
) -> Steps:
    """People on duty through the week as a step function of the minute of the week.

    ``profiles`` and ``job_hours`` serve a roster derived from strength: it follows the
    offered load of its profile with jobs of that mean length.
    """
    if roster.strength is not None:
        return _banded_steps(roster.strength, profiles or {}, job_hours)
    if roster.on_duty is not None:
        return np.zeros(1), np.array([float(roster.on_duty)])
    if roster.hour_of_week is not None:
        hours = np.arange(168, dtype=np.float64) * MIN_PER_HOUR
        return hours, np.asarray(roster.hour_of_week, dtype=np.float64)
    return _shift_steps(roster.shifts or [])


def _banded_steps(strength: Strength, profiles: Mapping[str, Profile], job_hours: float) -> Steps:
    """The banded pattern sized from strength and shaped by its load, as shifts."""
    follows = strength.follows
    profile = np.ones(168) if follows is None else np.asarray(profiles[follows].normalised())
    heads = band_headcounts(strength, profile, job_hours)
    shifts = [
        Shift(start=band.start, hours=band.hours, officers=int(heads[day, b]), days=[day])
        for day in range(7)
        for b, band in enumerate(strength.bands)
    ]
    return _shift_steps(shifts)


def _shift_steps(shifts: list[Shift]) -> Steps:
    """Overlap of the shifts: +officers at each start, −officers at each end (wrapping)."""
    deltas: dict[float, float] = {0.0: 0.0}
    for shift in shifts:
        start_of_day = shift.start.hour * 60 + shift.start.minute
        length = shift.hours * 60.0
        for day in shift.days:
            begin = (day * 1440 + start_of_day) % MIN_PER_WEEK
            end = (begin + length) % MIN_PER_WEEK
            deltas[begin] = deltas.get(begin, 0.0) + shift.officers
            deltas[end] = deltas.get(end, 0.0) - shift.officers
            if end <= begin:  # runs over the end of the week into Monday
                deltas[0.0] += shift.officers
    starts = np.array(sorted(deltas))
    on_duty = np.cumsum([deltas[s] for s in starts])
    return starts, np.rint(on_duty)


def tile(
    steps: Steps, units: NDArray[np.int64], grid: TimeGrid
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64]]:
    """Change times over the horizon, units from each change, and units at each grid hour.

    ``units`` are the whole units on duty in each weekly step (people already converted).
    """
    starts = steps[0]
    origin = grid.origin
    origin_mow = origin.weekday() * 1440 + origin.hour * 60 + origin.minute + origin.second / 60
    weeks = int(np.ceil((grid.horizon_min + origin_mow) / MIN_PER_WEEK)) + 1
    times = (np.arange(weeks)[:, None] * MIN_PER_WEEK + starts[None, :] - origin_mow).ravel()
    values = np.tile(units, weeks)
    inside = (times > 0) & (times < grid.horizon_min)
    first = units[np.searchsorted(starts, origin_mow, side="right") - 1]
    times = np.concatenate(([0.0], times[inside]))
    values = np.concatenate(([first], values[inside])).astype(np.int64)
    keep = np.concatenate(([True], np.diff(values) != 0))
    change_min, change_units = times[keep], values[keep]
    hours = np.arange(grid.n_hours) * MIN_PER_HOUR
    per_hour = change_units[np.searchsorted(change_min, hours, side="right") - 1]
    return change_min, change_units, per_hour

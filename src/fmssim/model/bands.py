"""A banded shift pattern sized from the workforce and shaped by demand.

The force's banded shift pattern staggers start times so that officers on duty follow the
demand peaks. What a pool must cover at each hour is not the arrivals but the work in hand:
the offered load of an M_t/G/∞ system, the arrival profile smoothed by how long a job holds
a unit (Green, Kolesar and Whitt, "Coping with time-varying demand when setting staffing
requirements", 2007). Given the bands (start times and lengths, worked every day), the
officers on duty on average (from establishment and availability) and that load, each band's
headcount on each day is the non-negative least-squares fit, in relative terms, of the band
overlap to ``mean × load`` over the 168 hours of the week. The fit is rescaled to the exact
mean and rounded to whole officers by largest remainders, so the week's officer-hours are
kept. Nothing here is tuned: the shape follows the load as closely as whole bands can.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import nnls

from fmssim.scenario.roster import Band, Strength

HOURS_PER_WEEK = 168
MIN_PER_WEEK = HOURS_PER_WEEK * 60


def band_headcounts(
    strength: Strength, profile: NDArray[np.float64], job_hours: float = 0.0
) -> NDArray[np.int64]:
    """Officers starting each band on each day, shape (7, bands), Monday first, following
    the offered load of arrivals with hour-of-week ``profile`` and mean job ``job_hours``."""
    cover = coverage(strength.bands)
    target = strength.on_duty_mean() * offered_load(profile, job_hours)
    if not np.all(target > 0):
        return np.zeros((7, len(strength.bands)), np.int64)
    fitted, _ = nnls(cover / target[:, None], np.ones(HOURS_PER_WEEK))
    hours = np.tile([b.hours for b in strength.bands], 7)
    total_hours = strength.on_duty_mean() * HOURS_PER_WEEK
    worked = float(fitted @ hours)
    if worked <= 0:
        return np.zeros((7, len(strength.bands)), np.int64)
    officers = fitted * (total_hours / worked)
    return _round_keeping_hours(officers, hours, total_hours).reshape(7, len(strength.bands))


def offered_load(profile: NDArray[np.float64], job_hours: float) -> NDArray[np.float64]:
    """Mean work in hand per hour of the week (mean 1) for arrivals shaped by ``profile``
    and exponential jobs of mean ``job_hours``: load(h) = Σ_k λ(h − k) ∫_k^{k+1} P(S > u) du,
    wrapping round the week. ``job_hours`` 0: the profile itself."""
    rate: NDArray[np.float64] = np.asarray(profile, dtype=np.float64)
    if job_hours <= 0:
        return rate / float(rate.mean())
    k = np.arange(HOURS_PER_WEEK)
    weight = job_hours * (np.exp(-k / job_hours) - np.exp(-(k + 1) / job_hours))
    load = np.array([rate[(h - k) % HOURS_PER_WEEK] @ weight for h in range(HOURS_PER_WEEK)])
    result: NDArray[np.float64] = load / load.mean()
    return result


def coverage(bands: list[Band]) -> NDArray[np.float64]:
    """Share of each hour of the week that a shift starting band b on day d covers, shape
    (168, 7 × bands): column ``d × bands + b``."""
    edges = np.arange(HOURS_PER_WEEK + 1) * 60.0
    cover = np.zeros((HOURS_PER_WEEK, 7 * len(bands)))
    for day in range(7):
        for b, band in enumerate(bands):
            begin = day * 1440 + band.start.hour * 60 + band.start.minute
            end = begin + band.hours * 60.0
            for shift in (0.0, -MIN_PER_WEEK):  # the part that wraps into Monday
                lo = np.clip(begin + shift, edges[:-1], edges[1:])
                hi = np.clip(end + shift, edges[:-1], edges[1:])
                cover[:, day * len(bands) + b] += (hi - lo) / 60.0
    return cover


def _round_keeping_hours(
    officers: NDArray[np.float64], hours: NDArray[np.float64], total_hours: float
) -> NDArray[np.int64]:
    """Whole officers per band-day: floor, then add one to the largest remainders while the
    week's officer-hours stay at or under ``total_hours`` + half the shortest band."""
    whole = np.floor(officers).astype(np.int64)
    spare = total_hours - float(whole @ hours)
    for i in np.argsort(-(officers - whole), kind="stable"):
        if spare < hours[i] / 2:
            continue
        whole[i] += 1
        spare -= hours[i]
    return whole

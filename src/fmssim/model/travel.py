"""Travel that depends on how many units are free: the square-root law.

The nearest of k units scattered over an area is, on average, at a distance proportional to
1/√k (Kolesar and Blum, "Square root laws for fire engine response distances", 1973; Larson
and Odoni, *Urban Operations Research*, ch. 3). A pool with ``travel_scaling`` therefore
multiplies each drawn travel time by (reference idle units / idle units)^exponent, where the
drawn time is the travel when ``reference_idle_units`` are free.

Idle units are estimated, not read off the simulation state: in each hour, units on duty (the
roster, after the workforce scaling) minus the expected units busy — the M_t/G/∞ mean of the
replication's own incidents ready in the pool hour by hour, with exponential jobs of the
pool's mean length (the same offered load the banded roster follows). This fluid estimate is
known before any engine runs, so both engines take the same travel times and stay identical
record for record; it moves travel with staffing and demand (more officers or fewer
incidents: more idle units, shorter travel) without making the kernels state-dependent.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from fmssim.model.draws import Draws
from fmssim.model.inputs import Inputs
from fmssim.model.timegrid import MIN_PER_HOUR

MAX_LAG_HOURS = 72
"""Hours of arrivals that still count towards an hour's load (exp(−72/3) is negligible)."""


def scale_travel(inputs: Inputs, draws: Draws) -> Draws:
    """``draws`` with each incident's travel multiplied by its pool's idle-unit factor at its
    ready hour (unchanged when no pool scales travel)."""
    scaling = inputs.travel_scaling
    d = draws.incidents
    if scaling is None or len(d) == 0:
        return draws
    pool = inputs.grades.pool[d.grade]
    hour = np.clip((d.created_min // MIN_PER_HOUR).astype(np.int64), 0, inputs.grid.n_hours - 1)
    factor = np.ones(len(d))
    for k, p in enumerate(scaling.pool):
        mine = pool == p
        idle = expected_idle(inputs, int(p), hour[mine], float(scaling.job_hours[k]))
        per_hour = (scaling.reference_idle[k] / idle) ** scaling.exponent[k]
        factor[mine] = per_hour[hour[mine]]
    return replace(draws, incidents=replace(d, travel_min=d.travel_min * factor))


def expected_idle(
    inputs: Inputs, pool: int, ready_hour: NDArray[np.int64], job_hours: float
) -> NDArray[np.float64]:
    """Units on duty minus expected units busy in each hour of the grid (at least 1)."""
    n_hours = inputs.grid.n_hours
    inside = ready_hour[(ready_hour >= 0) & (ready_hour < n_hours)]
    arrivals = np.bincount(inside, minlength=n_hours).astype(np.float64)
    busy = offered_load(arrivals, job_hours)
    idle: NDArray[np.float64] = np.maximum(inputs.pools.units_per_hour[pool] - busy, 1.0)
    return idle


def offered_load(arrivals: NDArray[np.float64], job_hours: float) -> NDArray[np.float64]:
    """Expected jobs in service in each hour: Σ_k arrivals(h − k) ∫_k^{k+1} P(S > u) du for
    exponential jobs of mean ``job_hours``, counting each hour's arrivals at its start (a
    fluid approximation at the grain of an hour). Nothing before the first hour."""
    if job_hours <= 0:
        return np.zeros_like(arrivals)
    k = np.arange(min(MAX_LAG_HOURS, len(arrivals)))
    weight = job_hours * (np.exp(-k / job_hours) - np.exp(-(k + 1) / job_hours))
    load: NDArray[np.float64] = np.convolve(arrivals, weight)[: len(arrivals)]
    return load

"""Non-homogeneous Poisson arrivals with a piecewise-constant hourly rate, by inversion.

A unit-rate Poisson process (cumulative sums of Exp(1)) is mapped through the inverse of the
cumulative rate Λ(t). This is exact, and it couples variants pathwise: a higher rate maps the
same unit points to earlier times, so more demand means more arrivals by every instant.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

from fmssim.model.timegrid import MIN_PER_HOUR


def nhpp_arrivals(
    rate_per_hour: NDArray[np.float64], horizon_min: float, rng: np.random.Generator
) -> NDArray[np.float64]:
    """Arrival times in minutes on [0, horizon) for hourly rates ``rate_per_hour``."""
    n_hours = len(rate_per_hour)
    edges = np.minimum(np.arange(n_hours + 1) * MIN_PER_HOUR, horizon_min)
    mass = rate_per_hour * np.diff(edges) / MIN_PER_HOUR
    cumulative = np.concatenate(([0.0], np.cumsum(mass)))
    total = cumulative[-1]
    if total <= 0.0:
        return np.empty(0)
    times = _mapped(_unit_points(total, rng), cumulative, mass, edges.astype(np.float64))
    return times[times < horizon_min]


@njit(cache=True)
def _mapped(
    points: np.ndarray, cumulative: np.ndarray, mass: np.ndarray, edges: np.ndarray
) -> np.ndarray:
    """Λ⁻¹ of each (ascending) unit point: its hour is ``np.searchsorted(cumulative, point,
    side="right") − 1`` (clipped to the hours), found by walking forward, and the time is
    interpolated within the hour with the same arithmetic as the vectorised form."""
    n_hours = len(mass)
    out = np.empty(len(points))
    h = -1
    for i in range(len(points)):
        p = points[i]
        if i > 0 and p < points[i - 1]:
            h = -1  # not ascending: walk again from the start
        while h + 1 < len(cumulative) and cumulative[h + 1] <= p:
            h += 1
        k = min(max(h, 0), n_hours - 1)
        within = (p - cumulative[k]) / mass[k]
        out[i] = edges[k] + within * (edges[k + 1] - edges[k])
    return out


def _unit_points(total: float, rng: np.random.Generator) -> NDArray[np.float64]:
    """Points of a unit-rate Poisson process on [0, total)."""
    chunk = int(total + 6.0 * np.sqrt(total) + 16)
    points = np.cumsum(rng.exponential(1.0, chunk))
    while points[-1] < total:
        more = np.cumsum(rng.exponential(1.0, chunk)) + points[-1]
        points = np.concatenate((points, more))
    result: NDArray[np.float64] = points[points < total]
    return result

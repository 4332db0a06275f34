"""Units busy and on duty over a window as one merge of sorted change times, compiled.

:func:`fmssim.analytics.pools._grid` finds a window's change times by concatenating job
starts, job ends and roster changes and sorting them again (``np.unique``), then looks up the
units busy and on duty at each with three binary searches per time. The three lists are
already sorted, so one merge walk gives the same times, in the same order, with the same
counts: :func:`grid` returns arrays equal element for element to ``_grid``'s, so the
integrals that sum them (:func:`fmssim.analytics.pools.integrals`) are bit-identical.
"""

from __future__ import annotations

import numba
import numpy as np
from numpy.typing import NDArray

from fmssim.analytics.pools import Grid, Roster, Steps


def grid(busy: Steps, roster: Roster, lo: float, hi: float) -> Grid:
    """As :func:`fmssim.analytics.pools._grid` (sorted inputs, so no sort and no search)."""
    starts, started, ends, ended = busy
    change_min = np.ascontiguousarray(roster[0], np.float64)
    change_units = np.ascontiguousarray(roster[1], np.int64)
    return _merge(starts, started, ends, ended, change_min, change_units, lo, hi)


@numba.njit(cache=True)
def _first_at_or_after(values: NDArray[np.float64], t: float) -> int:
    """Index of the first value ≥ t (``searchsorted``, side left)."""
    return int(np.searchsorted(values, t))


@numba.njit(cache=True)
def _merge(
    starts: NDArray[np.float64],
    started: NDArray[np.int64],
    ends: NDArray[np.float64],
    ended: NDArray[np.int64],
    change_min: NDArray[np.float64],
    change_units: NDArray[np.int64],
    lo: float,
    hi: float,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Distinct change times in [lo, hi), from ``lo``: units busy, on duty, time to the next."""
    i = _first_at_or_after(starts, lo)
    j = _first_at_or_after(ends, lo)
    r = _first_at_or_after(change_min, lo)
    size = 1 + (len(starts) - i) + (len(ends) - j) + (len(change_min) - r)
    n_busy = np.empty(size, np.int64)
    on_duty = np.empty(size, np.int64)
    length = np.empty(size, np.float64)
    m = 0
    t = lo
    while True:
        while i < len(starts) and starts[i] <= t:
            i += 1
        while j < len(ends) and ends[j] <= t:
            j += 1
        while r < len(change_min) and change_min[r] <= t:
            r += 1
        n_busy[m] = started[i] - ended[j]
        on_duty[m] = change_units[r - 1] if r > 0 else change_units[len(change_units) - 1]
        nxt = hi
        if i < len(starts) and starts[i] < nxt:
            nxt = starts[i]
        if j < len(ends) and ends[j] < nxt:
            nxt = ends[j]
        if r < len(change_min) and change_min[r] < nxt:
            nxt = change_min[r]
        length[m] = nxt - t
        m += 1
        if nxt >= hi:
            break
        t = nxt
    return n_busy[:m], on_duty[:m], length[:m]

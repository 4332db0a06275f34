"""From allocation times to each incident's full timeline, censored at the horizon.

The arithmetic is the reference engine's, step by step (arrival = assigned + travel, and so
on), so the float results are identical; instants at or after the horizon become NaN.
Output arrays are allocated by the caller with numpy, which asks the OS for huge pages
(numba's allocator does not, and page faults then cost as much as the arithmetic).
"""

from __future__ import annotations

import numpy as np
from numba import njit

Columns = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
"""assigned, arrived, cleared and free-again minutes, indexed by incident id."""


@njit(cache=True)
def timeline_into(
    out: Columns,
    every: bool,
    ids: np.ndarray,
    assigned: np.ndarray,
    jobs: tuple[np.ndarray, np.ndarray, np.ndarray],
    horizon: float,
) -> None:
    """Write the timelines of incidents ``ids`` (allocated at ``assigned``) into ``out``.

    ``jobs`` are the travel, on-scene and write-up times of all incidents, indexed by id.
    With ``every``, ``assigned`` covers all incidents in id order and ``ids`` is ignored.
    """
    out_assigned, out_arrived, out_cleared, out_free = out
    travel, on_scene, write_up = jobs
    for k in range(len(assigned)):
        j = k if every else ids[k]
        a = assigned[k] + travel[j]
        c = a + on_scene[j]
        f = c + write_up[j]
        out_assigned[j] = assigned[k]
        out_arrived[j] = a if a < horizon else np.nan
        out_cleared[j] = c if c < horizon else np.nan
        out_free[j] = f if f < horizon else np.nan

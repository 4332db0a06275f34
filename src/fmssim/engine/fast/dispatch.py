"""The dispatch kernel: one pool's units serving its incidents by priority level.

Arrays in, arrays out. The event order is the engines' shared contract: at each instant,
apply every arrival, unit release and roster change, then allocate free units once, highest
priority level first, incident id order within a level; zero-length jobs release their unit
at the same instant, which triggers another allocation there.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from fmssim.engine.fast.heap import heap_pop, heap_push

INF = np.inf


@njit(cache=True)
def _level_queues(level: np.ndarray, n_levels: int) -> tuple[np.ndarray, np.ndarray]:
    """Incident positions grouped by level, in id order, and where each level starts."""
    counts = np.zeros(n_levels + 1, np.int64)
    for lv in level:
        counts[lv + 1] += 1
    starts = np.cumsum(counts)
    order = np.empty(len(level), np.int64)
    fill = starts[:-1].copy()
    for j in range(len(level)):
        order[fill[level[j]]] = j
        fill[level[j]] += 1
    return order, starts


@njit(cache=True)
def dispatch_pool(
    created: np.ndarray,
    level: np.ndarray,
    travel: np.ndarray,
    on_scene: np.ndarray,
    write_up: np.ndarray,
    n_levels: int,
    change_min: np.ndarray,
    change_units: np.ndarray,
    horizon: float,
) -> np.ndarray:
    """Allocation times of a pool's incidents (NaN if never allocated before ``horizon``).

    ``created`` is sorted; ``level`` is 0 for the most urgent priority.
    """
    n = len(created)
    assigned = np.full(n, np.nan)
    order, starts = _level_queues(level, n_levels)
    head = starts[:-1].copy()  # next waiting position in ``order`` for each level
    tail = starts[:-1].copy()  # one past the last arrived position for each level
    releases = np.empty(n + 1, np.float64)
    n_busy = 0
    next_arrival = 0
    next_change = 0
    on_duty = 0
    while True:
        t = INF
        if next_arrival < n:
            t = created[next_arrival]
        if n_busy > 0 and releases[0] < t:
            t = releases[0]
        if next_change < len(change_min) and change_min[next_change] < t:
            t = change_min[next_change]
        if t >= horizon:
            break
        while next_arrival < n and created[next_arrival] == t:
            tail[level[next_arrival]] += 1
            next_arrival += 1
        while n_busy > 0 and releases[0] == t:
            n_busy = heap_pop(releases, n_busy)
        while next_change < len(change_min) and change_min[next_change] == t:
            on_duty = change_units[next_change]
            next_change += 1
        free = on_duty - n_busy
        lv = 0
        while free > 0 and lv < n_levels:
            if head[lv] < tail[lv]:
                j = order[head[lv]]
                head[lv] += 1
                assigned[j] = t
                done = ((t + travel[j]) + on_scene[j]) + write_up[j]
                n_busy = heap_push(releases, n_busy, done)
                free -= 1
            else:
                lv += 1
    return assigned

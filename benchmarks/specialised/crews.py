"""(Kept for the benchmarks: the specialised kernel before the composing one.) The dispatch
kernel for a pool whose incidents may need several units each.

Same contract as :mod:`fmssim.engine.fast.dispatch` (apply every event of an instant, then
allocate once, most urgent level first, id order within a level), plus: an incident needing
k units is allocated only when k units are free at once, holds all k for its whole job and
frees them together; the queue is strict, so when the most urgent waiting incident needs more
units than are free, nobody behind it is served at that instant.

It is a separate kernel so that the single-unit kernel keeps its shortcuts (which rely on
"someone waiting means no unit is idle", false here). Busy units are a min-heap of the times
they are free again, one entry per unit; idle units are only counted (on duty − busy).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from fmssim.engine.fast.dispatch import _level_queues
from fmssim.engine.fast.heap import heap_pop, heap_push

INF = np.inf


@njit(cache=True)
def crews_into(  # noqa: C901 - one event loop; see engine/fast/dispatch.py's docstring
    assigned: np.ndarray,
    order: np.ndarray,
    created: np.ndarray,
    level: np.ndarray,
    units: np.ndarray,
    jobs: tuple[np.ndarray, np.ndarray, np.ndarray],
    n_levels: int,
    change_min: np.ndarray,
    change_units: np.ndarray,
    horizon: float,
) -> None:
    """Write the allocation times of a pool's incidents into ``assigned`` (NaN-filled).

    ``units`` is the units each incident needs; ``jobs`` its travel, on-scene and write-up
    times; ``order`` is scratch. Otherwise as :func:`fmssim.engine.fast.dispatch.dispatch_pool`.
    """
    travel, on_scene, write_up = jobs
    n, n_changes = len(created), len(change_min)
    starts = _level_queues(level, n_levels, order)
    head = starts[:-1].copy()
    tail = starts[:-1].copy()
    most = 1
    for u in change_units:
        most = max(most, u)
    free_at = np.empty(most, np.float64)  # busy never exceeds the largest roster
    busy = arrived = allocated = changed = on_duty = 0
    while True:
        t = created[arrived] if arrived < n else INF
        if busy > 0 and free_at[0] < t:
            t = free_at[0]
        if changed < n_changes and change_min[changed] < t:
            t = change_min[changed]
        if t >= horizon:
            break
        while arrived < n and created[arrived] == t:
            tail[level[arrived]] += 1
            arrived += 1
        while busy > 0 and free_at[0] <= t:
            busy = heap_pop(free_at, busy)
        while changed < n_changes and change_min[changed] <= t:
            on_duty = change_units[changed]
            changed += 1
        free = on_duty - busy
        lv = 0
        while arrived > allocated and free > 0:
            while head[lv] == tail[lv]:
                lv += 1
            j = order[head[lv]]
            need = units[j]
            if need > free:
                break  # strict queue: nobody overtakes the most urgent incident
            head[lv] += 1
            assigned[j] = t
            allocated += 1
            done = ((t + travel[j]) + on_scene[j]) + write_up[j]
            if done > t:  # a zero-length job frees its units at once
                free -= need
                for _ in range(need):
                    busy = heap_push(free_at, busy, done)

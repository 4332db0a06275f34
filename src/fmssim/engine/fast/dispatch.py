"""The dispatch kernel: one pool's units serving its incidents by priority level.

Arrays in, arrays out. The event order is the engines' shared contract: at each instant,
apply every arrival, unit release and roster change, then allocate free units once, highest
priority level first, incident id order within a level; zero-length jobs release their unit
at the same instant, which triggers another allocation there. Crews, lending rules and a P1
taking an en-route unit extend this order (a diversion step after a pool's own allocation, a
lending step after every pool's): see :mod:`fmssim.engine.fast.compose`, which runs them.

How it stays fast without changing a single record:

* Units on the books are a min-heap of the times they are (or were) free again: a unit whose
  time is ``<= now`` is idle. Allocating an idle unit overwrites the heap top (one
  sift-down); only units on duty that have never worked yet are pushed (``extra`` counts them).
  A zero-length job leaves its unit idle at once, so the same allocation loop goes on, which
  picks the same incidents in the same order as a second allocation at that instant would.
* While nobody waits, releases and roster changes cannot lead to an allocation, so the kernel
  jumps to the next arrival and applies everything due by then at once: units free and the
  roster in force at that instant are the same either way.
* Units over the roster leave only when idle (shift ends are non-preemptive): the books are
  trimmed to the roster at each instant, never touching a busy unit.

The event loop is one function on purpose: numba does not inline calls between compiled
functions, and splitting the loop into helpers cost about 20% on the M/M/c benchmark.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from fmssim.engine.fast.heap import heap_pop, heap_push, heap_replace_top

INF = np.inf


@njit(cache=True)
def _level_queues(level: np.ndarray, n_levels: int, order: np.ndarray) -> np.ndarray:
    """Fill ``order`` with incident positions grouped by level, in id order; return where
    each level starts in it."""
    counts = np.zeros(n_levels + 1, np.int64)
    for lv in level:
        counts[lv + 1] += 1
    starts = np.cumsum(counts)
    fill = starts[:-1].copy()
    for j in range(len(level)):
        order[fill[level[j]]] = j
        fill[level[j]] += 1
    return starts


@njit(cache=True)
def _heap_size(n: int, change_units: np.ndarray) -> int:
    """Units on the books never exceed the largest roster (a unit joins only to fill it)."""
    most = 1
    for units in change_units:
        most = max(most, units)
    return max(1, min(n, most))


@njit(cache=True)
def _fit_roster(
    free_at: np.ndarray, n_units: int, extra: int, on_duty: int, t: float
) -> tuple[int, int]:
    """Bring the units on the books (heap plus ``extra``) in line with ``on_duty`` at ``t``.

    Below the roster, fresh units join (as ``extra``); above it, idle units leave, fresh
    ones first; busy units stay until they are idle. Returns (heap size, extra).
    """
    excess = n_units + extra - on_duty
    if excess < 0:
        return n_units, extra - excess
    cut = min(extra, excess)
    extra -= cut
    excess -= cut
    while excess > 0 and n_units > 0 and free_at[0] <= t:
        n_units = heap_pop(free_at, n_units)
        excess -= 1
    return n_units, extra


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

    ``created`` is sorted; ``level`` is 0 for the most urgent priority. Roster changes
    (``change_min`` sorted, ``change_units`` on duty from then on) start with no unit on duty.
    """
    n = len(created)
    assigned = np.full(n, np.nan)
    order = np.empty(n, np.int64)
    dispatch_into(
        assigned,
        order,
        created,
        level,
        travel,
        on_scene,
        write_up,
        n_levels,
        change_min,
        change_units,
        horizon,
    )
    return assigned


@njit(cache=True)
def dispatch_into(  # noqa: C901 - one event loop; see the module docstring
    assigned: np.ndarray,
    order: np.ndarray,
    created: np.ndarray,
    level: np.ndarray,
    travel: np.ndarray,
    on_scene: np.ndarray,
    write_up: np.ndarray,
    n_levels: int,
    change_min: np.ndarray,
    change_units: np.ndarray,
    horizon: float,
) -> None:
    """:func:`dispatch_pool` writing into ``assigned`` (NaN-filled) with ``order`` as scratch.

    The caller allocates both with numpy, which asks the OS for huge pages for large arrays
    (numba's allocator does not, and page faults then cost about a tenth of the run).
    """
    n, n_changes = len(created), len(change_min)
    starts = _level_queues(level, n_levels, order)
    head = starts[:-1].copy()  # per level: next waiting position in ``order``
    tail = starts[:-1].copy()  # per level: one past the last arrived position
    free_at = np.empty(_heap_size(n, change_units), np.float64)
    n_units = extra = arrived = allocated = changed = on_duty = 0
    while True:
        # Next instant that can lead to an allocation. Someone waiting means no unit is
        # idle, so the heap top is the next release.
        t = created[arrived] if arrived < n else INF
        if arrived > allocated:
            if n_units > 0 and free_at[0] < t:
                t = free_at[0]
            if changed < n_changes and change_min[changed] < t:
                t = change_min[changed]
        if t >= horizon:
            break
        while arrived < n and created[arrived] == t:
            tail[level[arrived]] += 1
            arrived += 1
        while changed < n_changes and change_min[changed] <= t:
            on_duty = change_units[changed]
            changed += 1
        if n_units + extra != on_duty:
            n_units, extra = _fit_roster(free_at, n_units, extra, on_duty, t)
        # Allocate idle units: most urgent level first, oldest first within a level.
        lv = 0
        while arrived > allocated:
            idle_top = n_units > 0 and free_at[0] <= t
            if not idle_top and extra == 0:
                break
            while head[lv] == tail[lv]:
                lv += 1
            j = order[head[lv]]
            head[lv] += 1
            assigned[j] = t
            done = ((t + travel[j]) + on_scene[j]) + write_up[j]
            if idle_top:
                heap_replace_top(free_at, n_units, done)
            else:
                n_units = heap_push(free_at, n_units, done)
                extra -= 1
            allocated += 1

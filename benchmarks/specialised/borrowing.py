"""(Kept for the benchmarks: the specialised kernel before the composing one.) The joint
dispatch kernel, used only when P1 may borrow a unit from another pool.

Borrowing couples the pools, so this kernel runs them all in one event loop; scenarios
without borrowing keep the per-pool kernels (:mod:`fmssim.engine.fast.dispatch`,
:mod:`fmssim.engine.fast.crews`), untouched and as fast. The contract, as in the reference
engine (``engine/des/allocation.py``): at each instant apply every event, then

1. every pool allocates its own free units to its own queue (strict queue, incidents needing
   several units as in the crews kernel; zero-length jobs free their units at once);
2. the borrowing step: for each pool in name order whose own units are all taken, each P1
   still waiting, in creation order, takes one free unit of the first listed lender that has
   one. A borrowed zero-length job frees the lender's unit only after the step, which then
   runs again from 1 at the same instant.

Busy units are a min-heap per pool of the times they are free again (a borrowed unit sits in
its lender's heap: its release is a release of the lender's unit).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from fmssim.engine.fast.dispatch import _level_queues
from fmssim.engine.fast.heap import heap_pop, heap_push

INF = np.inf


@njit(cache=True)
def _free(on_duty: np.ndarray, busy: np.ndarray, held: np.ndarray, p: int) -> int:
    """Free units of pool ``p``: on duty − busy − lent for a zero-length job, at least 0."""
    return max(int(on_duty[p] - busy[p] - held[p]), 0)


@njit(cache=True)
def borrowing_into(  # noqa: C901 - one event loop; see engine/fast/dispatch.py
    assigned: np.ndarray,
    lent_by: np.ndarray,
    incidents: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    jobs: tuple[np.ndarray, np.ndarray, np.ndarray],
    n_levels: int,
    p1: tuple[np.ndarray, np.ndarray],
    rosters: tuple[np.ndarray, np.ndarray, np.ndarray],
    lenders: np.ndarray,
    horizon: float,
) -> None:
    """Write allocation times into ``assigned`` and lending pools into ``lent_by`` (both
    NaN-filled), for every incident of every pool.

    ``incidents``: created (sorted), pool (-1: not attended), level, units needed.
    ``p1``: the ids of P1 incidents grouped by pool in creation order, and where each pool's
    group starts (length pools + 1). ``rosters``: change times and units on duty of all pools
    concatenated, and where each pool's changes start (length pools + 1).
    """
    created, pool, level, units = incidents
    travel, on_scene, write_up = jobs
    p1_ids, p1_start = p1
    change_min, change_units, change_start = rosters
    n, n_pools = len(created), len(change_start) - 1
    order = np.empty(n, np.int64)
    # one queue per (pool, level); incidents no pool attends go to a last one, never read
    queue = np.where(pool >= 0, pool * n_levels + level, n_pools * n_levels)
    starts = _level_queues(queue, n_pools * n_levels + 1, order)
    head = starts[:-1].copy()
    tail = starts[:-1].copy()
    p1_head = p1_start[:-1].copy()
    p1_tail = p1_start[:-1].copy()
    most = 1
    for u in change_units:
        most = max(most, u)
    free_at = np.empty((n_pools, most), np.float64)
    busy = np.zeros(n_pools, np.int64)
    held = np.zeros(n_pools, np.int64)
    on_duty = np.zeros(n_pools, np.int64)
    changed = change_start[:-1].copy()
    waiting = np.zeros(n_pools, np.int64)
    arrived = 0
    while True:
        t = created[arrived] if arrived < n else INF
        for p in range(n_pools):
            if busy[p] > 0 and free_at[p, 0] < t:
                t = free_at[p, 0]
            if changed[p] < change_start[p + 1] and change_min[changed[p]] < t:
                t = change_min[changed[p]]
        if t >= horizon:
            break
        while arrived < n and created[arrived] == t:
            p = pool[arrived]
            if p >= 0:
                tail[p * n_levels + level[arrived]] += 1
                waiting[p] += 1
            arrived += 1
        for p in range(n_pools):
            while busy[p] > 0 and free_at[p, 0] <= t:
                busy[p] = heap_pop(free_at[p], busy[p])
            while changed[p] < change_start[p + 1] and change_min[changed[p]] <= t:
                on_duty[p] = change_units[changed[p]]
                changed[p] += 1
        for p in range(n_pools):
            while p1_tail[p] < p1_start[p + 1] and created[p1_ids[p1_tail[p]]] <= t:
                p1_tail[p] += 1
        again = True
        while again:
            # 1. every pool's own allocation
            for p in range(n_pools):
                free = _free(on_duty, busy, held, p)
                lv = 0
                while waiting[p] > 0 and free > 0:
                    q = p * n_levels + lv
                    while head[q] < tail[q] and not np.isnan(assigned[order[head[q]]]):
                        head[q] += 1  # borrowed already
                    if head[q] == tail[q]:
                        lv += 1
                        continue
                    j = order[head[q]]
                    need = units[j]
                    if need > free:
                        break  # strict queue
                    head[q] += 1
                    assigned[j] = t
                    waiting[p] -= 1
                    done = ((t + travel[j]) + on_scene[j]) + write_up[j]
                    if done > t:
                        free -= need
                        for _ in range(need):
                            busy[p] = heap_push(free_at[p], busy[p], done)
            # 2. the borrowing step
            again = False
            for p in range(n_pools):
                if _free(on_duty, busy, held, p) > 0:
                    continue
                h = p1_head[p]
                while h < p1_tail[p] and not np.isnan(assigned[p1_ids[h]]):
                    h += 1
                p1_head[p] = h
                while h < p1_tail[p]:
                    j = p1_ids[h]
                    h += 1
                    if not np.isnan(assigned[j]):
                        continue
                    lender = -1
                    for k in lenders:
                        if k != p and _free(on_duty, busy, held, k) > 0:
                            lender = k
                            break
                    if lender < 0:
                        break
                    assigned[j] = t
                    lent_by[j] = lender
                    waiting[p] -= 1
                    done = ((t + travel[j]) + on_scene[j]) + write_up[j]
                    if done > t:
                        busy[lender] = heap_push(free_at[lender], busy[lender], done)
                    else:
                        held[lender] += 1  # freed after the step
                        again = True
            held[:] = 0

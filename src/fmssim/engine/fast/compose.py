"""The composing dispatch kernel: every pool at once, with crews of several units, lending
between pools (``p1_borrows_from`` and the surge rules of ``dispatch.options.lending``) and a
P1 taking a unit on its way to a less urgent job, in any combination.

The contract is the reference engine's (``engine/des/allocation.py``). At each instant, apply
every arrival, unit release and roster change, then repeat until nothing changes:

1. every pool, in name order, allocates its own free units to its own queue, most urgent
   level first, id order within a level; the queue is strict (when the most urgent incident
   needs more units than are free, nobody behind it is served); a job of zero length frees
   its units at once. In the P1's pool with ``p1_takes_en_route_unit``, the allocation is
   followed by the diversion step (each P1 still waiting, in creation order, takes the unit
   travelling to the least urgent single-unit job not on scene yet, the latest created among
   equals; that job queues again in its old place and cannot borrow); there, a job of zero
   length frees its units only after the step, and allocation and diversion then repeat;
2. the lending step: for each pool in name order whose own units are all taken, each waiting
   incident in queue order (most urgent level first, id order) takes free units of the lender
   of the first lending rule that covers its pool and grade, whose tipping point the pool's
   queue (its incidents waiting, the incident itself included) reaches, and whose lender has
   as many free units as the incident needs. A lent job of zero length frees the lender's
   units only after the step, which then runs again from 1 at the same instant.

Busy units are a min-heap per pool of the times they are free again, one entry per unit (a
lent unit sits in its lender's heap). When a P1 takes a travelling unit, the release of the
job that lost it is cancelled: its time goes into a heap of cancelled releases, and each
release popped is matched by a cancelled one of the same time popped at the same instant (units
are interchangeable, so any release at that time may be the cancelled one; an instant that
only pops a cancelled release changes nothing). Travelling jobs a P1 may take are a heap
ordered least urgent, latest created first, whose entries are dropped lazily once the job is
on scene or has lost its unit. While nobody waits, releases and roster changes cannot lead to
an allocation, a loan or a diversion, so the kernel jumps to the next arrival and applies all
that is due by then at once (as the single-unit kernel does). Scenarios that use none of
these options run the single-unit kernel (:mod:`fmssim.engine.fast.dispatch`), which gives
the same records faster.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from fmssim.engine.fast.heap import heap_pop, heap_push, pop_at, push_at
from fmssim.engine.fast.keyed_heap import tpop, tpush
from fmssim.engine.fast.lending import lend, may_lend

INF = np.inf


@njit(cache=True)
def _queues(
    grade: np.ndarray, queue_of: np.ndarray, n_queues: int, order: np.ndarray
) -> np.ndarray:
    """Fill ``order`` with incident positions grouped by queue (``queue_of`` their grade), in
    id order; return where each of the ``n_queues`` queues starts."""
    counts = np.zeros(n_queues + 1, np.int64)
    for j in range(len(grade)):
        counts[queue_of[grade[j]] + 1] += 1
    starts = np.cumsum(counts)
    fill = starts[:-1].copy()
    for j in range(len(grade)):
        q = queue_of[grade[j]]
        order[fill[q]] = j
        fill[q] += 1
    return starts


@njit(cache=True)
def _divert(
    t: float,
    out: tuple[np.ndarray, np.ndarray, np.ndarray],
    queue: tuple[np.ndarray, np.ndarray, np.ndarray, int],
    jobs: tuple[np.ndarray, np.ndarray, np.ndarray],
    units: tuple[np.ndarray, int, int, int, int],
    taking_heap: tuple[np.ndarray, int, np.ndarray, np.ndarray, int, np.ndarray],
    cancel_heap: tuple[np.ndarray, int],
) -> tuple[int, int, int, int, int, int]:
    """The diversion step at ``t`` in the P1's pool (see the module docstring).

    ``units`` is the heaps of busy units, the pool's start in it, its heap size, units busy
    and units freed this round; returns the new sizes of the taking, again and cancelled
    heaps, and the pool's heap size, busy and freed units."""
    assigned, diverted, lost = out
    order, head, tail, p1_queue = queue
    travel, on_scene, write_up = jobs
    heap, base, sz, bz, freed = units
    taking, n_taking, take_key, again, n_again, again_key = taking_heap
    cancelled, n_cancelled = cancel_heap
    while True:
        while head[p1_queue] < tail[p1_queue] and not np.isnan(assigned[order[head[p1_queue]]]):
            head[p1_queue] += 1  # lent already
        if head[p1_queue] == tail[p1_queue]:
            break
        while n_taking > 0:  # drop jobs on scene or without their unit
            v = taking[0]
            if assigned[v] + travel[v] > t:  # NaN: lost its unit
                break
            n_taking = tpop(taking, n_taking, take_key)
        if n_taking == 0:
            break
        v = taking[0]
        n_taking = tpop(taking, n_taking, take_key)
        j = order[head[p1_queue]]
        head[p1_queue] += 1
        lost[j] = t - assigned[v]
        gone = ((assigned[v] + travel[v]) + on_scene[v]) + write_up[v]
        n_cancelled = heap_push(cancelled, n_cancelled, gone)
        assigned[v] = np.nan
        diverted[v] = t
        n_again = tpush(again, n_again, v, again_key)
        assigned[j] = t
        done = ((t + travel[j]) + on_scene[j]) + write_up[j]
        if done > t:
            sz = push_at(heap, base, sz, done)
        else:
            bz -= 1
            freed += 1
    return n_taking, n_again, n_cancelled, sz, bz, freed


@njit(cache=True)
def compose_into(  # noqa: C901 - one event loop; see engine/fast/dispatch.py
    out: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    order: np.ndarray,
    incidents: tuple[np.ndarray, np.ndarray],
    grades: tuple[np.ndarray, np.ndarray, np.ndarray],
    jobs: tuple[np.ndarray, np.ndarray, np.ndarray],
    queues: tuple[int, np.ndarray],
    rosters: tuple[np.ndarray, np.ndarray, np.ndarray],
    lending: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None,
    en_route: tuple[int, int] | None,
    horizon: float,
) -> None:
    """Write allocation times, lenders, last diversion times and lost travel into ``out``
    (all NaN-filled), for every incident of every pool; ``order`` is scratch (allocated by
    the caller with numpy, which asks the OS for huge pages: see engine/fast/dispatch.py).

    ``incidents``: created (sorted) and grade; ``grades``: per grade, the pool attending (-1:
    none), queue level and units needed (read through each incident's grade, so the caller
    makes no per-incident copies). ``queues``: number of levels, and per (pool, level) whether
    a lending rule may lend to it. ``rosters``: change times and units on duty of all pools
    concatenated, and where each pool's changes start (length pools + 1). ``lending``: lender,
    borrowing pools (rules × pools), grades (rules × grades) and tipping point of each lending
    rule, in order; None: no lending. ``en_route``: the P1's pool and level when a waiting P1
    may take an en-route unit; None: it may not. numba prunes the branches of an option passed
    as None before compiling, so each combination of options gets a kernel without the
    others' tests.
    """
    assigned, lent_by, diverted, lost = out
    created, grade = incidents
    pool_of, level_of, units_of = grades
    travel, on_scene, write_up = jobs
    n_levels, covered = queues
    lends = diverts = False
    p1_pool = p1_level = -1
    if lending is not None:
        lends = True
    if en_route is not None:
        diverts = True
        p1_pool, p1_level = en_route
    change_min, change_units, change_start = rosters
    n, n_pools = len(created), len(change_start) - 1
    # one queue per (pool, level); incidents no pool attends go to a last one, never read
    queue_of = np.where(pool_of >= 0, pool_of * n_levels + level_of, n_pools * n_levels)
    starts = _queues(grade, queue_of, n_pools * n_levels + 1, order)
    head = starts[:-1].copy()
    tail = starts[:-1].copy()
    busy = np.zeros(n_pools, np.int64)
    held = np.zeros(n_pools, np.int64)
    on_duty = np.zeros(n_pools, np.int64)
    waiting = np.zeros(n_pools, np.int64)
    changed = change_start[:-1].copy()
    next_change = np.full(n_pools, INF)
    for p in range(n_pools):
        if changed[p] < change_start[p + 1]:
            next_change[p] = change_min[changed[p]]
    state = (on_duty, busy, held, waiting)
    most = 1
    for u in change_units:
        most = max(most, u)
    n_p1 = 0
    if diverts:
        for j in range(n):
            n_p1 += queue_of[grade[j]] == p1_pool * n_levels + p1_level
    # busy units of each pool (and releases cancelled by a diversion, not yet popped)
    cap = most + n_p1
    free_at = np.empty(n_pools * cap, np.float64)  # pool p's heap starts at p * cap
    size = np.zeros(n_pools, np.int64)
    cancelled = np.empty(n_p1 + 1, np.float64)
    n_cancelled = 0
    # the P1's pool: jobs queued again after losing their unit, by (level, id), and the
    # travelling jobs a P1 may take, least urgent then latest created first
    m = n if diverts else 0
    again_key = level_of[grade[:m]] * float(n) + np.arange(m)
    take_key = -again_key
    again = np.empty(m, np.int64)
    taking = np.empty(m, np.int64)
    n_again = n_taking = 0
    p1_queue = p1_pool * n_levels + p1_level
    arrived = 0
    while True:
        t = created[arrived] if arrived < n else INF
        queued = 0
        for p in range(n_pools):
            queued += waiting[p]
        for p in range(n_pools if queued > 0 else 0):  # nobody waits: on to the next arrival
            if size[p] > 0 and free_at[p * cap] < t:
                t = free_at[p * cap]
            if next_change[p] < t:
                t = next_change[p]
        if t >= horizon:
            break
        while arrived < n and created[arrived] == t:
            g = grade[arrived]
            if pool_of[g] >= 0:
                tail[queue_of[g]] += 1
                waiting[pool_of[g]] += 1
            arrived += 1
        for p in range(n_pools):
            base = p * cap
            if size[p] > 0 and free_at[base] <= t:
                k = size[p]
                while k > 0 and free_at[base] <= t:
                    k = pop_at(free_at, base, k)
                    busy[p] -= 1
                size[p] = k
        if en_route is not None:
            while n_cancelled > 0 and cancelled[0] <= t:
                n_cancelled = heap_pop(cancelled, n_cancelled)
                busy[p1_pool] += 1  # that release was the job's that lost its unit
        for p in range(n_pools):
            if next_change[p] <= t:
                while changed[p] < change_start[p + 1] and change_min[changed[p]] <= t:
                    on_duty[p] = change_units[changed[p]]
                    changed[p] += 1
                c = changed[p]
                next_change[p] = change_min[c] if c < change_start[p + 1] else INF
        more = True
        while more:
            # 1. every pool's own allocation (and, in the P1's pool, the diversion step)
            for p in range(n_pools):
                idle = waiting[p] == 0 or on_duty[p] - busy[p] - held[p] <= 0
                if idle and (not diverts or p != p1_pool or n_taking == 0):
                    continue  # nothing to allocate, nothing to divert
                rounds = diverts and p == p1_pool  # zero-length jobs free units after it
                at = p * cap
                sz, bz, wt, base = size[p], busy[p], waiting[p], p * n_levels
                while True:
                    freed = 0
                    free = max(on_duty[p] - bz - held[p], 0)
                    lv = 0
                    while wt > 0 and free > 0:
                        j = -1
                        while lv < n_levels:
                            q = base + lv
                            while lends and head[q] < tail[q] and assigned[order[head[q]]] >= 0:
                                head[q] += 1  # lent already
                            if head[q] < tail[q]:
                                j = order[head[q]]
                                break
                            lv += 1
                        from_again = n_again > 0 and rounds
                        if from_again and j >= 0:
                            from_again = again_key[again[0]] < again_key[j]
                        if from_again:
                            j = again[0]
                        if j < 0:
                            break
                        need = units_of[grade[j]]
                        if need > free:
                            break  # strict queue: nobody overtakes the most urgent incident
                        if from_again:
                            n_again = tpop(again, n_again, again_key)
                        else:
                            head[base + lv] += 1
                        assigned[j] = t
                        wt -= 1
                        done = ((t + travel[j]) + on_scene[j]) + write_up[j]
                        if done > t:
                            free -= need
                            bz += need
                            for _ in range(need):
                                sz = push_at(free_at, at, sz, done)
                            if (
                                rounds
                                and need == 1
                                and level_of[grade[j]] > p1_level
                                and travel[j] > 0
                            ):
                                n_taking = tpush(taking, n_taking, j, take_key)
                        elif rounds:
                            free -= need
                            freed += need  # free again at this instant: the next round's
                    if not rounds:
                        break
                    if n_taking > 0 and head[p1_queue] < tail[p1_queue]:  # a P1 may take one
                        n_taking, n_again, n_cancelled, sz, bz, freed = _divert(
                            t, (assigned, diverted, lost), (order, head, tail, p1_queue),
                            jobs, (free_at, at, sz, bz, freed),
                            (taking, n_taking, take_key, again, n_again, again_key),
                            (cancelled, n_cancelled),
                            )  # fmt: skip
                    if freed == 0:
                        break
                size[p], busy[p], waiting[p] = sz, bz, wt
            # 2. the lending step
            more = False
            if lending is not None and may_lend(lending, state):
                more = lend(
                    t, (assigned, lent_by), (grade, units_of, order, head, tail), jobs,
                    (free_at, size, covered), lending, state,
                )  # fmt: skip

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

Releases are a heap of entries (one per assignment) ordered by time, and an entry goes stale
when its job loses its unit; travelling jobs a P1 may take are a heap ordered least urgent,
latest created first, whose entries are dropped lazily once the job is on scene or has lost
its unit. Scenarios that use none of these options run the single-unit kernel
(:mod:`fmssim.engine.fast.dispatch`), which gives the same records faster.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from fmssim.engine.fast.dispatch import _level_queues
from fmssim.engine.fast.keyed_heap import tpop, tpush

INF = np.inf


@njit(cache=True)
def _free(on_duty: np.ndarray, busy: np.ndarray, held: np.ndarray, p: int) -> int:
    """Free units of pool ``p``: on duty − busy − lent for a zero-length job, at least 0."""
    return max(int(on_duty[p] - busy[p] - held[p]), 0)


@njit(cache=True)
def _rule_for(
    rules: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    p: int,
    grade: int,
    need: int,
    state: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
) -> int:
    """The first rule lending ``need`` units to an incident of ``grade`` waiting in pool ``p``
    now (``grade`` -1: any grade, one unit: can any rule fire?), or -1."""
    lender, pools, grades, tipping = rules
    on_duty, busy, held, waiting = state
    for r in range(len(lender)):
        k = lender[r]
        if k == p or not pools[r, p] or waiting[p] < tipping[r]:
            continue
        if grade >= 0 and not grades[r, grade]:
            continue
        if _free(on_duty, busy, held, k) >= need:
            return r
    return -1


@njit(cache=True)
def compose_into(  # noqa: C901 - one event loop; see engine/fast/dispatch.py
    out: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    incidents: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    jobs: tuple[np.ndarray, np.ndarray, np.ndarray],
    queues: tuple[int, int, int, np.ndarray],
    rosters: tuple[np.ndarray, np.ndarray, np.ndarray],
    rules: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    horizon: float,
) -> None:
    """Write allocation times, lenders, last diversion times and lost travel into ``out``
    (all NaN-filled), for every incident of every pool.

    ``incidents``: created (sorted), pool (-1: not attended), queue level, units needed,
    grade. ``queues``: number of levels, the P1's pool and level when a P1 may take an
    en-route unit (else -1, -1), and per (pool, level) whether a lending rule may lend to it.
    ``rosters``: change times and units on duty of all pools concatenated, and where each
    pool's changes start (length pools + 1). ``rules``: lender, borrowing pools (rules ×
    pools), grades (rules × grades) and tipping point of each lending rule, in order.
    """
    assigned, lent_by, diverted, lost = out
    created, pool, level, units, grade = incidents
    travel, on_scene, write_up = jobs
    n_levels, p1_pool, p1_level, covered = queues
    change_min, change_units, change_start = rosters
    n, n_pools = len(created), len(change_start) - 1
    order = np.empty(n, np.int64)
    # one queue per (pool, level); incidents no pool attends go to a last one, never read
    queue = np.where(pool >= 0, pool * n_levels + level, n_pools * n_levels)
    starts = _level_queues(queue, n_pools * n_levels + 1, order)
    head = starts[:-1].copy()
    tail = starts[:-1].copy()
    busy = np.zeros(n_pools, np.int64)
    held = np.zeros(n_pools, np.int64)
    on_duty = np.zeros(n_pools, np.int64)
    waiting = np.zeros(n_pools, np.int64)
    changed = change_start[:-1].copy()
    state = (on_duty, busy, held, waiting)
    lends = len(rules[0]) > 0
    # releases: entry e frees units[job] of holder[job] at time[e]; stale unless current[job] == e
    cap = 2 * n + 1
    rel_time = np.empty(cap)
    rel_job = np.empty(cap, np.int64)
    rel_heap = np.empty(cap, np.int64)
    current = np.full(n, -1, np.int64)
    holder = np.empty(n, np.int64)
    n_rel = n_entries = 0
    # the P1's pool: jobs queued again after losing their unit, by (level, id), and the
    # travelling jobs a P1 may take, least urgent then latest created first
    again_key = level * float(n) + np.arange(n)
    take_key = -again_key
    again = np.empty(n, np.int64)
    taking = np.empty(cap, np.int64)
    n_again = n_taking = 0
    p1_queue = p1_pool * n_levels + p1_level
    arrived = 0
    while True:
        t = created[arrived] if arrived < n else INF
        if n_rel > 0 and rel_time[rel_heap[0]] < t:
            t = rel_time[rel_heap[0]]
        for p in range(n_pools):
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
        while n_rel > 0 and rel_time[rel_heap[0]] <= t:
            e = rel_heap[0]
            n_rel = tpop(rel_heap, n_rel, rel_time)
            j = rel_job[e]
            if current[j] == e:
                busy[holder[j]] -= units[j]
                current[j] = -1
        for p in range(n_pools):
            while changed[p] < change_start[p + 1] and change_min[changed[p]] <= t:
                on_duty[p] = change_units[changed[p]]
                changed[p] += 1
        more = True
        while more:
            # 1. every pool's own allocation (and, in the P1's pool, the diversion step)
            for p in range(n_pools):
                rounds = p == p1_pool  # zero-length jobs free their units after diversion
                while True:
                    freed = 0
                    free = _free(on_duty, busy, held, p)
                    lv = 0
                    while waiting[p] > 0 and free > 0:
                        j = -1
                        while lv < n_levels:
                            q = p * n_levels + lv
                            while head[q] < tail[q] and not np.isnan(assigned[order[head[q]]]):
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
                        need = units[j]
                        if need > free:
                            break  # strict queue: nobody overtakes the most urgent incident
                        if from_again:
                            n_again = tpop(again, n_again, again_key)
                        else:
                            head[p * n_levels + lv] += 1
                        assigned[j] = t
                        waiting[p] -= 1
                        done = ((t + travel[j]) + on_scene[j]) + write_up[j]
                        if done > t:
                            free -= need
                            busy[p] += need
                            holder[j] = p
                            rel_time[n_entries] = done
                            rel_job[n_entries] = j
                            current[j] = n_entries
                            n_rel = tpush(rel_heap, n_rel, n_entries, rel_time)
                            n_entries += 1
                            if rounds and level[j] > p1_level and need == 1 and travel[j] > 0:
                                n_taking = tpush(taking, n_taking, j, take_key)
                        elif rounds:
                            free -= need
                            freed += need  # free again at this instant: the next round's
                    if not rounds:
                        break
                    while True:  # the diversion step
                        while head[p1_queue] < tail[p1_queue] and not np.isnan(
                            assigned[order[head[p1_queue]]]
                        ):
                            head[p1_queue] += 1  # lent already
                        if head[p1_queue] == tail[p1_queue]:
                            break
                        while n_taking > 0:  # drop jobs on scene or without their unit
                            v = taking[0]
                            if current[v] >= 0 and assigned[v] + travel[v] > t:
                                break
                            n_taking = tpop(taking, n_taking, take_key)
                        if n_taking == 0:
                            break
                        v = taking[0]
                        n_taking = tpop(taking, n_taking, take_key)
                        j = order[head[p1_queue]]
                        head[p1_queue] += 1
                        lost[j] = t - assigned[v]
                        current[v] = -1  # its release entry goes stale
                        assigned[v] = np.nan
                        diverted[v] = t
                        n_again = tpush(again, n_again, v, again_key)
                        assigned[j] = t
                        holder[j] = p
                        done = ((t + travel[j]) + on_scene[j]) + write_up[j]
                        if done > t:
                            rel_time[n_entries] = done
                            rel_job[n_entries] = j
                            current[j] = n_entries
                            n_rel = tpush(rel_heap, n_rel, n_entries, rel_time)
                            n_entries += 1
                        else:
                            busy[p] -= 1
                            freed += 1
                    if freed == 0:
                        break
            # 2. the lending step
            more = False
            for p in range(n_pools):
                if not lends or waiting[p] == 0 or _free(on_duty, busy, held, p) > 0:
                    continue
                for lv in range(n_levels):
                    if not covered[p, lv] or _rule_for(rules, p, -1, 1, state) < 0:
                        continue
                    q = p * n_levels + lv
                    h = head[q]
                    while h < tail[q] and _rule_for(rules, p, -1, 1, state) >= 0:
                        j = order[h]
                        h += 1
                        if not np.isnan(assigned[j]):
                            continue
                        r = _rule_for(rules, p, grade[j], units[j], state)
                        if r < 0:
                            continue
                        k = rules[0][r]
                        assigned[j] = t
                        lent_by[j] = k
                        waiting[p] -= 1
                        done = ((t + travel[j]) + on_scene[j]) + write_up[j]
                        if done > t:
                            busy[k] += units[j]
                            holder[j] = k
                            rel_time[n_entries] = done
                            rel_job[n_entries] = j
                            current[j] = n_entries
                            n_rel = tpush(rel_heap, n_rel, n_entries, rel_time)
                            n_entries += 1
                        else:
                            held[k] += units[j]  # freed after the step
                            more = True
            held[:] = 0
        while n_rel > 0 and current[rel_job[rel_heap[0]]] != rel_heap[0]:
            n_rel = tpop(rel_heap, n_rel, rel_time)  # stale: the job lost its unit

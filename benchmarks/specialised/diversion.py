"""(Kept for the benchmarks: the specialised kernel before the composing one.) The dispatch
kernel for a pool where a waiting P1 may take a unit on its way to a less
urgent job (``dispatch.options.p1_takes_en_route_unit``).

Same contract as :mod:`fmssim.engine.fast.crews` (apply every event of an instant, then
allocate once, most urgent level first, id order within a level, strict queue for incidents
needing several units), plus a diversion step after each allocation, as the reference engine's
``divert``: each P1 still waiting, in creation order, takes the unit travelling to the least
urgent single-unit job (the latest created among equals) that is not on scene yet; that job
loses its assignment and queues again in its old place (its level and id).

Allocation steps at one instant come in rounds, as in the reference engine: a job of zero
length (or a P1 of zero length that took a travelling unit) frees its units at the same
instant, and they are allocated only in the next round, after this round's diversions.

Releases are a heap of entries (one per assignment) ordered by time, and an entry goes stale
when its job loses its unit; travelling jobs are a heap ordered least urgent, latest created
first, whose entries are dropped lazily once the job is on scene or has lost its unit.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from fmssim.engine.fast.dispatch import _level_queues
from fmssim.engine.fast.keyed_heap import tpop, tpush

INF = np.inf


@njit(cache=True)
def _drop_stale(
    heap: np.ndarray, size: int, time: np.ndarray, job: np.ndarray, current: np.ndarray
) -> int:
    """Pop release entries at the top whose job has lost its unit since."""
    while size > 0 and current[job[heap[0]]] != heap[0]:
        size = tpop(heap, size, time)
    return size


@njit(cache=True)
def diversion_into(  # noqa: C901 - one event loop; see engine/fast/dispatch.py
    assigned: np.ndarray,
    diverted: np.ndarray,
    created: np.ndarray,
    level: np.ndarray,
    units: np.ndarray,
    jobs: tuple[np.ndarray, np.ndarray, np.ndarray],
    queues: tuple[int, int],
    roster: tuple[np.ndarray, np.ndarray],
    horizon: float,
) -> None:
    """Write allocation times (final, NaN if none) and last diversion times into
    ``assigned`` and ``diverted`` (both NaN-filled), for one pool's incidents.

    ``queues`` is (number of levels, level of P1); ``units`` the units each incident needs;
    ``jobs`` the travel, on-scene and write-up times; ``roster`` the change times and units.
    Jobs that may lose their unit are those of a level below P1's needing one unit.
    """
    travel, on_scene, write_up = jobs
    n_levels, p1_level = queues
    change_min, change_units = roster
    n, n_changes = len(created), len(change_min)
    order = np.empty(n, np.int64)
    starts = _level_queues(level, n_levels, order)
    head = starts[:-1].copy()
    tail = starts[:-1].copy()
    # queued again after losing a unit: a heap by (level, id)
    again_key = level * float(n) + np.arange(n)
    again = np.empty(n, np.int64)
    n_again = 0
    # releases: entry e frees units[job] at time[e]; stale unless current[job] == e
    cap = 2 * n + 1
    rel_time = np.empty(cap)
    rel_job = np.empty(cap, np.int64)
    current = np.full(n, -1, np.int64)
    rel_heap = np.empty(cap, np.int64)
    n_rel = n_entries = 0
    # travelling jobs a P1 may take: a heap, least urgent then latest created first
    take_key = -again_key
    taking = np.empty(cap, np.int64)
    n_taking = 0
    busy = arrived = changed = on_duty = 0
    while True:
        t = created[arrived] if arrived < n else INF
        if n_rel > 0 and rel_time[rel_heap[0]] < t:
            t = rel_time[rel_heap[0]]
        if changed < n_changes and change_min[changed] < t:
            t = change_min[changed]
        if t >= horizon:
            break
        while arrived < n and created[arrived] == t:
            tail[level[arrived]] += 1
            arrived += 1
        while n_rel > 0 and rel_time[rel_heap[0]] <= t:
            e = rel_heap[0]
            n_rel = tpop(rel_heap, n_rel, rel_time)
            if current[rel_job[e]] == e:
                busy -= units[rel_job[e]]
                current[rel_job[e]] = -1
        while changed < n_changes and change_min[changed] <= t:
            on_duty = change_units[changed]
            changed += 1
        while True:  # allocation rounds at this instant
            freed = 0
            free = on_duty - busy
            lv = 0
            while free > 0:
                while lv < n_levels and head[lv] == tail[lv]:
                    lv += 1
                j = order[head[lv]] if lv < n_levels else -1
                from_again = n_again > 0 and (j < 0 or again_key[again[0]] < again_key[j])
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
                    head[lv] += 1
                assigned[j] = t
                free -= need
                done = ((t + travel[j]) + on_scene[j]) + write_up[j]
                if done > t:
                    busy += need
                    rel_time[n_entries] = done
                    rel_job[n_entries] = j
                    current[j] = n_entries
                    n_rel = tpush(rel_heap, n_rel, n_entries, rel_time)
                    n_entries += 1
                    if level[j] > p1_level and need == 1 and travel[j] > 0:
                        n_taking = tpush(taking, n_taking, j, take_key)
                else:
                    freed += need  # free again at this instant: the next round's
            while p1_level >= 0 and head[p1_level] < tail[p1_level]:
                while n_taking > 0:  # drop jobs on scene or without their unit
                    v = taking[0]
                    if current[v] >= 0 and assigned[v] + travel[v] > t:
                        break
                    n_taking = tpop(taking, n_taking, take_key)
                if n_taking == 0:
                    break
                v = taking[0]
                n_taking = tpop(taking, n_taking, take_key)
                current[v] = -1  # its release entry goes stale
                assigned[v] = np.nan
                diverted[v] = t
                n_again = tpush(again, n_again, v, again_key)
                j = order[head[p1_level]]
                head[p1_level] += 1
                assigned[j] = t
                done = ((t + travel[j]) + on_scene[j]) + write_up[j]
                if done > t:
                    rel_time[n_entries] = done
                    rel_job[n_entries] = j
                    current[j] = n_entries
                    n_rel = tpush(rel_heap, n_rel, n_entries, rel_time)
                    n_entries += 1
                else:
                    busy -= 1
                    freed += 1
            n_rel = _drop_stale(rel_heap, n_rel, rel_time, rel_job, current)
            if freed == 0:
                break

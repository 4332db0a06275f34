"""The lending step of the composing dispatch kernel (:mod:`fmssim.engine.fast.compose`):
after every pool's own allocation, incidents waiting in a pool whose own units are all taken
take free units of another pool under the first lending rule that covers them (the rule's
tipping point reached, its lender with enough free units)."""

from __future__ import annotations

import numpy as np
from numba import njit

from fmssim.engine.fast.heap import push_at


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


@njit(cache=True, inline="always")
def may_lend(
    rules: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    state: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
) -> bool:
    """Whether some pool with incidents waiting and no free unit has a rule that may lend to
    it now (a cheap test, inlined, before the lending step's call)."""
    lender, pools, _, tipping = rules
    on_duty, busy, held, waiting = state
    for p in range(len(on_duty)):
        if waiting[p] == 0 or on_duty[p] - busy[p] - held[p] > 0:
            continue
        for r in range(len(lender)):
            k = lender[r]
            applies = k != p and pools[r, p] and waiting[p] >= tipping[r]
            if applies and on_duty[k] - busy[k] - held[k] > 0:
                return True
    return False


@njit(cache=True)
def lend(
    t: float,
    out: tuple[np.ndarray, np.ndarray],
    queues: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    jobs: tuple[np.ndarray, np.ndarray, np.ndarray],
    heaps: tuple[np.ndarray, np.ndarray, np.ndarray],
    rules: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    state: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
) -> bool:
    """The lending step at ``t`` (see :mod:`fmssim.engine.fast.compose`); True if a lent job
    of zero length holds units to free after the step (the step runs again)."""
    assigned, lent_by = out
    grade, units, order, head, tail = queues  # units needed per grade
    travel, on_scene, write_up = jobs
    free_at, size, covered = heaps
    cap = len(free_at) // len(size)
    on_duty, busy, held, waiting = state
    n_levels = covered.shape[1]
    again = False
    for p in range(len(size)):
        if waiting[p] == 0 or _free(on_duty, busy, held, p) > 0:
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
                need = units[grade[j]]
                r = _rule_for(rules, p, grade[j], need, state)
                if r < 0:
                    continue
                k = rules[0][r]
                assigned[j] = t
                lent_by[j] = k
                waiting[p] -= 1
                done = ((t + travel[j]) + on_scene[j]) + write_up[j]
                if done > t:
                    busy[k] += need
                    for _ in range(need):
                        size[k] = push_at(free_at, k * cap, size[k], done)
                else:
                    held[k] += need  # freed after the step
                    again = True
    held[:] = 0
    return again

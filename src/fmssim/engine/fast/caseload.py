"""The investigation kernel: one department, caseload caps and processor sharing (numba).

Same meaning and the same float operations as :mod:`fmssim.engine.des.caseload`: each
investigator has a virtual time that grows at rate / (cases worked); a case is done when it
reaches the case's virtual finish time. Each investigator's next completion sits in an
indexed heap over investigators, ordered by (time, index) and updated in place when the
investigator's state changes, so there are no stale events. A bitset of investigators per
open-case count gives the investigator a new case goes to (the lowest index at the lowest
count). A case needing outside stages joins a per-stage queue (ordered by (joined, case))
when a spell of work ends; stage services end in a heap ordered by (time, start sequence).

Within an instant the kernel handles one kind of event at a time, always the first kind
present, in the reference engine's priority order: work completions, stage ends (one at a
time), floors, rate changes, arrivals, then one allocation step, then one stage-start step
— so that an event one step makes happen at the same instant (a zero effort or stage time)
is handled where the reference engine handles it.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from fmssim.engine.fast.case_heaps import _fix, _lowest, _move
from fmssim.engine.fast.keyed_heap import ipop, ipush, tpop, tpush

INF = np.inf


@njit(cache=True)
def _first(slot_f: np.ndarray, slot_c: np.ndarray, base: int, n: int) -> int:
    """Slot of the case with the smallest virtual finish time (lowest case id on ties)."""
    best = base
    for s in range(base + 1, base + n):
        if slot_f[s] < slot_f[best] or (slot_f[s] == slot_f[best] and slot_c[s] < slot_c[best]):
            best = s
    return best


@njit(cache=True)
def _schedule(
    j: int,
    cap: int,
    rate: float,
    virtual: np.ndarray,
    updated: np.ndarray,
    working: np.ndarray,
    slot_f: np.ndarray,
    slot_c: np.ndarray,
    nxt: np.ndarray,
) -> None:
    """Next completion time of investigator ``j`` (INF when idle or the rate is 0)."""
    n = working[j]
    if n == 0 or rate == 0.0:
        nxt[j] = INF
        return
    f = slot_f[_first(slot_f, slot_c, j * cap, n)]
    when = updated[j] + (f - virtual[j]) * n / rate
    if when < updated[j]:
        when = updated[j]
    nxt[j] = when


@njit(cache=True)
def _advance(
    j: int, t: float, rate: float, virtual: np.ndarray, updated: np.ndarray, working: np.ndarray
) -> None:
    """Bring investigator ``j``'s virtual time up to ``t``."""
    if working[j] > 0:
        virtual[j] = virtual[j] + (t - updated[j]) * rate / working[j]
    updated[j] = t


@njit(cache=True)
def _release(
    j: int,
    klass: np.ndarray,
    open_cases: np.ndarray,
    fewest: np.ndarray,
    bits: np.ndarray,
    level_count: np.ndarray,
    words: int,
    cap: int,
) -> None:
    """Investigator ``j`` holds one case fewer."""
    c = klass[j]
    lc, bc, stride = c * (cap + 1), c * (cap + 1) * words, (cap + 1) * words
    count = open_cases[j]
    _move(bits[bc : bc + stride], level_count[lc : lc + cap + 1], words, j, count, count - 1)
    open_cases[j] -= 1
    fewest[c] = min(fewest[c], open_cases[j])


@njit(cache=True)
def _fewest_eligible(m: int, fewest: np.ndarray, bits: np.ndarray, words: int, cap: int) -> int:
    """The investigator of a class in ``m`` (bits) with the fewest open cases, lowest index
    on ties (-1: all at the cap)."""
    stride = (cap + 1) * words
    j, level = -1, cap
    for c in range(len(fewest)):
        if (m >> c) & 1 and fewest[c] < cap:
            k = _lowest(bits[c * stride : (c + 1) * stride], words, fewest[c])
            if fewest[c] < level or (fewest[c] == level and k < j):
                j, level = k, fewest[c]
    return j


@njit(cache=True)
def _pick(
    queue: np.ndarray,
    waiting: np.ndarray,
    risk: np.ndarray,
    fewest: np.ndarray,
    level_count: np.ndarray,
    bits: np.ndarray,
    words: int,
    cap: int,
) -> tuple[int, int]:
    """(eligibility, investigator) of the next allocation, or (-1, -1): the most urgent,
    then oldest, waiting case that an eligible investigator below the cap can take, and of
    those investigators the one with the fewest open cases (lowest index on ties)."""
    for c in range(len(fewest)):  # bring each class's fewest level up to date
        while fewest[c] < cap and level_count[c * (cap + 1) + fewest[c]] == 0:
            fewest[c] += 1
    best_m, best_j = -1, -1
    for m in range(1, len(waiting)):
        if waiting[m] == 0:
            continue
        head = queue[m, 0]
        if best_m >= 0:
            other = queue[best_m, 0]
            if risk[head] > risk[other] or (risk[head] == risk[other] and head > other):
                continue
        j = _fewest_eligible(m, fewest, bits, words, cap)
        if j >= 0:
            best_m, best_j = m, j
    return best_m, best_j


@njit(cache=True)
def caseload_into(  # noqa: C901 - one event loop; see the module docstring
    out: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    cases: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    need: np.ndarray,
    stage_time: np.ndarray,
    servers: np.ndarray,
    skills: tuple[np.ndarray, np.ndarray],
    cap: int,
    change_min: np.ndarray,
    rates: np.ndarray,
    horizon: float,
) -> None:
    """Fill the NaN-filled outputs (allocated, worked, finalised, investigator, stage wait)
    for one department's cases, given in id order; ``cases`` is (entered, created, floor,
    risk rank as float, spell effort); ``need`` the stages each case needs (bits),
    ``stage_time`` (cases, stages) their times, ``servers`` each stage's (-1: no limit);
    ``skills`` is (each case's eligible classes as bits, each investigator's class)."""
    allocated, worked, finalised, investigator, stage_wait = out
    entered, created, floor, risk, spell = cases
    eligible, klass = skills
    n_inv = len(klass)
    n_classes = 1  # enough classes for every investigator and every eligibility
    for j in range(n_inv):
        n_classes = max(n_classes, klass[j] + 1)
    for i in range(len(eligible)):
        while (1 << n_classes) <= eligible[i]:
            n_classes += 1
    n, n_stages = len(entered), len(servers)
    floor_at = created + floor
    virtual = np.zeros(n_inv)
    updated = np.zeros(n_inv)
    working = np.zeros(n_inv, np.int64)
    slot_f = np.empty(n_inv * cap)
    slot_c = np.empty(n_inv * cap, np.int64)
    nxt = np.full(n_inv, INF)
    heap = np.arange(n_inv)
    pos = np.arange(n_inv)
    # per class, investigators by open cases: a bitset per level 0..cap, a count per level
    open_cases = np.zeros(n_inv, np.int64)
    words = (n_inv + 63) >> 6
    stride = (cap + 1) * words
    bits = np.zeros(n_classes * stride, np.uint64)
    level_count = np.zeros(n_classes * (cap + 1), np.int64)
    for j in range(n_inv):
        bits[klass[j] * stride + (j >> 6)] |= np.uint64(1) << np.uint64(j & 63)
        level_count[klass[j] * (cap + 1)] += 1
    fewest = np.zeros(n_classes, np.int64)  # no investigator of the class holds fewer
    owner = np.full(n, -1)
    n_masks = 1 << n_classes
    queue = np.empty((n_masks, n), np.int64)  # per eligibility: waiting cases by (risk, id)
    waiting = np.zeros(n_masks, np.int64)
    floor_key = np.empty(n)  # heap of (floor end, case) of worked cases held by their floor
    floor_case = np.empty(n, np.int64)
    n_floors = 0
    # outside stages: remaining stages per case, a queue per stage, a heap of service ends
    left = need.copy()
    joined = np.zeros(n)
    sq_key = np.empty((n_stages, n))
    sq_val = np.empty((n_stages, n), np.int64)
    sq_n = np.zeros(n_stages, np.int64)
    busy = np.zeros(n_stages, np.int64)
    starts = max(1, n * n_stages)
    end_key = np.empty(starts)
    end_seq = np.empty(starts, np.int64)
    seq_case = np.empty(starts, np.int64)
    seq_stage = np.empty(starts, np.int64)
    n_ends = 0
    seq = 0
    rate = rates[0]
    ci = 1
    ai = 0
    now = np.nan
    alloc_pending = False
    stage_pending = False
    while True:
        t = nxt[heap[0]]
        if n_ends > 0 and end_key[0] < t:
            t = end_key[0]
        if n_floors > 0 and floor_key[0] < t:
            t = floor_key[0]
        if ci < len(change_min) and change_min[ci] < t:
            t = change_min[ci]
        if ai < n and entered[ai] < t:
            t = entered[ai]
        if t != now:  # nothing more at this instant: the allocation, then the stage starts
            if alloc_pending:
                alloc_pending = False
                while True:
                    m, j = _pick(queue, waiting, risk, fewest, level_count, bits, words, cap)
                    if m < 0:
                        break
                    c = klass[j]
                    lc, bc = c * (cap + 1), c * stride
                    count = open_cases[j]
                    _move(
                        bits[bc : bc + stride],
                        level_count[lc : lc + cap + 1],
                        words,
                        j,
                        count,
                        count + 1,
                    )
                    open_cases[j] += 1
                    i = queue[m, 0]
                    waiting[m] = tpop(queue[m], waiting[m], risk)
                    allocated[i] = now
                    investigator[i] = j
                    stage_wait[i] = 0.0
                    owner[i] = j
                    _advance(j, now, rate, virtual, updated, working)
                    s = j * cap + working[j]
                    slot_f[s] = virtual[j] + spell[i]
                    slot_c[s] = i
                    working[j] += 1
                    _schedule(j, cap, rate, virtual, updated, working, slot_f, slot_c, nxt)
                    _fix(heap, pos, n_inv, j, nxt)
                continue
            if stage_pending:
                stage_pending = False
                for g in range(n_stages):
                    while sq_n[g] > 0 and (servers[g] < 0 or busy[g] < servers[g]):
                        i = sq_val[g, 0]
                        sq_n[g] = ipop(sq_key[g], sq_val[g], sq_n[g])
                        busy[g] += 1
                        stage_wait[i] += now - joined[i]
                        seq_case[seq] = i
                        seq_stage[seq] = g
                        n_ends = ipush(end_key, end_seq, n_ends, now + stage_time[i, g], seq)
                        seq += 1
                continue
            if not t < horizon:
                break
            now = t
        if nxt[heap[0]] == t:
            while nxt[heap[0]] == t:
                j = heap[0]
                # advance, then every case at or below the first finish time is done
                _advance(j, t, rate, virtual, updated, working)
                first = _first(slot_f, slot_c, j * cap, working[j])
                if slot_f[first] > virtual[j]:
                    virtual[j] = slot_f[first]
                s = j * cap
                while s < j * cap + working[j]:
                    if slot_f[s] <= virtual[j]:
                        i = slot_c[s]
                        last = j * cap + working[j] - 1
                        slot_f[s] = slot_f[last]
                        slot_c[s] = slot_c[last]
                        working[j] -= 1
                        if left[i] != 0:  # on to its next stage, keeping the slot
                            g = 0
                            while not (left[i] >> g) & 1:
                                g += 1
                            joined[i] = t
                            sq_n[g] = ipush(sq_key[g], sq_val[g], sq_n[g], t, i)
                            stage_pending = True
                            continue
                        worked[i] = t
                        if floor_at[i] > t:
                            n_floors = ipush(floor_key, floor_case, n_floors, floor_at[i], i)
                        else:
                            finalised[i] = t
                            _release(j, klass, open_cases, fewest, bits, level_count, words, cap)
                            alloc_pending = True
                    else:
                        s += 1
                _schedule(j, cap, rate, virtual, updated, working, slot_f, slot_c, nxt)
                _fix(heap, pos, n_inv, j, nxt)
            continue
        if n_ends > 0 and end_key[0] == t:
            k = end_seq[0]
            n_ends = ipop(end_key, end_seq, n_ends)
            i, g = seq_case[k], seq_stage[k]
            busy[g] -= 1
            stage_pending = True
            left[i] &= ~(np.int64(1) << g)
            j = owner[i]
            _advance(j, t, rate, virtual, updated, working)
            s = j * cap + working[j]
            slot_f[s] = virtual[j] + spell[i]
            slot_c[s] = i
            working[j] += 1
            _schedule(j, cap, rate, virtual, updated, working, slot_f, slot_c, nxt)
            _fix(heap, pos, n_inv, j, nxt)
            continue
        if n_floors > 0 and floor_key[0] == t:
            while n_floors > 0 and floor_key[0] == t:
                i = floor_case[0]
                n_floors = ipop(floor_key, floor_case, n_floors)
                finalised[i] = t
                _release(owner[i], klass, open_cases, fewest, bits, level_count, words, cap)
            alloc_pending = True
            continue
        if ci < len(change_min) and change_min[ci] == t:
            while ci < len(change_min) and change_min[ci] == t:
                for j in range(n_inv):
                    _advance(j, t, rate, virtual, updated, working)
                rate = rates[ci]
                ci += 1
                for j in range(n_inv):
                    _schedule(j, cap, rate, virtual, updated, working, slot_f, slot_c, nxt)
                    _fix(heap, pos, n_inv, j, nxt)
            continue
        while ai < n and entered[ai] == t:
            m = eligible[ai]
            waiting[m] = tpush(queue[m], waiting[m], ai, risk)
            ai += 1
        alloc_pending = True

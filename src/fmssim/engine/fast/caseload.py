"""The investigation kernel: one department, caseload caps and processor sharing (numba).

Same meaning and the same float operations as :mod:`fmssim.engine.des.caseload`: each
investigator has a virtual time that grows at rate / (cases worked); a case is done when it
reaches the case's virtual finish time. Each investigator's next completion sits in an
indexed heap over investigators, ordered by (time, index) and updated in place when the
investigator's state changes, so there are no stale events. A bitset of investigators per
open-case count gives the investigator a new case goes to (the lowest index at the lowest
count). Within an instant: completions,
then floors, then rate changes, then arrivals, then one allocation step; repeated while
the allocation makes something happen at the same instant (a zero effort).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from fmssim.engine.fast.keyed_heap import _earlier, tpop, tpush

INF = np.inf


@njit(cache=True)
def _fix(heap: np.ndarray, pos: np.ndarray, size: int, j: int, key: np.ndarray) -> None:
    """Restore the heap order after ``key[j]`` changed (sift up, then down)."""
    k = pos[j]
    while k > 0:
        parent = (k - 1) >> 1
        if not _earlier(heap[k], heap[parent], key):
            break
        heap[k], heap[parent] = heap[parent], heap[k]
        pos[heap[k]] = k
        pos[heap[parent]] = parent
        k = parent
    while True:
        left = 2 * k + 1
        if left >= size:
            break
        child = left
        if left + 1 < size and _earlier(heap[left + 1], heap[left], key):
            child = left + 1
        if not _earlier(heap[child], heap[k], key):
            break
        heap[k], heap[child] = heap[child], heap[k]
        pos[heap[k]] = k
        pos[heap[child]] = child
        k = child


@njit(cache=True)
def _pair_push(key: np.ndarray, val: np.ndarray, size: int, k: float, v: int) -> int:
    """Insert (k, v) into the heap held in ``key``/``val`` (ordered by key, then val); the
    keys sit in the heap itself, so sifting reads contiguous memory. Returns the new size."""
    i = size
    while i > 0:
        parent = (i - 1) >> 1
        if key[parent] < k or (key[parent] == k and val[parent] < v):
            break
        key[i] = key[parent]
        val[i] = val[parent]
        i = parent
    key[i] = k
    val[i] = v
    return size + 1


@njit(cache=True)
def _pair_pop(key: np.ndarray, val: np.ndarray, size: int) -> int:
    """Remove the first pair (read ``key[0]``, ``val[0]`` before); return the new size."""
    size -= 1
    k, v = key[size], val[size]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        right = child + 1
        if right < size and (
            key[right] < key[child] or (key[right] == key[child] and val[right] < val[child])
        ):
            child = right
        if k < key[child] or (k == key[child] and v < val[child]):
            break
        key[i] = key[child]
        val[i] = val[child]
        i = child
    key[i] = k
    val[i] = v
    return size


@njit(cache=True, inline="always")
def _trailing_zeros(x: np.uint64) -> int:
    """Position of the lowest set bit of a nonzero word (binary search, no overflow)."""
    n = 0
    for width in (32, 16, 8, 4, 2, 1):
        mask = (np.uint64(1) << np.uint64(width)) - np.uint64(1)
        if x & mask == 0:
            n += width
            x = x >> np.uint64(width)
    return n


@njit(cache=True, inline="always")
def _move(bits: np.ndarray, count: np.ndarray, words: int, j: int, old: int, new: int) -> None:
    """Investigator ``j`` goes from ``old`` to ``new`` open cases in the per-level bitsets."""
    mask = np.uint64(1) << np.uint64(j & 63)
    bits[old * words + (j >> 6)] &= ~mask
    bits[new * words + (j >> 6)] |= mask
    count[old] -= 1
    count[new] += 1


@njit(cache=True, inline="always")
def _lowest(bits: np.ndarray, words: int, level: int) -> int:
    """Lowest investigator index with its bit set at ``level`` (-1 if none)."""
    for w in range(words):
        x = bits[level * words + w]
        if x != 0:
            return w * 64 + _trailing_zeros(x)
    return -1


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
def caseload_into(  # noqa: C901 - one event loop; see the module docstring
    allocated: np.ndarray,
    worked: np.ndarray,
    finalised: np.ndarray,
    investigator: np.ndarray,
    cases: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    n_inv: int,
    cap: int,
    change_min: np.ndarray,
    rates: np.ndarray,
    horizon: float,
) -> None:
    """Fill the four NaN-filled outputs for one department's cases, given in id order;
    ``cases`` is (entered, created, floor, risk rank as float, effort)."""
    entered, created, floor, risk, effort = cases
    n = len(entered)
    floor_at = created + floor
    virtual = np.zeros(n_inv)
    updated = np.zeros(n_inv)
    working = np.zeros(n_inv, np.int64)
    held = np.zeros(n_inv, np.int64)
    slot_f = np.empty(n_inv * cap)
    slot_c = np.empty(n_inv * cap, np.int64)
    nxt = np.full(n_inv, INF)
    heap = np.arange(n_inv)
    pos = np.arange(n_inv)
    # investigators by open cases: a bitset per level 0..cap and a count per level
    open_cases = np.zeros(n_inv, np.int64)
    words = (n_inv + 63) >> 6
    bits = np.zeros((cap + 1) * words, np.uint64)
    level_count = np.zeros(cap + 1, np.int64)
    for j in range(n_inv):
        bits[j >> 6] |= np.uint64(1) << np.uint64(j & 63)
    level_count[0] = n_inv
    fewest = 0  # no investigator holds fewer open cases than this
    owner = np.full(n, -1)
    queue = np.empty(n, np.int64)
    waiting = 0
    floor_key = np.empty(n)  # heap of (floor end, case) of worked cases held by their floor
    floor_case = np.empty(n, np.int64)
    n_floors = 0
    rate = rates[0]
    ci = 1
    ai = 0
    while True:
        t = nxt[heap[0]]
        if n_floors > 0 and floor_key[0] < t:
            t = floor_key[0]
        if ci < len(change_min) and change_min[ci] < t:
            t = change_min[ci]
        if ai < n and entered[ai] < t:
            t = entered[ai]
        if not t < horizon:
            break
        while nxt[heap[0]] == t:
            j = heap[0]
            # advance, then every case at or below the first finish time is done
            if working[j] > 0:
                virtual[j] = virtual[j] + (t - updated[j]) * rate / working[j]
            updated[j] = t
            first = _first(slot_f, slot_c, j * cap, working[j])
            if slot_f[first] > virtual[j]:
                virtual[j] = slot_f[first]
            s = j * cap
            while s < j * cap + working[j]:
                if slot_f[s] <= virtual[j]:
                    i = slot_c[s]
                    worked[i] = t
                    last = j * cap + working[j] - 1
                    slot_f[s] = slot_f[last]
                    slot_c[s] = slot_c[last]
                    working[j] -= 1
                    if floor_at[i] > t:
                        held[j] += 1
                        n_floors = _pair_push(floor_key, floor_case, n_floors, floor_at[i], i)
                    else:
                        finalised[i] = t
                        _move(bits, level_count, words, j, open_cases[j], open_cases[j] - 1)
                        open_cases[j] -= 1
                        fewest = min(fewest, open_cases[j])
                else:
                    s += 1
            _schedule(j, cap, rate, virtual, updated, working, slot_f, slot_c, nxt)
            _fix(heap, pos, n_inv, j, nxt)
        while n_floors > 0 and floor_key[0] == t:
            i = floor_case[0]
            n_floors = _pair_pop(floor_key, floor_case, n_floors)
            finalised[i] = t
            j = owner[i]
            held[j] -= 1
            _move(bits, level_count, words, j, open_cases[j], open_cases[j] - 1)
            open_cases[j] -= 1
            fewest = min(fewest, open_cases[j])
        while ci < len(change_min) and change_min[ci] == t:
            for j in range(n_inv):
                if working[j] > 0:
                    virtual[j] = virtual[j] + (t - updated[j]) * rate / working[j]
                updated[j] = t
            rate = rates[ci]
            ci += 1
            for j in range(n_inv):
                _schedule(j, cap, rate, virtual, updated, working, slot_f, slot_c, nxt)
                _fix(heap, pos, n_inv, j, nxt)
        while ai < n and entered[ai] == t:
            waiting = tpush(queue, waiting, ai, risk)
            ai += 1
        while waiting > 0:
            while fewest < cap and level_count[fewest] == 0:
                fewest += 1
            if fewest >= cap:
                break
            j = _lowest(bits, words, fewest)  # the fewest open cases, lowest index on ties
            _move(bits, level_count, words, j, fewest, fewest + 1)
            open_cases[j] += 1
            i = queue[0]
            waiting = tpop(queue, waiting, risk)
            allocated[i] = t
            investigator[i] = j
            owner[i] = j
            if working[j] > 0:
                virtual[j] = virtual[j] + (t - updated[j]) * rate / working[j]
            updated[j] = t
            s = j * cap + working[j]
            slot_f[s] = virtual[j] + effort[i]
            slot_c[s] = i
            working[j] += 1
            _schedule(j, cap, rate, virtual, updated, working, slot_f, slot_c, nxt)
            _fix(heap, pos, n_inv, j, nxt)

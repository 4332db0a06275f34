"""Binary min-heaps of indices ordered by (time, index) (numba-compiled).

Ties on time are broken by the index, the creation order of the attempt or job.
:func:`tpush`/:func:`tpop` read each index's time from an array beside the heap;
:func:`ipush`/:func:`ipop` keep the time in the heap itself, so sifting touches nothing
else — what the contact kernel's deadlines and redials need, whose times live in arrays of
millions of attempts that a sift would otherwise visit at random, and the investigation
kernel's stage queues, stage ends and floors.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, inline="always")
def _earlier(a: int, b: int, time: np.ndarray) -> bool:
    if time[a] != time[b]:
        return bool(time[a] < time[b])
    return a < b


@njit(cache=True)
def tpush(heap: np.ndarray, size: int, i: int, time: np.ndarray) -> int:
    """Insert index ``i``; return the new size."""
    k = size
    heap[k] = i
    while k > 0:
        parent = (k - 1) >> 1
        if not _earlier(heap[k], heap[parent], time):
            break
        heap[parent], heap[k] = heap[k], heap[parent]
        k = parent
    return size + 1


@njit(cache=True)
def tpop(heap: np.ndarray, size: int, time: np.ndarray) -> int:
    """Remove the first index (read ``heap[0]`` before); return the new size."""
    size -= 1
    heap[0] = heap[size]
    k = 0
    while True:
        left = 2 * k + 1
        if left >= size:
            break
        child = left
        if left + 1 < size and _earlier(heap[left + 1], heap[left], time):
            child = left + 1
        if not _earlier(heap[child], heap[k], time):
            break
        heap[k], heap[child] = heap[child], heap[k]
        k = child
    return size


@njit(cache=True, inline="always")
def _before(k1: float, i1: int, k2: float, i2: int) -> bool:
    return k1 < k2 or (k1 == k2 and i1 < i2)


@njit(cache=True)
def ipush(key: np.ndarray, idx: np.ndarray, size: int, k: float, i: int) -> int:
    """Insert index ``i`` with time ``k`` into the heap held as ``key`` and ``idx`` (each
    entry's time beside its index, so sifting reads no other array); return the new size.
    Pops in the same order as :func:`tpush`/:func:`tpop`: (time, index) is a total order."""
    j = size
    while j > 0:
        parent = (j - 1) >> 1
        if not _before(k, i, key[parent], idx[parent]):
            break
        key[j], idx[j] = key[parent], idx[parent]
        j = parent
    key[j], idx[j] = k, i
    return size + 1


@njit(cache=True)
def ipop(key: np.ndarray, idx: np.ndarray, size: int) -> int:
    """Remove the first entry (read ``key[0]``, ``idx[0]`` before); return the new size."""
    size -= 1
    k, i = key[size], idx[size]
    j = 0
    while True:
        child = 2 * j + 1
        if child >= size:
            break
        if child + 1 < size and _before(key[child + 1], idx[child + 1], key[child], idx[child]):
            child += 1
        if not _before(key[child], idx[child], k, i):
            break
        key[j], idx[j] = key[child], idx[child]
        j = child
    if size > 0:
        key[j], idx[j] = k, i
    return size

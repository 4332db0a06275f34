"""A binary min-heap of indices ordered by (time[i], i) (numba-compiled).

The contact kernel keeps abandonment deadlines and scheduled redials in such heaps: ties on
time are broken by the index, which is the creation order of the attempt.
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

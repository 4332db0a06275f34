"""Heaps and bitsets of the investigation kernel (numba): an indexed heap over investigators
and per-level bitsets of investigators by open cases (its heaps of (time, case) pairs are
:func:`fmssim.engine.fast.keyed_heap.ipush`/``ipop``)."""

from __future__ import annotations

import numpy as np
from numba import njit

from fmssim.engine.fast.keyed_heap import _earlier


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

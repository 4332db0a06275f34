"""Heaps and bitsets of the investigation kernel (numba): an indexed heap over investigators,
a heap of (key, value) pairs and per-level bitsets of investigators by open cases."""

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

"""A binary min-heap of float64 times in a preallocated array (numba-compiled).

The heap holds only times (units are interchangeable), so equal values need no tie-break.
Sifting moves a hole instead of swapping, one write per level.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def heap_push(heap: np.ndarray, size: int, value: float) -> int:
    """Insert ``value``; return the new size."""
    i = size
    while i > 0:
        parent = (i - 1) >> 1
        if heap[parent] <= value:
            break
        heap[i] = heap[parent]
        i = parent
    heap[i] = value
    return size + 1


@njit(cache=True)
def heap_replace_top(heap: np.ndarray, size: int, value: float) -> None:
    """Replace the smallest value with ``value`` (one sift-down instead of a pop and a push)."""
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size:
            child += heap[child + 1] < heap[child]  # branch-free: this is a coin flip
        if value <= heap[child]:
            break
        heap[i] = heap[child]
        i = child
    heap[i] = value


@njit(cache=True)
def heap_pop(heap: np.ndarray, size: int) -> int:
    """Remove the smallest value (read it as ``heap[0]`` first); return the new size.

    Floyd's bottom-up pop: the hole at the top goes down to a leaf along the smaller
    children (one comparison per level), then the last value rises from there; the last
    value is usually large, so it rarely rises far.
    """
    size -= 1
    last = heap[size]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size:
            child += heap[child + 1] < heap[child]  # branch-free: this is a coin flip
        heap[i] = heap[child]
        i = child
    while i > 0:
        parent = (i - 1) >> 1
        if heap[parent] <= last:
            break
        heap[i] = heap[parent]
        i = parent
    heap[i] = last
    return size


@njit(cache=True)
def push_at(heap: np.ndarray, base: int, size: int, value: float) -> int:
    """:func:`heap_push` on the heap stored from ``heap[base]`` (several heaps in one array:
    no view, so no reference counting, per call). Indices are cast to unsigned (they are
    never negative): numba then skips its negative-index wraparound test on each access,
    which cost the composing kernel about 14% on the crews benchmark."""
    i = size
    while i > 0:
        parent = (i - 1) >> 1
        if heap[np.uintp(base + parent)] <= value:
            break
        heap[np.uintp(base + i)] = heap[np.uintp(base + parent)]
        i = parent
    heap[np.uintp(base + i)] = value
    return size + 1


@njit(cache=True)
def pop_at(heap: np.ndarray, base: int, size: int) -> int:
    """:func:`heap_pop` on the heap stored from ``heap[base]`` (unsigned indices, as
    :func:`push_at`)."""
    size -= 1
    last = heap[np.uintp(base + size)]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size:
            child += heap[np.uintp(base + child + 1)] < heap[np.uintp(base + child)]
        heap[np.uintp(base + i)] = heap[np.uintp(base + child)]
        i = child
    while i > 0:
        parent = (i - 1) >> 1
        if heap[np.uintp(base + parent)] <= last:
            break
        heap[np.uintp(base + i)] = heap[np.uintp(base + parent)]
        i = parent
    heap[np.uintp(base + i)] = last
    return size

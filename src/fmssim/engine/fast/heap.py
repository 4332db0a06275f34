"""A binary min-heap of float64 times in a preallocated array (numba-compiled)."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def heap_push(heap: np.ndarray, size: int, value: float) -> int:
    """Insert ``value``; return the new size."""
    i = size
    heap[i] = value
    while i > 0:
        parent = (i - 1) >> 1
        if heap[parent] <= heap[i]:
            break
        heap[parent], heap[i] = heap[i], heap[parent]
        i = parent
    return size + 1


@njit(cache=True)
def heap_pop(heap: np.ndarray, size: int) -> int:
    """Remove the smallest value (read it as ``heap[0]`` first); return the new size."""
    size -= 1
    heap[0] = heap[size]
    i = 0
    while True:
        left = 2 * i + 1
        if left >= size:
            break
        child = left
        if left + 1 < size and heap[left + 1] < heap[left]:
            child = left + 1
        if heap[i] <= heap[child]:
            break
        heap[i], heap[child] = heap[child], heap[i]
        i = child
    return size

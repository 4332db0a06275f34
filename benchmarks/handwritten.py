"""A hand-written, single-purpose numba loop for non-preemptive priority M/M/c.

It is the yardstick of the performance target "fast engine within 1.5× of a hand-written
loop" (DESIGN.md §3), so it is written to be as fast as honestly possible for this one case:
constant staffing, no travel or write-up, every customer served before the horizon.

It is server-centric rather than event-centric: the ``c`` servers' free-again times form a
fixed-size min-heap, and each iteration gives the earliest-free server its next customer
(the most urgent one waiting, first come first served within a class), replacing the heap
top in one sift-down. With identical servers this yields exactly the allocation times of the
engine's contract (arrivals and releases of an instant applied first, then allocation by
priority), so the benchmark also checks that the two agree bit for bit. Large arrays are
allocated with numpy (huge pages), as the engine does.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray


def priority_mmc(
    arrival: NDArray[np.float64],
    cls: NDArray[np.int64],
    service: NDArray[np.float64],
    c: int,
    n_classes: int,
) -> NDArray[np.float64]:
    """Start-of-service times of customers (``arrival`` sorted, class 0 most urgent)."""
    start = np.empty(len(arrival), np.float64)
    _simulate(arrival, cls, service, c, n_classes, start, np.empty(len(arrival), np.int64))
    return start


@njit(cache=True)
def _class_order(cls: np.ndarray, n_classes: int, order: np.ndarray) -> np.ndarray:
    """Fill ``order`` with customers grouped by class, in arrival order; return class starts."""
    starts = np.zeros(n_classes + 1, np.int64)
    for k in cls:
        starts[k + 1] += 1
    for k in range(n_classes):
        starts[k + 1] += starts[k]
    fill = starts[:-1].copy()
    for j in range(len(cls)):
        order[fill[cls[j]]] = j
        fill[cls[j]] += 1
    return starts


@njit(cache=True)
def _sift_down(heap: np.ndarray, value: float) -> None:
    """Replace the heap's smallest value with ``value`` and restore the heap order."""
    size = len(heap)
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
def _simulate(
    arrival: np.ndarray,
    cls: np.ndarray,
    service: np.ndarray,
    c: int,
    n_classes: int,
    start: np.ndarray,
    order: np.ndarray,
) -> None:
    """The event loop: one iteration per customer, in order of service start."""
    n = len(arrival)
    starts = _class_order(cls, n_classes, order)
    head = starts[:-1].copy()
    tail = starts[:-1].copy()
    free_at = np.zeros(c, np.float64)
    now = -np.inf
    nxt = 0
    waiting = 0
    for _ in range(n):
        t = max(free_at[0], now)
        if waiting == 0 and arrival[nxt] > t:
            t = arrival[nxt]
        while nxt < n and arrival[nxt] <= t:
            tail[cls[nxt]] += 1
            waiting += 1
            nxt += 1
        k = 0
        while head[k] == tail[k]:
            k += 1
        j = order[head[k]]
        head[k] += 1
        waiting -= 1
        start[j] = t
        now = t
        _sift_down(free_at, t + service[j])

"""P4 appointments: booking incidents into slots, before any engine runs.

Booking depends only on creation times and booking delays, never on what units do, so it
is part of drawing a replication: both engines then see an appointment as an incident that
enters its pool's queue at its planned departure, the slot minus its travel time (or at its
creation, if that is later). A unit free then arrives exactly at the slot.

The rule: incidents of an appointment grade are booked in creation order; each takes the
first slot not yet taken that starts at or after its creation plus its booking delay. Slots
repeat every day at the grade's slot times, each holding one appointment; bookings may run
past the horizon (those appointments are never attended in the run, and the attainment
figure leaves them out as unknown).
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

from fmssim.model.inputs import AppointmentSpec

MIN_PER_DAY = 1440.0


def book(
    earliest: NDArray[np.float64], spec: AppointmentSpec, origin_of_day_min: float
) -> NDArray[np.float64]:
    """Slot start of each booking, in minutes from the origin, booked in the given order.

    ``earliest`` is each incident's creation plus booking delay (minutes from the origin,
    which is ``origin_of_day_min`` minutes after a midnight).
    """
    slots = spec.slot_of_day_min
    per_day = len(slots)
    clock = earliest + origin_of_day_min
    day = np.floor(clock / MIN_PER_DAY)
    k = np.searchsorted(slots, clock - day * MIN_PER_DAY, side="left")
    first = (day * per_day + k).astype(np.int64)  # k == per_day is the next day's first slot
    if len(first) == 0:
        return np.zeros(0)
    base = int(first.min())
    taken = _first_free(first - base, int(first.max() - base) + len(first) + 1) + base
    start = (taken // per_day) * MIN_PER_DAY + slots[taken % per_day] - origin_of_day_min
    return np.asarray(start, dtype=np.float64)


@njit(cache=True)
def _first_free(wanted: np.ndarray, n_slots: int) -> np.ndarray:
    """For each request in order, the first slot ``>= wanted[i]`` not yet taken; taking it.

    Union-find over slot indices: ``nxt[s]`` leads to the first free slot at or after ``s``
    (path halving keeps each lookup nearly constant time).
    """
    nxt = np.arange(n_slots + 1)
    out = np.empty(len(wanted), np.int64)
    for i in range(len(wanted)):
        s = wanted[i]
        while nxt[s] != s:
            nxt[s] = nxt[nxt[s]]
            s = nxt[s]
        out[i] = s
        nxt[s] = s + 1
    return out

"""Investigators sharing effort among their open cases (processor sharing), as plain state.

Each investigator keeps a *virtual time*: the effort every case it works has received since
that case started, counted from an arbitrary origin. While it works ``n`` cases at rate
``r``, its virtual time grows at ``r / n``; a case that needs effort ``w`` and starts at
virtual time ``v`` is done when the virtual time reaches ``v + w``. Both engines compute
these floats with the same operations in the same order (see docs/model.md), so their
records agree bit for bit.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Any

import simpy

from fmssim.engine.des.clock import Clock

COMPLETE, FLOOR, RATE, ARRIVE, ALLOCATE = 0, 1, 2, 3, 4
"""Event priorities within an instant: work completions, elapsed-time floors, rate changes,
arrivals, then one allocation step after all of them."""


@dataclass
class Investigator:
    """One investigator's cases and effort clock."""

    virtual: float = 0.0
    """Effort each worked case has received, from an arbitrary origin (minutes)."""
    updated: float = 0.0
    """When ``virtual`` was last brought up to date."""
    working: list[tuple[float, int, simpy.Event]] = field(default_factory=list)
    """Heap of (virtual finish time, case id, done event) of the cases being worked."""
    open: int = 0
    """Cases held: being worked or done but waiting for their floor."""
    version: int = 0
    """Bumped whenever the next completion is rescheduled (older ones are stale)."""


@dataclass
class Desk:
    """One department: its investigators, its queues and its current work rate."""

    clock: Clock
    cap: int
    rate: float
    """Effort per minute of each investigator, now."""
    investigators: list[Investigator]
    classes: list[int]
    """Class of each investigator (0 without classes)."""
    queues: dict[int, list[tuple[Any, ...]]] = field(default_factory=dict)
    """Per eligibility (bits of the classes that may take the case): heap of (risk rank,
    case id, effort, grant) of the cases waiting for a slot."""
    by_open: list[list[list[int]]] = field(default_factory=list)
    """Per class, per open-case count below the cap: heap of its investigators (possibly
    stale entries)."""
    allocation_pending: bool = False

    def __post_init__(self) -> None:
        n_classes = max(self.classes, default=0) + 1
        self.by_open = [[[] for _ in range(self.cap)] for _ in range(n_classes)]
        for j, c in enumerate(self.classes):
            self.by_open[c][0].append(j)

    def fewest_open(self, eligible: int) -> int:
        """The investigator of an eligible class with the fewest open cases (lowest index on
        ties), or -1 if all of them are at the cap."""
        best: tuple[int, int] | None = None
        for c, buckets in enumerate(self.by_open):
            if not eligible >> c & 1:
                continue
            for count, bucket in enumerate(buckets):
                while bucket and self.investigators[bucket[0]].open != count:
                    heapq.heappop(bucket)
                if bucket:
                    if best is None or (count, bucket[0]) < best:
                        best = (count, bucket[0])
                    break
        return -1 if best is None else best[1]

    def set_open(self, j: int, count: int) -> None:
        """Investigator ``j`` now holds ``count`` cases."""
        self.investigators[j].open = count
        if count < self.cap:
            heapq.heappush(self.by_open[self.classes[j]][count], j)


def advance(inv: Investigator, now: float, rate: float) -> None:
    """Bring the investigator's virtual time up to ``now`` at ``rate`` (constant since)."""
    n = len(inv.working)
    if n > 0:
        inv.virtual = inv.virtual + (now - inv.updated) * rate / n
    inv.updated = now


def schedule(desk: Desk, j: int) -> None:
    """(Re)schedule investigator ``j``'s next completion; earlier ones become stale."""
    inv = desk.investigators[j]
    inv.version += 1
    n = len(inv.working)
    if n == 0 or desk.rate == 0.0:
        return
    when = inv.updated + (inv.working[0][0] - inv.virtual) * n / desk.rate
    when = max(when, inv.updated)
    version = inv.version
    desk.clock.at(when, COMPLETE).callbacks.append(lambda _: complete(desk, j, version))


def complete(desk: Desk, j: int, version: int) -> None:
    """Investigator ``j``'s first case (and any tied with it) is done."""
    inv = desk.investigators[j]
    if version != inv.version:
        return
    advance(inv, desk.clock.now, desk.rate)
    inv.virtual = max(inv.virtual, inv.working[0][0])
    while inv.working and inv.working[0][0] <= inv.virtual:
        _, _, done = heapq.heappop(inv.working)
        done.succeed()
    schedule(desk, j)


def start(desk: Desk, j: int, case: int, effort: float) -> simpy.Event:
    """Investigator ``j`` takes ``case``; the event fires when its effort is complete."""
    desk.set_open(j, desk.investigators[j].open + 1)
    return resume(desk, j, case, effort)


def resume(desk: Desk, j: int, case: int, effort: float) -> simpy.Event:
    """Investigator ``j`` works ``effort`` more on ``case``, which already holds one of its
    slots (a spell after an outside stage); the event fires when that effort is done."""
    inv = desk.investigators[j]
    advance(inv, desk.clock.now, desk.rate)
    done = desk.clock.event()
    heapq.heappush(inv.working, (inv.virtual + effort, case, done))
    schedule(desk, j)
    return done


def change_rate(desk: Desk, rate: float) -> None:
    """Every investigator's effort clock runs at ``rate`` from now on."""
    now = desk.clock.now
    for inv in desk.investigators:
        advance(inv, now, desk.rate)
    desk.rate = rate
    for j in range(len(desk.investigators)):
        schedule(desk, j)

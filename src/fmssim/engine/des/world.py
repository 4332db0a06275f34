"""The state of the simulated force: resources and queues, no behaviour."""

from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import simpy

from fmssim.engine.des.clock import Clock


@dataclass
class EnRoute:
    """What a P1 may take from a pool's travelling units (``p1_takes_en_route_unit``)."""

    clock: Clock
    p1_waiting: deque[simpy.Event] = field(default_factory=deque)
    """Grant events of the pool's P1 incidents in creation order (some may be granted)."""
    jobs: dict[tuple[int, int], tuple[float, simpy.Event]] = field(default_factory=dict)
    """Jobs whose single unit is travelling and may be taken, by (priority, incident id):
    (arrival time, the event that tells the job it lost its unit)."""


@dataclass
class UnitPool:
    """Interchangeable units of one dispatch pool.

    ``free`` units wait for work; ``busy`` units are on a job. Units above the roster's
    ``on_duty`` go off duty as soon as they are free (shift ends never interrupt a job).
    """

    on_duty: int = 0
    busy: int = 0
    free: int = 0
    queue: list[tuple[Any, ...]] = field(default_factory=list)
    """Waiting entries as a heap of tuples ordered most urgent first, the grant event last:
    (priority, incident id, grant) for incidents; (channel level, arrival time, attempt,
    grant) for contacts."""
    borrowers: deque[simpy.Event] = field(default_factory=deque)
    """Grant events of P1 incidents that may borrow a unit, in creation order (some may be
    granted already)."""
    needs: dict[simpy.Event, int] = field(default_factory=dict)
    """Units a waiting entry needs, by its grant event, when more than one."""
    en_route: EnRoute | None = None
    """Set when a waiting P1 may take a unit travelling to a less urgent job."""
    allocation_pending: bool = False

    def wait(self, *entry: Any) -> None:
        """Join the queue; ``entry`` ends with the grant event."""
        heapq.heappush(self.queue, entry)

    def need(self, grant: simpy.Event) -> int:
        """Units the entry granted by ``grant`` needs."""
        return self.needs.get(grant, 1) if self.needs else 1

    def withdraw(self, grant: simpy.Event) -> None:
        """Leave the queue (a caller who hangs up)."""
        self.queue = [e for e in self.queue if e[-1] is not grant]
        heapq.heapify(self.queue)


@dataclass
class World:
    """Everything the processes share."""

    clock: Clock
    pools: list[UnitPool]
    """Dispatch pools, indexed like ``Inputs.pools``."""
    handlers: list[UnitPool] = field(default_factory=list)
    """Handler pools (slots = handlers × chat concurrency), indexed like ``Inputs.handlers``."""
    lenders: list[UnitPool] = field(default_factory=list)
    """Pools a waiting P1 may borrow from, in the order listed (empty: no borrowing)."""
    borrow_pending: bool = False

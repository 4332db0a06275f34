"""The state of the simulated force: resources and queues, no behaviour."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import simpy

from fmssim.engine.des.clock import Clock


@dataclass
class UnitPool:
    """Interchangeable units of one dispatch pool.

    ``free`` units wait for work; ``busy`` units are on a job. Units above the roster's
    ``on_duty`` go off duty as soon as they are free (shift ends never interrupt a job).
    """

    on_duty: int = 0
    busy: int = 0
    free: int = 0
    queue: list[tuple[int, int, simpy.Event]] = field(default_factory=list)
    """Waiting incidents as a heap of (priority, incident id, grant event)."""
    allocation_pending: bool = False

    def wait(self, priority: int, incident: int, grant: simpy.Event) -> None:
        heapq.heappush(self.queue, (priority, incident, grant))


@dataclass
class World:
    """Everything the processes share."""

    clock: Clock
    pools: list[UnitPool]

"""The state of the simulated force: resources and queues, no behaviour."""

from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import simpy
from numpy.typing import NDArray

from fmssim.engine.des.clock import Clock


@dataclass
class EnRoute:
    """What a P1 may take from a pool's travelling units (``p1_takes_en_route_unit``)."""

    clock: Clock
    lost_travel: NDArray[np.float64]
    """Per incident: the travel already done by the unit a P1 took (the records' column)."""
    p1_waiting: deque[tuple[simpy.Event, int]] = field(default_factory=deque)
    """Grant events and ids of the pool's P1 incidents in creation order (some may be
    granted)."""
    jobs: dict[tuple[int, int], tuple[float, simpy.Event, float]] = field(default_factory=dict)
    """Jobs whose single unit is travelling and may be taken, by (priority, incident id):
    (arrival time, the event that tells the job it lost its unit, assignment time)."""


@dataclass(frozen=True)
class Rule:
    """A lending rule (``dispatch.options.lending``), with pools and grades as indices."""

    lender: int
    pools: frozenset[int]
    grades: frozenset[int]
    tipping_point: int


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
    lendable: dict[simpy.Event, tuple[int, int, int, int]] = field(default_factory=dict)
    """Waiting incidents a lending rule covers, by grant event: (priority, incident id, grade,
    units needed); some may be granted already."""
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
    rules: list[Rule] = field(default_factory=list)
    """Lending rules in the order tried (empty: no lending)."""
    lend_pending: bool = False

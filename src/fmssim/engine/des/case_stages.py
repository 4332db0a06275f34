"""Outside stages of a department (charging decisions, forensics, partner agencies), as plain
state: each stage serves its waiting cases first come first served (then by case id) with
``servers`` at a time; a case at a stage keeps its caseload slot but takes no effort.

Both engines start stage services in one step after every other event of an instant, stage
by stage, so that the order in which stage services end (their event ids here, a sequence
number in the fast engine) is the same.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from fmssim.engine.des.clock import Clock

OnEnd = Callable[[], None]
"""Called when a stage is done with a case."""
STAGE_END, STAGE_START = 1, 5
"""Event priorities: a stage ends with the other case events of an instant (after work
completions); stage services start after the allocation step (4)."""


@dataclass
class Stages:
    """A department's outside stages."""

    clock: Clock
    servers: list[int]
    """Cases each stage handles at once (-1: no limit)."""
    waited: NDArray[np.float64]
    """Per case id: time waited for a server, in all (added when a service starts)."""
    busy: list[int] = field(default_factory=list)
    queue: list[list[tuple[Any, ...]]] = field(default_factory=list)
    """Per stage: heap of (joined, case id, service time, what to do when it ends)."""
    pending: bool = False

    def __post_init__(self) -> None:
        self.busy = [0] * len(self.servers)
        self.queue = [[] for _ in self.servers]


def join(stages: Stages, s: int, case: int, service: float, on_end: OnEnd) -> None:
    """``case`` joins stage ``s``; ``on_end()`` is called when the stage is done with it."""
    heapq.heappush(stages.queue[s], (stages.clock.now, case, service, on_end))
    request_start(stages)


def request_start(stages: Stages) -> None:
    """Start stage services once, after every other event of this instant."""
    if stages.pending:
        return
    stages.pending = True
    stages.clock.at(stages.clock.now, STAGE_START).callbacks.append(lambda _: start(stages))


def start(stages: Stages) -> None:
    """Each stage in turn takes its waiting cases while it has a free server."""
    stages.pending = False
    now = stages.clock.now
    for s, queue in enumerate(stages.queue):
        while queue and (stages.servers[s] < 0 or stages.busy[s] < stages.servers[s]):
            joined, case, service, on_end = heapq.heappop(queue)
            stages.busy[s] += 1
            stages.waited[case] += now - joined
            end = stages.clock.at(now + service, STAGE_END)
            end.callbacks.append(_ender(stages, s, on_end))


def _ender(stages: Stages, s: int, on_end: OnEnd) -> Callable[[Any], None]:
    def end(_: Any) -> None:
        stages.busy[s] -= 1
        request_start(stages)
        on_end()

    return end

"""Investigations as SimPy processes: a case arrives, waits for a caseload slot, is worked
(sharing its investigator's effort) in spells between the outside stages it needs, waits
for its elapsed-time floor, and is finalised."""

from __future__ import annotations

import heapq
from collections.abc import Generator
from typing import Any

import numpy as np
import simpy

from fmssim.engine.des.case_stages import OnEnd, Stages, join
from fmssim.engine.des.caseload import (
    ALLOCATE,
    ARRIVE,
    FLOOR,
    RATE,
    Desk,
    Investigator,
    change_rate,
    resume,
    start,
)
from fmssim.engine.des.clock import Clock
from fmssim.engine.records import CaseOutcome
from fmssim.model.case_capacity import rate_steps as department_rate
from fmssim.model.case_draws import CaseDraws, case_eligibility
from fmssim.model.inputs import Inputs

Process = Generator[simpy.Event, Any, None]


def run_cases(inputs: Inputs, draws: CaseDraws) -> CaseOutcome:
    """Simulate every department to the horizon and return every case's timeline."""
    inv = inputs.investigations
    out = CaseOutcome.empty(len(draws))
    if inv is None:
        return out
    clock = Clock()
    eligible = case_eligibility(inv, draws)
    for d in range(len(inv.names)):
        times, rates = department_rate(inv, draws.capacity, d)
        investigators = [Investigator() for _ in range(int(inv.investigators[d]))]
        classes = [int(c) for c in inv.investigator_class[d]]
        desk = Desk(clock, int(inv.cap[d]), float(rates[0]), investigators, classes)
        stages = Stages(clock, [int(c) for c in inv.stage_servers[d]], out.stage_wait_min)
        clock.process(rate_steps(desk, times, rates))
        mine = np.flatnonzero((draws.department == d) & ~draws.screened)
        clock.process(source(desk, stages, mine, (draws, eligible), out))
    clock.run(until=inputs.grid.horizon_min)
    return out


def rate_steps(desk: Desk, times: np.ndarray, rates: np.ndarray) -> Process:
    """Changes the department's work rate at each step of its rate function."""
    for when, rate in zip(times[1:], rates[1:], strict=True):
        yield desk.clock.at(float(when), RATE)
        change_rate(desk, float(rate))


def source(
    desk: Desk,
    stages: Stages,
    ids: np.ndarray,
    cases: tuple[CaseDraws, np.ndarray],
    out: CaseOutcome,
) -> Process:
    """Brings every case of the department in at its entry time, in id order; ``cases`` is
    the draws and each case's eligible classes (bits)."""
    draws, eligible = cases
    entered, spell = draws.entered_min, draws.spell_min
    for i in ids:
        yield desk.clock.at(float(entered[i]), ARRIVE)
        queue = desk.queues.setdefault(int(eligible[i]), [])
        desk.clock.process(case(desk, stages, (int(i), float(spell[i]), queue), draws, out))


def case(
    desk: Desk,
    stages: Stages,
    me: tuple[int, float, list[tuple[Any, ...]]],
    draws: CaseDraws,
    out: CaseOutcome,
) -> Process:
    """One case (id, spell effort, the queue of its eligibility): wait for a slot, be
    worked in spells between its outside stages, wait for the floor, free the slot."""
    i, spell, queue = me
    clock = desk.clock
    grant = clock.event()
    heapq.heappush(queue, (int(draws.risk[i]), i, spell, grant))
    request_allocation(desk)
    j, done = yield grant
    out.allocated_min[i] = clock.now
    out.investigator[i] = j
    out.stage_wait_min[i] = 0.0
    yield done
    need = int(draws.stages[i])
    for s in range(len(stages.servers)):
        if need >> s & 1:
            back = clock.event()
            join(stages, s, i, float(draws.stage_min[i, s]), _back(desk, j, i, spell, back))
            done = yield back
            yield done
    out.worked_min[i] = clock.now
    floor_at = draws.created_min[i] + draws.floor_min[i]
    if floor_at > clock.now:
        yield clock.at(floor_at, FLOOR)
    out.finalised_min[i] = clock.now
    desk.set_open(j, desk.investigators[j].open - 1)
    request_allocation(desk)


def _back(desk: Desk, j: int, i: int, spell: float, back: simpy.Event) -> OnEnd:
    """When the stage is done: the investigator works the next spell at once, and the case
    learns the event of that spell's end."""

    def on_end() -> None:
        back.succeed(resume(desk, j, i, spell))

    return on_end


def request_allocation(desk: Desk) -> None:
    """Allocate once, after every other event of this instant."""
    if desk.allocation_pending:
        return
    desk.allocation_pending = True
    desk.clock.at(desk.clock.now, ALLOCATE).callbacks.append(lambda _: allocate(desk))


def allocate(desk: Desk) -> None:
    """Waiting cases, most urgent first then oldest, each to the eligible investigator with
    the fewest open cases (lowest index on ties), while one is below the cap; a case no
    eligible investigator can take waits without holding up the others."""
    desk.allocation_pending = False
    while True:
        best: tuple[Any, ...] | None = None
        for eligible, queue in desk.queues.items():
            if not queue or (best is not None and queue[0][:2] >= best[0][:2]):
                continue
            j = desk.fewest_open(eligible)
            if j >= 0:
                best = (queue[0], queue, j)
        if best is None:
            return
        _, queue, j = best
        _, i, effort, grant = heapq.heappop(queue)
        grant.succeed((j, start(desk, j, i, effort)))

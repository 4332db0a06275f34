"""Contact handling as SimPy processes: callers queue for a handler, may hang up and redial,
take a callback, or dial another channel; some handlers answer only the first channel.

The event order is the fast kernel's (:mod:`fmssim.engine.fast.contact`): every change of an
instant first, then one allocation per pool at the ``DISPATCH`` priority.
"""

from __future__ import annotations

import heapq
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import simpy

from fmssim.engine.des.clock import DISPATCH, Clock
from fmssim.engine.records import ContactOutcome
from fmssim.model.contact_draws import ContactDraws
from fmssim.model.contact_policy import AttemptPolicy, attempt_policy, reserved_slots
from fmssim.model.contact_rooms import contact_rooms, handler_setup
from fmssim.model.inputs import Inputs

Process = Generator[simpy.Event, None, None]
CALLBACK_LEVEL = 1 << 30
"""Queue level of accepted callbacks: after every caller on the line."""


@dataclass
class Desk:
    """One handler pool: answer slots on duty, the reserve for its first channel, and the
    waiting attempts as a heap of (level, joined, attempt, grant)."""

    clock: Clock
    slots: np.ndarray
    """Slots each attempt takes (global attempt index)."""
    reserved: int = 0
    reserved_share: float = 0.0
    concurrency: int = 1
    on_duty: int = 0
    busy_reserved: int = 0
    busy_general: int = 0
    queue: list[tuple[Any, ...]] = field(default_factory=list)
    index: int = 0
    """Its place among its group's control rooms."""
    group: Group | None = None

    def wait(self, *entry: Any) -> None:
        """Join the queue; ``entry`` ends with the grant event."""
        heapq.heappush(self.queue, entry)

    def withdraw(self, grant: simpy.Event) -> None:
        """Leave the queue."""
        self.queue = [e for e in self.queue if e[-1] is not grant]
        heapq.heapify(self.queue)

    def request(self) -> None:
        """Allocate once, after every other event of this instant."""
        assert self.group is not None
        self.group.request()

    def free(self) -> list[int]:
        """[free reserved slots, free general slots]."""
        n_res = reserved_slots(self.on_duty, self.reserved, self.reserved_share, self.concurrency)
        return [
            max(n_res - self.busy_reserved, 0),
            max(self.on_duty - n_res - self.busy_general, 0),
        ]

    def take(self, free: list[int], level: int, need: int) -> bool | None:
        """Take ``need`` slots for a contact of ``level``: reserved ones first for the first
        channel; whether they were reserved, or None if there are not enough."""
        if level == 0 and free[0] >= need:
            free[0] -= need
            self.busy_reserved += need
            return True
        if free[1] >= need:
            free[1] -= need
            self.busy_general += need
            return False
        return None

    def release(self, a: int, reserved: bool) -> None:
        """The handler of attempt ``a`` is free again."""
        if reserved:
            self.busy_reserved -= int(self.slots[a])
        else:
            self.busy_general -= int(self.slots[a])
        self.request()


@dataclass
class Group:
    """Control rooms answering the same channels (a lone pool is a group of one)."""

    clock: Clock
    desks: list[Desk]
    share_from: float = np.inf
    """From then on, the rooms share their load."""
    pending: bool = False

    def request(self) -> None:
        """Allocate once, after every other event of this instant."""
        if not self.pending:
            self.pending = True
            self.clock.at(self.clock.now, DISPATCH).callbacks.append(lambda _: self.allocate())

    def allocate(self) -> None:
        """Each room alone before load sharing, all rooms together from then on."""
        self.pending = False
        if self.clock.now < self.share_from:
            for desk in self.desks:
                self.allocate_among([desk])
        else:
            self.allocate_among(self.desks)

    def allocate_among(self, desks: list[Desk]) -> None:
        """Answer the most urgent, longest-waiting head of ``desks`` while a room can take
        it — its own room first, then the others in order; the queue is strict."""
        free = {desk.index: desk.free() for desk in desks}
        while any(sum(f) for f in free.values()):
            heads = [(desk.queue[0], desk) for desk in desks if desk.queue]
            if not heads:
                return
            entry, own = min(heads, key=lambda head: head[0][:3])
            level, _, a, grant = entry
            need = int(own.slots[a])
            for desk in [own, *(d for d in desks if d is not own)]:
                reserved = desk.take(free[desk.index], level, need)
                if reserved is not None:
                    heapq.heappop(own.queue)
                    grant.succeed((desk.index, reserved))
                    break
            else:
                return


def contact_source(
    desks: list[Desk], inputs: Inputs, d: ContactDraws, out: ContactOutcome
) -> Process:
    """Starts every contact at its first attempt's arrival; bot-closed chats never queue."""
    policy = attempt_policy(inputs, d)
    rooms = contact_rooms(inputs, d)
    clock = desks[0].clock if desks else None
    for c in range(len(d)):
        assert clock is not None
        yield clock.at(d.created_min[c])
        if d.bot[c]:
            continue
        clock.process(caller(desks[rooms[c]], policy, c, d, out))


def caller(
    desk: Desk, policy: AttemptPolicy, c: int, d: ContactDraws, out: ContactOutcome
) -> Process:
    """One contact: each attempt waits for a handler, takes a callback once it has waited
    ``callback_min`` (if that comes before its patience runs out), or hangs up; after hanging
    up the caller dials its next drawn attempt (a redial, or a call on another channel)."""
    clock = desk.clock
    for a in range(d.first[c], d.first[c + 1]):
        if a > d.first[c]:
            yield clock.at(out.abandoned_min[a - 1] + d.delay_min[a])
        out.arrived_min[a] = clock.now
        grant = clock.event()
        desk.wait(int(policy.level[a]), clock.now, a, grant)
        desk.request()
        patience, callback = d.patience_min[a], policy.callback_min[a]
        wait = min(patience, callback)
        if wait < np.inf:
            yield grant | clock.timeout(wait)
        else:
            yield grant
        if not grant.triggered and callback < patience:
            out.callback_min[a] = clock.now
            desk.withdraw(grant)
            desk.wait(CALLBACK_LEVEL, clock.now, a, grant)
            desk.request()
            yield grant
        if not grant.triggered:
            out.abandoned_min[a] = clock.now
            desk.withdraw(grant)
            desk.request()
            continue
        out.answered_min[a] = clock.now
        yield clock.timeout(d.handling_min[a])
        out.released_min[a] = clock.now
        index, reserved = cast(tuple[int, bool], grant.value)
        assert desk.group is not None
        desk.group.desks[index].release(a, reserved)
        return


def roster(desk: Desk, times: np.ndarray, units: np.ndarray) -> Process:
    """Changes the slots on duty at each roster change."""
    for when, level in zip(times, units, strict=True):
        yield desk.clock.at(float(when))
        desk.on_duty = int(level)
        desk.request()


def sharing_starts(group: Group) -> Process:
    """Allocates at the instant load sharing starts."""
    yield group.clock.at(group.share_from)
    group.request()


def run_contacts(inputs: Inputs, draws: ContactDraws) -> ContactOutcome:
    """Simulate contact handling for one replication; every attempt's timeline."""
    clock = Clock()
    slots = attempt_policy(inputs, draws).slots
    h = handler_setup(inputs)
    desks = [
        Desk(
            clock,
            slots,
            int(h.reserved[k]),
            float(h.reserved_share[k]),
            int(inputs.handler_concurrency[k]),
        )
        for k in range(len(inputs.handlers.names))
    ]
    for rooms in h.groups:
        group = Group(clock, [desks[k] for k in rooms], h.load_sharing_min)
        for i, desk in enumerate(group.desks):
            desk.index, desk.group = i, group
        if h.load_sharing_min < inputs.grid.horizon_min:
            clock.process(sharing_starts(group))
    out = ContactOutcome.empty(len(draws.patience_min))
    for k, desk in enumerate(desks):
        clock.process(roster(desk, inputs.handlers.change_min[k], inputs.handlers.change_units[k]))
    clock.process(contact_source(desks, inputs, draws, out))
    clock.run(until=inputs.grid.horizon_min)
    return out

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
from fmssim.model.contact_policy import ChannelPolicy, channel_policy, reserved_slots
from fmssim.model.contact_rooms import contact_rooms, handler_setup
from fmssim.model.inputs import Inputs
from fmssim.model.made import Source, attempt_of, attempt_source, attempts_made, first_attempt

Process = Generator[simpy.Event, None, None]
CALLBACK_LEVEL = 1 << 30
"""Queue level of accepted callbacks: after every caller on the line."""


@dataclass
class Desk:
    """One handler pool: answer slots on duty, the reserve for its first channel, and the
    waiting attempts as a heap of (level, joined, contact, slots needed, grant): a contact
    has one attempt waiting at a time, so ties go in contact order."""

    clock: Clock
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

    def release(self, need: int, reserved: bool) -> None:
        """The ``need`` slots of an attempt are free again."""
        if reserved:
            self.busy_reserved -= need
        else:
            self.busy_general -= need
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
            level, _, _, need, grant = entry
            for desk in [own, *(d for d in desks if d is not own)]:
                reserved = desk.take(free[desk.index], level, need)
                if reserved is not None:
                    heapq.heappop(own.queue)
                    grant.succeed((desk.index, reserved))
                    break
            else:
                return


def contact_source(
    desks: list[Desk], inputs: Inputs, d: ContactDraws, rows: list[list[float]]
) -> Process:
    """Starts every contact at its first attempt's arrival; bot-closed chats never queue."""
    policy = channel_policy(inputs)
    src = attempt_source(d)
    rooms = contact_rooms(inputs, d)
    clock = desks[0].clock if desks else None
    for c in range(len(d)):
        assert clock is not None
        yield clock.at(d.created_min[c])
        if d.bot[c]:
            continue
        clock.process(caller(desks[rooms[c]], policy, src, c, rows))


def caller(
    desk: Desk, policy: ChannelPolicy, src: Source, c: int, rows: list[list[float]]
) -> Process:
    """One contact: each attempt waits for a handler, takes a callback once it has waited
    ``callback_min`` (if that comes before its patience runs out), or hangs up; after hanging
    up the caller makes its next attempt (a redial, or a call on another channel), if any.
    ``rows``: one row per attempt made (contact, attempt, its five times, then its patience,
    handling, delay and channel dialled)."""
    clock = desk.clock
    count = int(src[0][c])
    k = 0
    dialled, patience, handling, delay = first_attempt(src, c)
    row = [c, 0] + [np.nan] * 5 + [patience, handling, delay, dialled]
    rows.append(row)
    while True:
        row[2] = clock.now
        grant = clock.event()
        level, need = int(policy.level[dialled]), int(policy.slots[dialled])
        desk.wait(level, clock.now, c, need, grant)
        desk.request()
        callback = float(policy.callback_min[dialled])
        wait = min(patience, callback)
        if wait < np.inf:
            yield grant | clock.timeout(wait)
        else:
            yield grant
        if not grant.triggered and callback < patience:
            row[6] = clock.now
            desk.withdraw(grant)
            desk.wait(CALLBACK_LEVEL, clock.now, c, need, grant)
            desk.request()
            yield grant
        if not grant.triggered:
            row[4] = clock.now
            desk.withdraw(grant)
            desk.request()
            if k + 1 >= count:
                return
            k += 1
            dialled, patience, handling, delay = attempt_of(src, c, k)
            row = [c, k] + [np.nan] * 5 + [patience, handling, delay, dialled]
            rows.append(row)  # made when the caller hangs up, reached or not
            yield clock.at(clock.now + delay)
            continue
        row[3] = clock.now
        yield clock.timeout(handling)
        row[5] = clock.now
        index, reserved = cast(tuple[int, bool], grant.value)
        assert desk.group is not None
        desk.group.desks[index].release(need, reserved)
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


def run_contacts(inputs: Inputs, draws: ContactDraws) -> tuple[ContactDraws, ContactOutcome]:
    """Simulate contact handling for one replication: the attempts made and their
    timeline."""
    clock = Clock()
    h = handler_setup(inputs)
    desks = [
        Desk(
            clock,
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
    rows: list[list[float]] = []
    for k, desk in enumerate(desks):
        clock.process(roster(desk, inputs.handlers.change_min[k], inputs.handlers.change_units[k]))
    clock.process(contact_source(desks, inputs, draws, rows))
    clock.run(until=inputs.grid.horizon_min)
    table = np.array(rows, dtype=np.float64).reshape(len(rows), 11)
    made = (
        table[:, 0].astype(np.int64),
        table[:, 1].astype(np.int64),
        [table[:, r].copy() for r in range(2, 10)],
        table[:, 10].astype(np.int64),
    )
    return attempts_made(draws, [made])

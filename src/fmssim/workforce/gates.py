"""Gated phases: a tutored phase needs a tutor slot, a driving phase a course place.

Students reaching a gated phase queue first come, first served per pool (a PDU, the
force-wide tutor pool, or the driving school); they take free slots at the start of each
step and keep them for the phase. A PDU that overflows sends students who find no slot to be
tutored outside it (a loss system); otherwise they wait, their programme clock stopped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from fmssim.workforce.mode import Mode
from fmssim.workforce.plan import DRIVING, TUTORED, Plan

Floats = NDArray[np.float64]


@dataclass(slots=True)
class Group:
    """Students on the same route, in one department, at the same point of it."""

    route: int
    dept: int
    host: int
    n: float
    order: tuple[int, int]
    """FIFO key for a gate's queue: (step they started waiting, sequence)."""
    phase: int = 0
    done: int = 0
    """Steps completed in the current phase."""
    waiting: bool = False
    overflow: bool = False

    def kind(self, plan: Plan) -> int:
        """Kind of the current phase."""
        return plan.routes[self.route].kinds[self.phase]

    def age(self, plan: Plan) -> int:
        """Steps of programme time done."""
        return sum(plan.routes[self.route].steps[: self.phase]) + self.done

    def key(self) -> tuple[object, ...]:
        return (self.route, self.dept, self.host, self.order, self.phase, self.done,
                self.waiting, self.overflow)  # fmt: skip


def pool_of(g: Group, kind: int, plan: Plan) -> int:
    """The pool a group's gate draws from: its PDU (or the force's), or the driving school."""
    if kind == DRIVING or plan.force_tutors:
        return 0
    return g.host


def tutor_slots(experienced: Floats, plan: Plan, mode: Mode) -> Floats:
    """Students that each department's tutors may take at once."""
    allowed = mode.tutors_allowed(experienced * plan.max_tutor_share)
    out: Floats = plan.per_tutor * allowed
    return out


def admit(
    groups: list[Group], kind: int, slots: Floats, plan: Plan, mode: Mode, t: int
) -> tuple[list[Group], Floats, Floats]:
    """Free slots to waiting groups at gates of ``kind``, longest waiting first; returns the
    groups (some split), students arriving at the gate and overflowed, per pool."""
    n = len(plan.departments)
    busy, arriving, overflowed = np.zeros(n), np.zeros(n), np.zeros(n)
    for g in groups:
        if g.kind(plan) != kind:
            continue
        if g.waiting and g.order[0] == t:
            arriving[pool_of(g, kind, plan)] += g.n
        elif not g.waiting and not g.overflow:
            busy[pool_of(g, kind, plan)] += g.n
    free = np.maximum(slots - busy, 0.0).tolist()
    added: list[Group] = []
    waiting = sorted(
        (g for g in groups if g.waiting and g.kind(plan) == kind), key=lambda g: g.order
    )
    for g in waiting:
        pool = pool_of(g, kind, plan)
        take = mode.admit(g.n, free[pool])
        free[pool] -= take
        if 0 < take < g.n:
            added.append(Group(g.route, g.dept, g.host, take, g.order, g.phase, 0))
            g.n -= take
        elif take >= g.n:
            g.waiting = False
        if g.waiting and kind == TUTORED and plan.overflow[g.host]:
            g.waiting, g.overflow = False, True
            overflowed[pool] += g.n
    return groups + added, arriving, overflowed


def tutors_in_use(in_pdu: Floats, experienced: Floats, plan: Plan, mode: Mode) -> Floats:
    """Tutors busy per department: at each PDU, or (force-wide) spread over the departments
    in proportion to the slots they give."""
    if plan.force_tutors:
        slots = tutor_slots(experienced, plan, mode)
        total = float(slots.sum())
        weights = slots / total if total > 0 else np.zeros(len(slots))
        in_pdu = float(in_pdu.sum()) * weights
    needed = mode.tutors_needed(in_pdu, plan.per_tutor)
    out: Floats = np.minimum(needed, experienced)
    return out


def gate_slots(kind: int, experienced: Floats, plan: Plan, mode: Mode, t: int) -> Floats:
    """Slots per pool for gates of ``kind`` in step ``t``."""
    n = len(plan.departments)
    out = np.zeros(n)
    if kind == DRIVING:
        places = 0.0 if plan.driving_places is None else float(plan.driving_places[t])
        out[0] = float(mode.whole(np.array([places]))[0])
        return out
    slots = tutor_slots(experienced, plan, mode)
    if plan.force_tutors:
        out[0] = slots.sum()
        return out
    return slots

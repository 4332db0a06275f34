"""The pipeline's state and its monthly step (see :mod:`fmssim.workforce.pipeline`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from fmssim.workforce import establishment as est
from fmssim.workforce.gates import Group, admit, gate_slots, tutors_in_use
from fmssim.workforce.mode import Mode
from fmssim.workforce.plan import DRIVING, INDEPENDENT, TRAINING, TUTORED, Cohort, Plan

Floats = NDArray[np.float64]
Out = dict[str, Floats]
_BY_KIND = {
    TRAINING: "in_training",
    TUTORED: "tutored",
    DRIVING: "on_driving_course",
    INDEPENDENT: "independent",
}
_GATED = (TUTORED, DRIVING)


@dataclass
class State:
    """Officers by department and tenure, and students in groups."""

    experienced: Floats
    new: Floats
    """(department, months since the programme ended) new officers."""
    groups: list[Group]
    joining: list[Cohort]
    seq: int = 0
    next_cohort: int = 0

    @classmethod
    def start(cls, plan: Plan, mode: Mode) -> State:
        n = len(plan.departments)
        k = plan.tenure.new_steps if plan.tenure is not None else 0
        new = np.zeros((n, k))
        if plan.tenure is not None and k > 0:
            for d in range(n):
                new[d] = mode.split(float(plan.tenure.new_start[d]), np.full(k, 1.0 / k))
        cohorts = [c for c in mode.cohorts(plan.cohorts) if c.officers > 0]
        groups = _placed([c for c in cohorts if c.step < 0], plan, mode)
        joining = [c for c in cohorts if c.step >= 0]
        return cls(mode.start(plan.experienced), new, groups, joining, len(groups))

    def permanent(self) -> Floats:
        out: Floats = self.experienced + self.new.sum(axis=1)
        return out

    def headcount(self) -> float:
        return float(self.permanent().sum()) + sum(g.n for g in self.groups)


def run_steps(state: State, plan: Plan, mode: Mode, out: Out) -> None:
    """Every step of the recursion, written into ``out``."""
    for t in range(plan.n_steps):
        _join(state, plan, mode, out, t)
        for kind in _GATED:
            slots = gate_slots(kind, state.permanent(), plan, mode, t)
            state.groups, arriving, overflowed = admit(state.groups, kind, slots, plan, mode, t)
            if kind == TUTORED:
                out["needing_tutor"][t] = arriving
                out["overflowed"][t] = overflowed
        _record(state, plan, mode, out, t)
        _end_of_step(state, plan, mode, out, t)
        state.groups = _merged(state.groups, plan)


def _new_group(state: State, route: int, dept: int, n: float, plan: Plan, t: int) -> Group:
    group = Group(route, dept, int(plan.host[dept]), n, (t, state.seq))
    state.seq += 1
    _settle(group, plan, t)
    return group


def _join(state: State, plan: Plan, mode: Mode, out: Out, t: int) -> None:
    """The step's cohorts, and the intake the establishment calls for."""
    while state.next_cohort < len(state.joining) and state.joining[state.next_cohort].step == t:
        c = state.joining[state.next_cohort]
        state.next_cohort += 1
        state.groups.append(_new_group(state, c.route, c.department, c.officers, plan, t))
        out["joiners"][t, c.department] += c.officers
    if plan.growth is None:
        return
    joining, need = est.derived_intake(plan.growth, t, state.headcount(), mode)
    out["intake_needed"][t, 0] = need
    for r, n_route in enumerate(mode.split(joining, plan.growth.route_share).tolist()):
        if n_route <= 0:
            continue
        shares = _first_posting(plan, r, t)
        for d, n in enumerate(mode.split(n_route, shares).tolist()):
            if n > 0:
                state.groups.append(_new_group(state, r, d, n, plan, t))
                out["joiners"][t, d] += n


def _first_posting(plan: Plan, route: int, t: int) -> Floats:
    postings = plan.routes[route].postings
    if postings is not None:
        first: Floats = postings[0]
        return first
    assert plan.growth is not None
    target = plan.growth.target[t]
    out: Floats = target / target.sum()
    return out


def _placed(cohorts: list[Cohort], plan: Plan, mode: Mode) -> list[Group]:
    """Students already in the programme at step 0: aged without leavers or gate limits.
    Those whose programme ended before step 0 are left out (they are officers already,
    counted in the department's starting strength)."""
    groups: list[Group] = []
    for i, c in enumerate(cohorts):
        todo = [Group(c.route, c.department, int(plan.host[c.department]), c.officers, (c.step, i))]
        _settle(todo[0], plan, c.step)
        for step in range(c.step, 0):
            moved: list[Group] = []
            for g in todo:
                g.waiting = False
                moved += _advance(g, plan, mode, step + 1, None)
            todo = [g for g in moved if g.phase < len(plan.routes[g.route].kinds)]
        for g in todo:
            g.waiting = False
        groups += todo
    return groups


def _settle(group: Group, plan: Plan, t: int) -> None:
    """Skip phases of no length; a student reaching a gated phase starts waiting."""
    route = plan.routes[group.route]
    while group.phase < len(route.kinds) and route.steps[group.phase] == 0:
        group.phase += 1
    if group.phase < len(route.kinds) and route.kinds[group.phase] in _GATED:
        group.waiting = True
        group.order = (t, group.order[1])


def _advance(group: Group, plan: Plan, mode: Mode, t: int, out: Out | None) -> list[Group]:
    """One step done in the current phase (at its end, on to the next); at the end of a
    posting, the group is split over the next posting's departments."""
    route = plan.routes[group.route]
    group.done += 1
    if group.done >= route.steps[group.phase]:
        group.phase += 1
        group.done = 0
        group.overflow = False
        _settle(group, plan, t)
    if route.postings is None or group.phase >= len(route.kinds):
        return [group]
    age = group.age(plan)
    if age >= len(route.postings) or np.array_equal(route.postings[age], route.postings[age - 1]):
        return [group]
    parts = mode.split(group.n, route.postings[age])
    moved = []
    for d, n in enumerate(parts.tolist()):
        if n <= 0:
            continue
        g = Group(group.route, d, int(plan.host[d]), n, group.order, group.phase, group.done,
                  group.waiting, group.overflow)  # fmt: skip
        moved.append(g)
        if out is not None and d != group.dept:
            out["rotated_out"][t - 1, group.dept] += n
            out["rotated_in"][t - 1, d] += n
    return moved


def _record(state: State, plan: Plan, mode: Mode, out: Out, t: int) -> None:
    """The step's stocks, and effective strength: deployable share × (experienced + new −
    capacity lost to tutors + students' capacity)."""
    n = len(plan.departments)
    capacity, in_pdu = np.zeros(n), np.zeros(n)
    for g in state.groups:
        out["students"][t, g.dept] += g.n
        kind = g.kind(plan)
        if g.waiting and kind == TUTORED:
            out["students_waiting_for_tutor"][t, g.dept if plan.force_tutors else g.host] += g.n
        elif g.waiting:
            out["students_waiting_for_driving"][t, g.dept] += g.n
            capacity[g.dept] += plan.driving_wait_share * g.n
        else:
            out[_BY_KIND[kind]][t, g.dept] += g.n
            capacity[g.dept] += plan.routes[g.route].capacity_share[g.phase] * g.n
            if kind == TUTORED and not g.overflow:
                in_pdu[g.dept if plan.force_tutors else g.host] += g.n
    tutors = tutors_in_use(in_pdu, state.permanent(), plan, mode)
    out["tutors_in_use"][t] = tutors
    out["experienced_fte"][t] = state.experienced
    out["new_fte"][t] = state.new.sum(axis=1)
    lost = (1.0 - plan.tutor_capacity_share) * tutors
    out["effective_fte"][t] = plan.deployable * (state.permanent() - lost + capacity)
    if plan.growth is not None:
        out["establishment_fte"][t] = plan.growth.target[t]


def _end_of_step(state: State, plan: Plan, mode: Mode, out: Out, t: int) -> None:
    """Leavers leave, students move on, new officers age, transfers, programmes end."""
    _officer_leavers(state, plan, mode, out, t)
    completed = _students_move_on(state, plan, mode, out, t)
    k = state.new.shape[1]
    if k > 0:
        out["matured"][t] = state.new[:, -1]
        state.experienced = state.experienced + state.new[:, -1]
        state.new = np.roll(state.new, 1, axis=1)
        state.new[:, 0] = 0.0
    if plan.growth is not None:
        students = np.zeros(len(plan.departments))
        for g in state.groups:
            if g.phase < len(plan.routes[g.route].kinds):
                students[g.dept] += g.n
        moved_in, moved_out = est.transfers(
            plan.growth, t + 1, state.permanent() + students, state.experienced, mode
        )
        out["transfers_in"][t], out["transfers_out"][t] = moved_in, moved_out
        state.experienced = state.experienced + moved_in - moved_out
        officers = state.permanent() + students
        posted = est.posts(plan.growth, t + 1, officers, float(completed.sum()), mode)
    else:
        posted = completed
    out["posted"][t] = posted
    if k > 0:
        state.new[:, 0] = posted
    else:
        state.experienced = state.experienced + posted


def _officer_leavers(state: State, plan: Plan, mode: Mode, out: Out, t: int) -> None:
    n = len(plan.departments)
    retire = plan.tenure.retire_per_step if plan.tenure is not None else np.zeros(n)
    retirements = mode.leavers(state.experienced, retire)
    leavers = mode.leavers(state.experienced - retirements, plan.leave_per_step) + retirements
    out["retirements"][t] = retirements
    out["experienced_leavers"][t] = leavers
    state.experienced = state.experienced - leavers
    if state.new.shape[1] > 0:
        assert plan.tenure is not None
        probability = np.full(state.new.size, plan.tenure.new_leave_per_step)
        gone = mode.leavers(state.new.ravel(), probability).reshape(state.new.shape)
        out["new_leavers"][t] = gone.sum(axis=1)
        state.new = state.new - gone


def _students_move_on(state: State, plan: Plan, mode: Mode, out: Out, t: int) -> Floats:
    """Student leavers; the rest not waiting move a step on; completions per department."""
    n = len(plan.departments)
    probability = np.array([plan.routes[g.route].leave_per_step for g in state.groups])
    gone = mode.leavers(np.array([g.n for g in state.groups]), probability)  # one draw a group
    left, completed = np.zeros(n), np.zeros(n)
    moved: list[Group] = []
    for g, lost in zip(state.groups, gone.tolist(), strict=True):
        g.n -= lost
        left[g.dept] += lost
        if g.waiting or g.n <= 0:
            moved.append(g)
            continue
        for h in _advance(g, plan, mode, t + 1, out):
            if h.phase >= len(plan.routes[h.route].kinds):
                completed[h.dept] += h.n
            moved.append(h)
    state.groups = moved
    out["student_leavers"][t] = left
    out["completed"][t] = completed
    out["leavers"][t] = out["experienced_leavers"][t] + out["new_leavers"][t] + left
    return completed


def _merged(groups: list[Group], plan: Plan) -> list[Group]:
    """Groups still in the programme, those in the same state merged (order kept)."""
    kept: dict[tuple[object, ...], Group] = {}
    for g in groups:
        if g.n <= 0 or g.phase >= len(plan.routes[g.route].kinds):
            continue
        same = kept.get(g.key())
        if same is None:
            kept[g.key()] = g
        else:
            same.n += g.n
    return list(kept.values())

"""The monthly officer pipeline: experienced officers, students by phase, tutors and leavers.

One step (a month) of the recursion, for every department at once:

1. the step's intake joins (already in the programme: placed at its age);
2. students who need a tutor get a free slot of their PDU, longest waiting first; the rest
   wait (or, in a PDU that overflows, are tutored outside it);
3. the step's state is recorded: experienced, students, tutors in use, waiting, effective;
4. leavers leave (experienced and students), then every student not waiting moves on a step,
   and students at the end of their programme become experienced in their department.

Two modes share this code: ``expected`` (fractional officers, leavers = n × probability,
tutors = tutored students / students per tutor) and ``stochastic`` (whole officers, binomial
leavers, whole tutors) driven by one random generator.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from fmssim.workforce.mode import Expected, Mode
from fmssim.workforce.plan import INDEPENDENT, TRAINING, TUTORED, Cohort, Plan

COLUMNS = (
    "experienced_fte",
    "students",
    "in_training",
    "tutored",
    "independent",
    "students_waiting_for_tutor",
    "tutors_in_use",
    "effective_fte",
    "joiners",
    "experienced_leavers",
    "student_leavers",
    "leavers",
    "completed",
    "needing_tutor",
    "overflowed",
)
"""Per step and department. Stocks are the state during the step (after its intake and tutor
allocation); flows happen in it (``leavers``, ``completed`` at its end). ``needing_tutor`` and
``overflowed`` count students who reached a tutored phase in the step and how many of them
found no slot (overflow PDUs only); tutors and waiting count at the hosting PDU."""


@dataclass(slots=True)
class Group:
    """Students on the same route, posted to one department, at the same point of it."""

    route: int
    dept: int
    host: int
    n: float
    order: tuple[int, int]
    """FIFO key for the tutor queue: (step they started needing a tutor, sequence)."""
    phase: int = 0
    done: int = 0
    """Steps completed in the current phase."""
    waiting: bool = False
    overflow: bool = False


@dataclass(frozen=True)
class Monthly:
    """The pipeline's output: one (steps, departments) array per column of :data:`COLUMNS`."""

    departments: tuple[str, ...]
    values: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    unrostered: NDArray[np.float64] | None = None
    """Effective strength at step 0 beyond what the rosters describe (``extra_fte``)."""

    def __getitem__(self, column: str) -> NDArray[np.float64]:
        return self.values[column]

    def factors(self) -> NDArray[np.float64]:
        """Effective strength relative to what the rosters describe (step 0 without the
        extra officers), per step and department (1 where that is zero)."""
        eff = self.values["effective_fte"]
        base = eff[0] if self.unrostered is None else eff[0] - self.unrostered
        safe = np.where(base > 0, base, 1.0)
        out: NDArray[np.float64] = np.where(base > 0, eff / safe, 1.0)
        return out


def run_pipeline(plan: Plan, mode: Mode | None = None) -> Monthly:
    """Run the recursion over ``plan.n_steps`` steps (expected values when ``mode`` is None)."""
    mode = mode or Expected()
    if any(sum(r.steps) == 0 for r in plan.routes):
        raise ValueError("every route must last at least one step")
    shape = (plan.n_steps, len(plan.departments))
    extra = None if plan.extra is None else plan.extra * plan.deployable
    out = Monthly(plan.departments, {c: np.zeros(shape) for c in COLUMNS}, extra)
    experienced = mode.start(plan.experienced)
    cohorts = [c for c in mode.cohorts(plan.cohorts) if c.officers > 0]
    groups = _placed([c for c in cohorts if c.step < 0], plan)
    joining = [c for c in cohorts if c.step >= 0]
    seq, k = len(groups), 0
    for t in range(plan.n_steps):
        while k < len(joining) and joining[k].step == t:
            group = _group(joining[k], plan, (t, seq))
            seq += 1
            k += 1
            out["joiners"][t, group.dept] += group.n
            _settle(group, plan, t)
            groups.append(group)
        groups = _allocate_tutors(groups, experienced, plan, mode, out, t)
        _record(groups, experienced, plan, mode, out, t)
        experienced = _end_of_step(groups, experienced, plan, mode, out, t)
        groups = [g for g in groups if g.n > 0 and g.phase < len(plan.routes[g.route].kinds)]
    return out


def _group(cohort: Cohort, plan: Plan, order: tuple[int, int]) -> Group:
    return Group(
        cohort.route, cohort.department, int(plan.host[cohort.department]), cohort.officers, order
    )


def _placed(cohorts: list[Cohort], plan: Plan) -> list[Group]:
    """Students already in the programme at step 0: aged without leavers or tutor limits.
    Those whose programme ended before step 0 are left out (they are experienced officers
    already, counted in the department's starting strength)."""
    groups = []
    for i, cohort in enumerate(cohorts):
        group = _group(cohort, plan, (cohort.step, i))
        phases = len(plan.routes[group.route].kinds)
        _settle(group, plan, cohort.step)
        group.waiting = False
        for step in range(cohort.step, 0):
            if group.phase >= phases:
                break
            _advance(group, plan, step + 1)
            group.waiting = False
        if group.phase < phases:
            groups.append(group)
    return groups


def _settle(group: Group, plan: Plan, t: int) -> None:
    """Skip phases of no length; a student reaching a tutored phase starts needing a tutor."""
    route = plan.routes[group.route]
    while group.phase < len(route.kinds) and route.steps[group.phase] == 0:
        group.phase += 1
    if group.phase < len(route.kinds) and route.kinds[group.phase] == TUTORED:
        group.waiting = True
        group.order = (t, group.order[1])


def _advance(group: Group, plan: Plan, t: int) -> None:
    """One step done in the current phase; at its end, on to the next."""
    group.done += 1
    if group.done >= plan.routes[group.route].steps[group.phase]:
        group.phase += 1
        group.done = 0
        group.overflow = False
        _settle(group, plan, t)


def _allocate_tutors(
    groups: list[Group],
    experienced: NDArray[np.float64],
    plan: Plan,
    mode: Mode,
    out: Monthly,
    t: int,
) -> list[Group]:
    """Give free tutor slots to waiting students, longest waiting first, per PDU."""
    n = len(plan.departments)
    busy, arriving = [0.0] * n, [0.0] * n
    for g in groups:
        if g.waiting:
            if g.order[0] == t:
                arriving[g.host] += g.n
        elif not g.overflow and _tutored(g, plan):
            busy[g.host] += g.n
    out["needing_tutor"][t] = arriving
    slots = plan.per_tutor * mode.tutors_allowed(experienced * plan.max_tutor_share)
    free = np.maximum(slots - np.array(busy), 0.0).tolist()
    added: list[Group] = []
    for g in sorted((g for g in groups if g.waiting), key=lambda g: g.order):
        take = mode.admit(g.n, free[g.host])
        free[g.host] -= take
        rest = g.n - take
        if rest > 0 and take > 0:
            added.append(Group(g.route, g.dept, g.host, take, g.order, g.phase, 0))
            g.n = rest
        elif rest <= 0:
            g.waiting = False
        if g.waiting and plan.overflow[g.host]:
            g.waiting, g.overflow = False, True
            out["overflowed"][t, g.host] += g.n
    return groups + added


def _tutored(g: Group, plan: Plan) -> bool:
    return plan.routes[g.route].kinds[g.phase] == TUTORED


def _record(
    groups: list[Group],
    experienced: NDArray[np.float64],
    plan: Plan,
    mode: Mode,
    out: Monthly,
    t: int,
) -> None:
    """The step's stocks, and effective strength: deployable share × (experienced − capacity
    lost to tutors + students' capacity)."""
    n = len(plan.departments)
    sums = {c: [0.0] * n for c in (*_BY_KIND.values(), "students", "students_waiting_for_tutor")}
    capacity, in_pdu = [0.0] * n, [0.0] * n
    for g in groups:
        sums["students"][g.dept] += g.n
        if g.waiting:
            sums["students_waiting_for_tutor"][g.host] += g.n
            continue
        route = plan.routes[g.route]
        kind = route.kinds[g.phase]
        sums[_BY_KIND[kind]][g.dept] += g.n
        capacity[g.dept] += route.capacity_share[g.phase] * g.n
        if kind == TUTORED and not g.overflow:
            in_pdu[g.host] += g.n
    for column, values in sums.items():
        out[column][t] = values
    tutors = np.minimum(mode.tutors_needed(np.array(in_pdu), plan.per_tutor), experienced)
    out["tutors_in_use"][t] = tutors
    out["experienced_fte"][t] = experienced
    lost = (1.0 - plan.tutor_capacity_share) * tutors
    out["effective_fte"][t] = plan.deployable * (experienced - lost + np.array(capacity))


_BY_KIND = {TRAINING: "in_training", TUTORED: "tutored", INDEPENDENT: "independent"}


def _end_of_step(
    groups: list[Group],
    experienced: NDArray[np.float64],
    plan: Plan,
    mode: Mode,
    out: Monthly,
    t: int,
) -> NDArray[np.float64]:
    """Leavers leave, students move on a step, programmes end: next step's experienced."""
    leavers = mode.leavers(experienced, plan.leave_per_step)
    out["experienced_leavers"][t] = leavers
    probability = np.array([plan.routes[g.route].leave_per_step for g in groups])
    gone = mode.leavers(np.array([g.n for g in groups]), probability)  # one draw per group
    left_by_dept, completed = [0.0] * len(experienced), [0.0] * len(experienced)
    for g, left in zip(groups, gone.tolist(), strict=True):
        g.n -= left
        left_by_dept[g.dept] += left
        if g.waiting or g.n <= 0:
            continue
        _advance(g, plan, t + 1)
        if g.phase >= len(plan.routes[g.route].kinds):
            completed[g.dept] += g.n
    out["student_leavers"][t] = left_by_dept
    out["completed"][t] += completed
    out["leavers"][t] = out["experienced_leavers"][t] + out["student_leavers"][t]
    result: NDArray[np.float64] = experienced - leavers + out["completed"][t]
    return result

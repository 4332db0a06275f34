"""The monthly officer pipeline: experienced officers, students by phase, tutors and leavers.

One step (a month) of the recursion, for every department at once:

1. the step's intake joins (already in the programme: placed at its age; with establishment
   growth, the intake the establishment calls for, within recruitment capacity);
2. students who need a tutor get a free slot of their PDU (or of the force's pool), and
   students who need the driving course a place, longest waiting first; the rest wait (or,
   in a PDU that overflows, are tutored outside it);
3. the step's state is recorded: experienced, new officers, students by phase and by the
   department they are posted to, tutors in use, waiting, effective strength;
4. leavers leave (students, new and experienced officers, retirements), every student not
   waiting moves on a step (to the next posting when one ends), new officers age, experienced
   officers transfer into departments filling vacancies by transfer, and students at the end
   of their programme become officers: of their department, or (with growth) of the
   departments with vacancies.

Two modes share this code: ``expected`` (fractional officers, leavers = n × probability,
tutors = tutored students / students per tutor) and ``stochastic`` (whole officers, binomial
leavers, whole tutors) driven by one random generator.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from fmssim.workforce.gates import Group
from fmssim.workforce.mode import Expected, Mode
from fmssim.workforce.plan import Plan
from fmssim.workforce.state import State, run_steps

COLUMNS = (
    "experienced_fte",
    "new_fte",
    "students",
    "in_training",
    "tutored",
    "on_driving_course",
    "independent",
    "students_waiting_for_tutor",
    "students_waiting_for_driving",
    "tutors_in_use",
    "effective_fte",
    "establishment_fte",
    "joiners",
    "intake_needed",
    "experienced_leavers",
    "retirements",
    "new_leavers",
    "student_leavers",
    "leavers",
    "completed",
    "posted",
    "matured",
    "transfers_in",
    "transfers_out",
    "rotated_in",
    "rotated_out",
    "needing_tutor",
    "overflowed",
)
"""Per step and department. Stocks are the state during the step (after its intake and gate
allocation); flows happen in it (leavers, completions, postings, transfers and rotations at
its end). ``experienced_leavers`` include ``retirements``; ``completed`` students leave the
programme from the department they are in, ``posted`` officers join a department as new
officers (or experienced when there is no new tenure), ``matured`` new officers become
experienced; ``rotated_in``/``rotated_out`` are students changing posting.
``needing_tutor`` and ``overflowed`` count students who reached a tutored phase in the step
and how many found no slot; tutor queues count at the hosting PDU (department tutors) or
where the students are posted (force tutors). ``intake_needed`` (force-wide, first
department) is the establishment less the officers before the intake."""

__all__ = ["COLUMNS", "Group", "Monthly", "run_pipeline"]


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

    def officers(self) -> NDArray[np.float64]:
        """Officers (experienced, new and students) per step and department."""
        out: NDArray[np.float64] = self["experienced_fte"] + self["new_fte"] + self["students"]
        return out


def run_pipeline(plan: Plan, mode: Mode | None = None) -> Monthly:
    """Run the recursion over ``plan.n_steps`` steps (expected values when ``mode`` is None)."""
    mode = mode or Expected()
    if any(sum(r.steps) == 0 for r in plan.routes):
        raise ValueError("every route must last at least one step")
    shape = (plan.n_steps, len(plan.departments))
    extra = None if plan.extra is None else plan.extra * plan.deployable
    out = Monthly(plan.departments, {c: np.zeros(shape) for c in COLUMNS}, extra)
    run_steps(State.start(plan, mode), plan, mode, out.values)
    return out

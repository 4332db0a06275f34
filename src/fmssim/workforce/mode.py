"""The two modes of the pipeline: expected values, or whole officers with random leavers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from fmssim.workforce.plan import Cohort

Floats = NDArray[np.float64]


class Mode(Protocol):
    """How counts, tutors and leavers are computed."""

    def start(self, experienced: Floats) -> Floats:
        """Experienced officers at step 0."""
        ...

    def cohorts(self, cohorts: tuple[Cohort, ...]) -> list[Cohort]:
        """The intake cohorts as this mode counts them."""
        ...

    def tutors_allowed(self, tutors: Floats) -> Floats:
        """Tutors a PDU may use, from max share × experienced."""
        ...

    def tutors_needed(self, students: Floats, per_tutor: NDArray[np.int64]) -> Floats:
        """Tutors busy with ``students`` tutored students."""
        ...

    def admit(self, waiting: float, free: float) -> float:
        """Students of a waiting group who get a slot."""
        ...

    def leavers(self, officers: Floats, probability: Floats) -> Floats:
        """Officers who leave in a step."""
        ...

    def whole(self, officers: Floats) -> Floats:
        """A number of people as this mode counts them (whole: rounded down)."""
        ...

    def split(self, officers: float, shares: Floats) -> Floats:
        """``officers`` divided by ``shares`` (adding up to 1), keeping the total."""
        ...


@dataclass(frozen=True)
class Expected:
    """Expected values: a deterministic, linear recursion while tutors are not short."""

    def start(self, experienced: Floats) -> Floats:
        return experienced.astype(np.float64).copy()

    def cohorts(self, cohorts: tuple[Cohort, ...]) -> list[Cohort]:
        return list(cohorts)

    def tutors_allowed(self, tutors: Floats) -> Floats:
        return tutors

    def tutors_needed(self, students: Floats, per_tutor: NDArray[np.int64]) -> Floats:
        out: Floats = students / per_tutor
        return out

    def admit(self, waiting: float, free: float) -> float:
        return min(waiting, free)

    def leavers(self, officers: Floats, probability: Floats) -> Floats:
        out: Floats = officers * probability
        return out

    def whole(self, officers: Floats) -> Floats:
        return officers

    def split(self, officers: float, shares: Floats) -> Floats:
        out: Floats = officers * shares
        return out


@dataclass(frozen=True)
class Stochastic:
    """Whole officers: binomial leavers, whole tutors, intakes rounded without drift."""

    rng: np.random.Generator

    def start(self, experienced: Floats) -> Floats:
        return np.rint(experienced)

    def cohorts(self, cohorts: tuple[Cohort, ...]) -> list[Cohort]:
        """Each (route, department) intake rounded so that its running total stays the
        rounded running total of the plan (a plan of 17.5 a month gives 18, 17, 18, ...)."""
        running: dict[tuple[int, int], float] = defaultdict(float)
        out = []
        for c in cohorts:
            if c.poisson:
                out.append(replace(c, officers=float(self.rng.poisson(c.officers))))
                continue
            key = (c.route, c.department)
            before = running[key]
            running[key] = before + c.officers
            whole = float(np.floor(running[key] + 0.5) - np.floor(before + 0.5))
            out.append(replace(c, officers=whole))
        return out

    def tutors_allowed(self, tutors: Floats) -> Floats:
        return np.floor(tutors + 1e-9)

    def tutors_needed(self, students: Floats, per_tutor: NDArray[np.int64]) -> Floats:
        return np.ceil(students / per_tutor - 1e-9)

    def admit(self, waiting: float, free: float) -> float:
        return float(min(waiting, np.floor(free + 1e-9)))

    def leavers(self, officers: Floats, probability: Floats) -> Floats:
        if not np.count_nonzero(probability):  # nobody can leave: no draw needed
            return np.zeros(len(officers))
        n = np.rint(officers).astype(np.int64)
        return self.rng.binomial(n, probability).astype(np.float64)

    def whole(self, officers: Floats) -> Floats:
        return np.floor(officers + 1e-9)

    def split(self, officers: float, shares: Floats) -> Floats:
        """A multinomial draw: each officer lands in one part."""
        n = int(np.rint(officers))
        if n == 0 or np.count_nonzero(shares) == 1:
            whole: Floats = np.rint(officers) * (shares > 0).astype(np.float64)
            return whole
        p = np.clip(shares, 0.0, None)
        return self.rng.multinomial(n, p / p.sum()).astype(np.float64)

"""Small hand-built workforce plans for the pipeline tests (steps, not calendar months)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from fmssim.workforce.plan import INDEPENDENT, TRAINING, TUTORED, Cohort, Plan, Route


def route(
    training: int, tutored: int, independent: int, leave: float = 0.0, share: float = 0.8
) -> Route:
    """A three-phase route; ``share`` is the independent phase's capacity share."""
    return Route(
        (TRAINING, TUTORED, INDEPENDENT), (training, tutored, independent), (0.0, 0.0, share), leave
    )


def plan(
    routes: Sequence[Route],
    cohorts: Sequence[Cohort],
    steps: int,
    experienced: Sequence[float] = (500.0,),
    leave: Sequence[float] = (0.0,),
    per_tutor: Sequence[int] = (10,),
    max_share: Sequence[float] = (1.0,),
    host: Sequence[int] | None = None,
    overflow: bool = False,
    deployable: float = 0.9,
    tutor_capacity: float = 0.5,
    **more: Any,
) -> Plan:
    """A plan with ``len(experienced)`` departments (by default one, with unlimited tutors);
    ``more`` sets the optional parts (tenure, growth, force tutors, driving places)."""
    n = len(experienced)
    built = Plan(
        departments=tuple(f"d{i}" for i in range(n)),
        experienced=np.array(experienced, dtype=np.float64),
        leave_per_step=np.array(leave, dtype=np.float64),
        deployable=np.full(n, deployable),
        host=np.array(host if host is not None else range(n), dtype=np.int64),
        per_tutor=np.array(per_tutor, dtype=np.int64),
        max_tutor_share=np.array(max_share, dtype=np.float64),
        tutor_capacity_share=np.full(n, tutor_capacity),
        overflow=np.full(n, overflow),
        routes=tuple(routes),
        route_names=tuple(f"r{i}" for i in range(len(routes))),
        cohorts=tuple(sorted(cohorts, key=lambda c: (c.step, c.route, c.department))),
        n_steps=steps,
    )
    return replace(built, **more)


def constant_intake(steps: int, per_route: Sequence[float], department: int = 0) -> list[Cohort]:
    return [
        Cohort(t, r, department, n) for t in range(steps) for r, n in enumerate(per_route) if n > 0
    ]

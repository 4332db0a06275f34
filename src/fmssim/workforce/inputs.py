"""The compiled workforce: the plan, month boundaries in minutes and the pools it scales."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from fmssim.workforce.handlers import HandlerPlan
from fmssim.workforce.pipeline import Monthly
from fmssim.workforce.plan import Plan

Weekly = tuple[NDArray[np.float64], NDArray[np.float64]]
"""(start minute of each weekly step, people on duty from then on)."""


@dataclass(frozen=True)
class ScaledPool:
    """A pool whose roster a department's effective strength scales."""

    kind: str
    """``dispatch`` (units = round(people × factor × (1 − double-crewed share / 2))) or
    ``handlers`` (slots = round(people × factor) × chat concurrency)."""
    index: int
    """Position of the pool in its ``PoolInputs``."""
    department: int
    weekly: Weekly
    per_person: float
    """Units per person: 1 − double-crewed share / 2 (dispatch) or chat concurrency."""


@dataclass(frozen=True)
class WorkforceInputs:
    """Everything the coupling needs, built once per scenario by the compiler."""

    plan: Plan
    mode: str
    """``expected`` or ``stochastic``."""
    step_min: NDArray[np.float64]
    """Start of each month (step) in minutes from the origin (may be negative)."""
    step_year: NDArray[np.int64]
    """Planning year of each month (by its start, clipped to the calendar); -1 if none."""
    pools: tuple[ScaledPool, ...]
    month_labels: tuple[str, ...]
    """``YYYY-MM`` of each step."""
    expected: Monthly | None = None
    """The pipeline in expected mode (the one every replication uses in that mode)."""
    investigators: tuple[tuple[int, int], ...] = ()
    """(investigation department, workforce department) pairs: the investigators' work rate
    follows the workforce department's factor."""
    handler_plans: tuple[HandlerPlan, ...] = ()
    """Handler departments (``workforce.handlers``), run after the officer pipeline."""
    handler_pools: tuple[ScaledPool, ...] = ()
    """Handler pools following a handler department (``department`` indexes
    ``handler_plans``)."""

    def factor_steps(
        self, monthly: Monthly, department: str
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """A department's factor as a step function of time: (change minutes, factor from
        then on). The first change is at 0 with the start month's factor (warm-up included);
        later changes are at month starts. For models that scale work rates (e.g.
        investigators) by the same rule as rosters."""
        d = self.plan.departments.index(department)
        return factor_steps(self.step_min, monthly.factors()[:, d])


def factor_steps(
    step_min: NDArray[np.float64], factors: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(0 and every later month start inside the run, factor from then on); the start
    month's factor (1 unless officers are added beyond the rosters) holds from 0, warm-up
    included, until the second month."""
    later = step_min[1:] > 0
    return (
        np.concatenate(([0.0], step_min[1:][later])),
        np.concatenate((factors[:1], factors[1:][later])),
    )

"""Compiled investigation inputs: departments and the crime types routed to them.

Each department has ``investigators`` (``round(investigators_fte)``, at least one), each
holding at most ``cap`` open cases and sharing its effort equally among the cases it is
working (processor sharing). The department's work rate is ``investigators_fte ×
availability`` investigator-days of effort per day, spread equally over its investigators,
and scaled by a step function of time (``change_min``/``change_factor``, constant 1 unless
the workforce model says otherwise). Times and efforts are in minutes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from fmssim.model.durations import DurationSpec


@dataclass(frozen=True)
class CrimeTypeInputs:
    """Crime streams, indexed like ``names``."""

    names: tuple[str, ...]
    department: NDArray[np.int64]
    """Index of the department each type is routed to."""
    rate_per_hour: NDArray[np.float64]
    """Crimes per hour in each hour of the grid, shape (types, hours)."""
    screened_share: NDArray[np.float64]
    effort: tuple[DurationSpec, ...]
    """Effort of one case in minutes of one investigator's sole attention at rate 1."""
    risk_names: tuple[tuple[str, ...], ...]
    """Per type: risk levels, most urgent first (empty: no levels)."""
    risk_cdf: tuple[NDArray[np.float64], ...]
    """Per type: cumulative shares of ``risk_names``."""
    risk_effort: tuple[NDArray[np.float64], ...]
    """Per type: effort multiplier of each risk level (empty: no levels)."""
    stage_share: tuple[NDArray[np.float64], ...]
    """Per type: share of its cases needing each stage of its department (in the
    department's stage order)."""


@dataclass(frozen=True)
class InvestigationInputs:
    """Investigation departments, indexed like ``names``."""

    names: tuple[str, ...]
    investigators: NDArray[np.int64]
    cap: NDArray[np.int64]
    """Caseload cap: open cases (worked or waiting for their floor) per investigator."""
    rate: NDArray[np.float64]
    """Effort per minute of one investigator (investigator-minutes per minute) before the
    step factors: ``investigators_fte × availability / investigators``."""
    change_min: tuple[NDArray[np.float64], ...]
    """Per department: times at which the rate factor changes (the first is 0)."""
    change_factor: tuple[NDArray[np.float64], ...]
    """Per department: rate factor from the matching change time on."""
    floor: tuple[DurationSpec | None, ...]
    """Minimum open time from creation, in minutes (None: no floor)."""
    stage_names: tuple[tuple[str, ...], ...]
    """Per department: its outside stages, in the order a case passes through them."""
    stage_servers: tuple[NDArray[np.int64], ...]
    """Per department: cases each stage handles at once (-1: no limit)."""
    stage_time: tuple[tuple[DurationSpec, ...], ...]
    """Per department and stage: time the stage takes over one case, in minutes."""
    investigator_class: tuple[NDArray[np.int64], ...]
    """Per department: each investigator's class (0 when the department has no classes)."""
    class_names: tuple[tuple[str, ...], ...]
    """Per department: its investigator classes (empty: one unnamed class)."""
    eligible: tuple[NDArray[np.int64], ...]
    """Per crime type: per risk level (one value for types without levels), the classes of
    its department that may take the case, as bits."""
    major_per_hour: NDArray[np.float64]
    """Per department: major incidents per hour (0: none)."""
    major_share: NDArray[np.float64]
    """Per department: share of its capacity each major incident takes away."""
    major_duration: tuple[DurationSpec, ...]
    """Per department: how long each major incident keeps its team, in minutes."""
    backlog_cases: NDArray[np.int64]
    backlog_stages: tuple[NDArray[np.float64], ...]
    """Per department: share of its backlog needing each of its stages."""
    backlog_age: tuple[DurationSpec, ...]
    backlog_effort: tuple[DurationSpec, ...]
    target_min: float
    """Threshold of ``finalised_within_30d_share`` (30 days unless the scenario says)."""
    types: CrimeTypeInputs
    grade_crime_share: NDArray[np.float64]
    """Share of each grade's incidents (``GradeInputs`` order) that create a crime when
    cleared (when created, for grades nobody attends)."""
    grade_crime_type: NDArray[np.int64]
    """The crime type they create (-1: none)."""
    channel_crime_share: NDArray[np.float64]
    """Share of each channel's handled contacts (``ChannelInputs`` order) that create a crime
    when released."""
    channel_crime_type: NDArray[np.int64]

    def rate_steps(self, d: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """(change times, per-investigator rates) of department ``d``: rate × factor."""
        return self.change_min[d], self.rate[d] * self.change_factor[d]

    def with_rate_steps(
        self, d: int, change_min: NDArray[np.float64], factor: NDArray[np.float64]
    ) -> InvestigationInputs:
        """A copy in which department ``d``'s work rate is multiplied by ``factor[k]`` from
        ``change_min[k]`` on (the first time must be 0): how the workforce model's effective
        strength, month by month, plugs into both engines."""
        times, factors = np.asarray(change_min, np.float64), np.asarray(factor, np.float64)
        if len(times) == 0 or times[0] != 0.0 or len(times) != len(factors):
            raise ValueError("change times must start at 0 and match the factors")
        if np.any(np.diff(times) <= 0) or np.any(factors < 0):
            raise ValueError("change times must increase and factors be at least 0")
        change = list(self.change_min)
        scale = list(self.change_factor)
        change[d], scale[d] = times, factors
        return replace(self, change_min=tuple(change), change_factor=tuple(scale))

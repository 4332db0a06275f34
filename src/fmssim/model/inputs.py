"""Compiled inputs: everything an engine needs, as plain arrays and numbers.

Built once per (scenario, variant) by :func:`fmssim.model.compile.compile_scenario`; the
engines read nothing else (no pydantic, no YAML).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from fmssim.model.durations import DurationSpec
from fmssim.model.timegrid import TimeGrid


@dataclass(frozen=True)
class GradeInputs:
    """Per-grade policy and demand, indexed like ``names``."""

    names: tuple[str, ...]
    priority: NDArray[np.int64]
    """Queue priority, smaller first."""
    target_min: NDArray[np.float64]
    """Attendance target; NaN where the grade has none."""
    pool: NDArray[np.int64]
    """Index of the attending pool; -1 for no attendance."""
    rate_per_hour: NDArray[np.float64]
    """Arrival rate of each grade in each hour of the grid, shape (grades, hours)."""
    travel: tuple[DurationSpec, ...]
    on_scene: tuple[DurationSpec, ...]
    write_up: tuple[DurationSpec, ...]


@dataclass(frozen=True)
class PoolInputs:
    """Dispatch pools, indexed like ``names``: units on duty as step functions of time."""

    names: tuple[str, ...]
    units_per_hour: NDArray[np.int64]
    """Units on duty in each hour of the grid, shape (pools, hours)."""
    change_min: tuple[NDArray[np.float64], ...]
    """Per pool: times at which the units on duty change (the first is 0)."""
    change_units: tuple[NDArray[np.int64], ...]
    """Per pool: units on duty from the matching change time on."""


@dataclass(frozen=True)
class Inputs:
    """A compiled scenario."""

    name: str
    seed: int
    grid: TimeGrid
    grades: GradeInputs
    pools: PoolInputs

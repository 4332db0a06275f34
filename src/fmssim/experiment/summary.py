"""Streaming summary across replications: memory does not grow with their number.

Each KPI keeps a running mean and variance (Welford), updated in replication order so the
result is bit-identical whatever the number of worker processes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import polars as pl

from fmssim.analytics.intervals import LEVEL, t_interval
from fmssim.analytics.limits import clip_interval
from fmssim.report.runfolder import SUMMARY_SCHEMA

SUMMARY_COLUMNS = ("variant", "year", "area", "group", "kpi", "mean", "ci_low", "ci_high", "reps")
Key = tuple[str, int, str, str, str]


@dataclass
class Running:
    """Welford's running mean and sum of squared deviations."""

    n: int = 0
    mean: float = 0.0
    m2: float = 0.0

    def add(self, x: float) -> None:
        self.n += 1
        delta = x - self.mean
        self.mean += delta / self.n
        self.m2 += delta * (x - self.mean)

    @property
    def variance(self) -> float:
        return self.m2 / (self.n - 1) if self.n > 1 else math.nan


class Summary:
    """Accumulates per-replication KPI tables into the summary contract."""

    def __init__(self, variant: str) -> None:
        self.variant = variant
        self._stats: dict[Key, Running] = {}

    def add(self, kpis: pl.DataFrame) -> None:
        """Fold in one replication's ``year, area, group, kpi, value`` table."""
        for year, area, group, kpi, value in kpis.iter_rows():
            key = (self.variant, int(year), str(area), str(group), str(kpi))
            running = self._stats.setdefault(key, Running())
            if value is not None and not math.isnan(value):
                running.add(float(value))

    def table(self, level: float = LEVEL) -> pl.DataFrame:
        """``variant, year, area, group, kpi, mean, ci_low, ci_high, reps``; interval ends
        clipped to what the KPI can be (``analytics/limits.py``)."""
        rows = []
        for key in sorted(self._stats):
            r = self._stats[key]
            mean = r.mean if r.n else math.nan
            low, high = clip_interval(key[4], *t_interval(mean, r.variance, r.n, level))
            rows.append((*key, mean, low, high, r.n))
        return pl.DataFrame(rows, schema=SUMMARY_SCHEMA, orient="row")

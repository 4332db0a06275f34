"""One replication: draw, run the engine, reduce to KPIs (and optionally keep the records)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from fmssim.analytics.dispatch import dispatch_kpis
from fmssim.analytics.tables import incident_table
from fmssim.experiment.engines import ENGINES
from fmssim.model.draws import draw
from fmssim.model.inputs import Inputs
from fmssim.report.files import atomic_parquet


@dataclass(frozen=True)
class Task:
    """Everything a worker process needs for one replication (picklable)."""

    inputs: Inputs
    replication: int
    engine: str
    records_dir: Path | None = None


def run_replication(task: Task) -> pl.DataFrame:
    """The replication's KPI table; its incident records go to ``records_dir`` if given."""
    inputs = task.inputs
    draws = draw(inputs, task.replication)
    outcome = ENGINES[task.engine](inputs, draws)
    records = incident_table(inputs, draws, outcome)
    if task.records_dir is not None:
        target = task.records_dir / "incidents" / f"rep={task.replication:05d}.parquet"
        atomic_parquet(records, target)
    return dispatch_kpis(records, inputs.grid.year_bounds_min, inputs.grid.year_labels)

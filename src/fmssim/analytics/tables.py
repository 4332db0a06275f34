"""Engine output as long, typed record tables with units in the column names."""

from __future__ import annotations

import numpy as np
import polars as pl

from fmssim.engine.records import Outcome
from fmssim.model.draws import Draws
from fmssim.model.inputs import Inputs


def incident_table(inputs: Inputs, draws: Draws, outcome: Outcome) -> pl.DataFrame:
    """One row per incident of one replication."""
    d = draws.incidents
    grades = inputs.grades
    pool_names = [*inputs.pools.names, ""]
    return pl.DataFrame(
        {
            "rep": pl.Series(np.full(len(d), draws.replication), dtype=pl.Int32),
            "incident": pl.Series(np.arange(len(d)), dtype=pl.Int64),
            "grade": pl.Series(grades.names, dtype=pl.String).gather(d.grade),
            "pool": pl.Series(pool_names, dtype=pl.String).gather(grades.pool[d.grade]),
            "target_min": grades.target_min[d.grade],
            "created_min": d.created_min,
            "assigned_min": outcome.assigned_min,
            "arrived_min": outcome.arrived_min,
            "cleared_min": outcome.cleared_min,
            "free_min": outcome.free_min,
        }
    ).with_columns(
        wait_min=pl.col("assigned_min") - pl.col("created_min"),
        response_min=pl.col("arrived_min") - pl.col("created_min"),
    )

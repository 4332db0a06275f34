"""Chunks of replications: run them anywhere, keep each finished one as a file of its own.

A chunk's result is the long per-replication table ``variant, replication, year, area,
group, kpi, value``. It is written atomically (temporary file, then rename) by the process
that collects results, so a sweep killed at any instant leaves only whole chunk files, and
``--resume`` runs exactly the chunks that have none.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from fmssim.analytics.distribution import response_distribution
from fmssim.experiment.plan import Chunk, Plan
from fmssim.experiment.replication import Task, run_replication
from fmssim.model.inputs import Inputs
from fmssim.report.files import atomic_parquet

CHUNK_FOLDER = "chunks"
REPLICATION_SCHEMA = {
    "variant": pl.String,
    "replication": pl.Int32,
    "year": pl.Int32,
    "area": pl.String,
    "group": pl.String,
    "kpi": pl.String,
    "value": pl.Float64,
}


@dataclass(frozen=True)
class ChunkTask:
    """What a worker (a local process or a Dask worker) needs to run one chunk (picklable)."""

    chunk: Chunk
    variant: str
    inputs: Inputs
    engine: str


def run_chunk(task: ChunkTask) -> pl.DataFrame:
    """The chunk's replications, one after the other, as one long table."""
    parts = []
    for rep in range(task.chunk.start, task.chunk.stop):
        kpis = run_replication(Task(task.inputs, rep, task.engine, more_kpis=sweep_kpis))
        parts.append(
            kpis.select(
                pl.lit(task.variant).alias("variant"),
                pl.lit(rep, pl.Int32).alias("replication"),
                pl.col("year").cast(pl.Int32),
                pl.col("area").cast(pl.String),
                pl.col("group").cast(pl.String),
                pl.col("kpi").cast(pl.String),
                pl.col("value").cast(pl.Float64),
            )
        )
    return pl.concat(parts) if parts else pl.DataFrame(schema=REPLICATION_SCHEMA)


def sweep_kpis(inputs: Inputs, tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """What a sweep adds to ``fmssim run``'s KPIs: response-time distributions per grade."""
    grid = inputs.grid
    return response_distribution(tables["incidents"], grid.year_bounds_min, grid.year_labels)


def save_chunk(folder: Path, chunk: Chunk, table: pl.DataFrame) -> None:
    """Keep a finished chunk (atomically: a reader sees the whole file or none)."""
    atomic_parquet(table, folder / CHUNK_FOLDER / chunk.file_name)


def finished(folder: Path, plan: Plan) -> set[Chunk]:
    """The plan's chunks that already have their file in ``folder``."""
    present = {p.name for p in (folder / CHUNK_FOLDER).glob("*.parquet")}
    return {c for c in plan.chunks() if c.file_name in present}


def read_replications(folder: Path, plan: Plan) -> pl.DataFrame:
    """Every chunk of the plan, arm by arm in replication order (all must be finished)."""
    tables = [pl.read_parquet(folder / CHUNK_FOLDER / c.file_name) for c in plan.chunks()]
    if not tables:
        return pl.DataFrame(schema=REPLICATION_SCHEMA)
    return pl.concat(tables).rechunk()

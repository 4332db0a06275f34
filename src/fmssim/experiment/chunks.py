"""Chunks of replications: run them anywhere, keep each finished one as a file of its own.

A chunk's result is the long per-replication table ``variant, replication, year, area,
group, kpi, value``. It is written atomically (temporary file, then rename) by the process
that collects results, then its seal: ``NAME.json`` beside it, holding the plan's identity
(scenario hashes, seed, replications, chunking), the chunk's variant and replications, and
the SHA-256 of the Parquet file. ``--resume`` keeps only a chunk whose seal matches the plan
and whose bytes and rows check out (the right variant, each of its replications once, no
duplicate rows); any other is named and run again, never merged.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from fmssim.analytics.distribution import response_distribution
from fmssim.experiment.plan import Chunk, Plan
from fmssim.experiment.replication import Task, run_replication
from fmssim.model.inputs import Inputs
from fmssim.report.files import atomic_parquet, atomic_text

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


def save_chunk(folder: Path, plan: Plan, chunk: Chunk, table: pl.DataFrame) -> None:
    """Keep a finished chunk, then its seal (a reader sees each whole file or none)."""
    path = folder / CHUNK_FOLDER / chunk.file_name
    atomic_parquet(table, path)
    seal = _seal(plan, chunk) | {"sha256": _digest(path)}
    atomic_text(path.with_suffix(".json"), json.dumps(seal, indent=2) + "\n")


def _seal(plan: Plan, chunk: Chunk) -> dict[str, object]:
    return {
        "plan": plan.identity,
        "seed": plan.seed,
        "replications": plan.replications,
        "variant": plan.arms[chunk.arm].name,
        "scenario_sha256": plan.hashes[chunk.arm] if plan.hashes else "",
        "start": chunk.start,
        "stop": chunk.stop,
    }


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def finished(folder: Path, plan: Plan) -> tuple[set[Chunk], dict[str, str]]:
    """The plan's chunks whose file in ``folder`` passes its check, and why others failed
    (file name → reason). A chunk with no file at all is neither."""
    good: set[Chunk] = set()
    failed: dict[str, str] = {}
    for chunk in plan.chunks():
        path = folder / CHUNK_FOLDER / chunk.file_name
        if not path.exists() and not path.with_suffix(".json").exists():
            continue
        problem = check_chunk(path, plan, chunk)
        if problem is None:
            good.add(chunk)
        else:
            failed[chunk.file_name] = problem
    return good, failed


def check_chunk(path: Path, plan: Plan, chunk: Chunk) -> str | None:
    """Why the chunk file at ``path`` cannot be used for ``chunk`` of ``plan`` (None: it can)."""
    try:
        seal = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        digest = _digest(path)
    except FileNotFoundError:
        return "it has no seal (not written by this sweep)"
    except (OSError, ValueError):
        return "its seal is damaged"
    if not isinstance(seal, dict):
        return "its seal is damaged"
    expected = _seal(plan, chunk)
    wrong = [k for k, v in expected.items() if seal.get(k) != v]
    if wrong:
        return "it belongs to another sweep (" + ", ".join(sorted(wrong)) + " differ)"
    if seal.get("sha256") != digest:
        return "its content changed since it was written"
    return _check_rows(path, plan.arms[chunk.arm].name, chunk)


def _check_rows(path: Path, variant: str, chunk: Chunk) -> str | None:
    try:
        table = pl.read_parquet(path)
    except Exception:
        return "it cannot be read (damaged)"
    if dict(table.schema) != REPLICATION_SCHEMA:
        return "its columns are not a chunk's"
    if table["variant"].unique().to_list() != [variant]:
        return f"its rows are not all of variant {variant}"
    if sorted(table["replication"].unique().to_list()) != list(range(chunk.start, chunk.stop)):
        return f"it does not hold exactly replications {chunk.start} to {chunk.stop - 1}"
    key = ["replication", "year", "area", "group", "kpi"]
    if table.select(key).is_duplicated().any():
        return "it holds duplicate rows"
    return None


def read_replications(folder: Path, plan: Plan) -> pl.DataFrame:
    """Every chunk of the plan, arm by arm in replication order (all must be finished).

    Raises ``ValueError`` if the whole does not hold each replication of each arm once.
    """
    tables = [pl.read_parquet(folder / CHUNK_FOLDER / c.file_name) for c in plan.chunks()]
    if not tables:
        return pl.DataFrame(schema=REPLICATION_SCHEMA)
    reps = pl.concat(tables).rechunk()
    counted = reps.select("variant", "replication").unique().height
    if counted != len(plan.arms) * plan.replications:
        raise ValueError(
            f"the chunks hold {counted} replications, the plan has "
            f"{len(plan.arms) * plan.replications}"
        )
    return reps

"""Sweeps: several variants × replications, run in chunks on any executor, resumable.

The sweep folder holds ``plan.json`` (written first), ``chunks/`` (one Parquet file per
finished chunk) and, once every chunk is finished, the results: ``replications.parquet``
(every KPI of every replication of every variant), ``summary.csv``/``.parquet`` (the run
summary's columns, one block per variant), ``comparison.csv``/``.parquet`` (paired
differences to the reference variant), ``variants.csv``, ``scenario.resolved.yaml`` (the
reference variant) and ``manifest.json``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from fmssim.analytics.paired import paired_comparison
from fmssim.experiment.chunks import (
    CHUNK_FOLDER,
    ChunkTask,
    finished,
    read_replications,
    run_chunk,
    save_chunk,
)
from fmssim.experiment.engines import Choice, choose_engine
from fmssim.experiment.executors import Executor, LocalExecutor
from fmssim.experiment.plan import Arm, Plan, load_arms, make_plan
from fmssim.experiment.summary import Summary
from fmssim.model.compile import compile_scenario
from fmssim.report.files import atomic_csv, atomic_parquet, atomic_text
from fmssim.report.runfolder import Manifest, resolved_yaml
from fmssim.scenario.errors import ScenarioError

PLAN_FILE = "plan.json"
REPORT_FILE = "report.html"
"""``fmssim report``'s default file: removed when a sweep (re)starts in the folder."""
Progress = Callable[[int, int], None]
"""Called with (replications done, replications in all), counting resumed ones as done."""


@dataclass(frozen=True)
class SweepResult:
    """A finished sweep's tables and how it ran."""

    plan: Plan
    replications: pl.DataFrame
    """``variant, replication, year, area, group, kpi, value``."""
    summary: pl.DataFrame
    """The run summary's columns, for every variant."""
    comparison: pl.DataFrame
    """Paired differences of each variant to the reference (the first arm)."""
    engines: tuple[Choice, ...]
    resumed_chunks: int
    """Chunks found finished and not run again."""
    ran_chunks: int


def run_sweep(
    path: Path,
    arms: Sequence[Arm],
    folder: Path,
    sets: Sequence[str] = (),
    executor: Executor | None = None,
    resume: bool = False,
    chunk: int | None = None,
    progress: Progress | None = None,
) -> SweepResult:
    """Run every chunk of every arm not finished yet, then write the results to ``folder``.

    The first arm is the reference of the paired comparison. Seed, replications and engine
    come from the scenario (command-line overrides included in ``sets``).
    """
    loaded = load_arms(path, arms, sets)
    plan = make_plan(path, arms, loaded, chunk)
    _claim(folder, plan, resume)
    (folder / REPORT_FILE).unlink(missing_ok=True)  # it would describe the earlier results
    inputs = [compile_scenario(s.scenario) for s in loaded]
    engines = tuple(choose_engine(i, plan.engine) for i in inputs)
    done = finished(folder, plan) if resume else set()
    todo = [c for c in plan.chunks() if c not in done]
    tasks = [ChunkTask(c, arms[c.arm].name, inputs[c.arm], engines[c.arm].name) for c in todo]
    total = plan.replications * len(arms)
    count = sum(c.stop - c.start for c in done)
    if progress is not None:
        progress(count, total)
    for index, table in (executor or LocalExecutor()).map_unordered(run_chunk, tasks):
        save_chunk(folder, todo[index], table)
        count += todo[index].stop - todo[index].start
        if progress is not None:
            progress(count, total)
    reps = read_replications(folder, plan)
    summary = summarise(reps, [a.name for a in arms])
    comparison = paired_comparison(reps, arms[0].name)
    result = SweepResult(plan, reps, summary, comparison, engines, len(done), len(todo))
    _write_results(folder, result, loaded[0].document, executor or LocalExecutor())
    return result


def summarise(reps: pl.DataFrame, variants: Sequence[str]) -> pl.DataFrame:
    """The run summary of each variant: Welford in replication order, as ``fmssim run`` does.

    So a variant's block is bit-identical to ``fmssim run --variant`` with the same seed
    (plus the ``response_distribution`` area, which only sweeps compute).
    """
    parts = []
    for name in variants:
        summary = Summary(name)
        mine = reps.filter(pl.col("variant") == name)
        for (_,), rep in mine.partition_by(
            ["replication"], maintain_order=True, as_dict=True
        ).items():
            summary.add(rep.select("year", "area", "group", "kpi", "value"))
        parts.append(summary.table())
    return pl.concat(parts)


def _claim(folder: Path, plan: Plan, resume: bool) -> None:
    """Make ``folder`` this sweep's: a resume must find the same plan; a fresh run starts empty."""
    plan_file = folder / PLAN_FILE
    for partial in (folder / CHUNK_FOLDER).glob(".*.tmp"):  # a chunk being written when killed
        partial.unlink()
    if resume and plan_file.exists():
        earlier = Plan.from_json(plan_file.read_text(encoding="utf-8"))
        changes = plan.differences(earlier)
        if changes:
            message = "cannot resume a different sweep: " + "; ".join(changes)
            raise ScenarioError(str(plan_file), 0, "plan", message)
        return
    ours = plan_file.exists() or (folder / "manifest.json").exists()
    if folder.exists() and any(folder.iterdir()) and not ours:
        message = "exists and is not an fmssim sweep folder; choose another --out"
        raise ScenarioError(str(folder), 0, "--out", message)
    folder.mkdir(parents=True, exist_ok=True)
    if not resume:
        for stale in (folder / CHUNK_FOLDER).glob("*.parquet"):
            stale.unlink()
    atomic_text(plan_file, plan.as_json())


def _write_results(
    folder: Path, result: SweepResult, document: dict[str, object], executor: Executor
) -> None:
    plan = result.plan
    atomic_parquet(result.replications, folder / "replications.parquet")
    atomic_csv(result.summary, folder / "summary.csv")
    atomic_parquet(result.summary, folder / "summary.parquet")
    atomic_csv(result.comparison, folder / "comparison.csv")
    atomic_parquet(result.comparison, folder / "comparison.parquet")
    variants = pl.DataFrame(
        {
            "variant": [a.name for a in plan.arms],
            "scenario_variant": [a.variant or "" for a in plan.arms],
            "set": ["; ".join(a.sets) for a in plan.arms],
            "engine": [e.name for e in result.engines],
            "scenario_sha256": list(plan.hashes),
        }
    )
    atomic_csv(variants, folder / "variants.csv")
    atomic_text(folder / "scenario.resolved.yaml", resolved_yaml(document))
    notes = sorted({e.note for e in result.engines if e.note})
    manifest = Manifest(
        scenario=plan.scenario,
        variant=plan.arms[0].name,
        scenario_sha256=plan.hashes[0],
        seed=plan.seed,
        replications=plan.replications,
        engine=",".join(sorted({e.name for e in result.engines})),
        engine_note="; ".join(notes),
        workers=0,
    ).as_dict()
    manifest.pop("workers")
    manifest |= {
        "kind": "sweep",
        "variants": [a.name for a in plan.arms],
        "reference": plan.arms[0].name,
        "chunk": plan.chunk,
        "executor": executor.description,
        "resumed_chunks": result.resumed_chunks,
    }
    atomic_text(folder / "manifest.json", json.dumps(manifest, indent=2) + "\n")

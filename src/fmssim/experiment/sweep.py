"""Sweeps: several variants × replications, run in chunks on any executor, resumable.

A sweep is a transaction on its folder: it holds the folder's lock while it runs, works in a
staging folder beside it (``.NAME.sweep-partial``) and replaces the folder only when every
chunk is finished and every result written; ``--resume`` continues that staging folder (or
the finished folder's chunks), keeping only chunks that pass their check
(:func:`fmssim.experiment.chunks.check_chunk`).

The finished folder holds ``plan.json``, ``chunks/`` (one Parquet file per chunk and its
seal), ``replications.parquet`` (every KPI of every replication of every variant),
``summary.csv``/``.parquet`` (the run summary's columns, one block per variant),
``comparison.csv``/``.parquet`` (paired differences to the reference variant),
``variants.csv``, ``scenario.resolved.yaml`` (the reference variant) and ``manifest.json``.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from fmssim.analytics.investigation import backlog_warnings
from fmssim.analytics.paired import paired_comparison
from fmssim.analytics.pools import overload_warnings
from fmssim.experiment.budget import check_memory
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
from fmssim.experiment.runner import incidents_per_pool
from fmssim.experiment.summary import Summary
from fmssim.model.capacity import capacity_warnings
from fmssim.model.compile import compile_scenario
from fmssim.model.inputs import Inputs
from fmssim.report.files import atomic_csv, atomic_parquet, atomic_text
from fmssim.report.folders import folder_lock, staging_path, swap_in
from fmssim.report.runfolder import Manifest, resolved_yaml
from fmssim.scenario.errors import ScenarioError
from fmssim.scenario.loader import LoadedScenario

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
    rejected: tuple[tuple[str, str], ...] = ()
    """Chunk files found on resume that failed their check (name, why), run again."""
    warnings: tuple[str, ...] = ()
    """Signs the results need care (an unused pool, a pool that cannot keep up), per arm."""


def run_sweep(
    path: Path,
    arms: Sequence[Arm],
    folder: Path,
    sets: Sequence[str] = (),
    executor: Executor | None = None,
    resume: bool = False,
    chunk: int | None = None,
    progress: Progress | None = None,
    loaded: Sequence[LoadedScenario] | None = None,
) -> SweepResult:
    """Run every chunk of every arm not finished yet, then write the results to ``folder``.

    The first arm is the reference of the paired comparison. Seed, replications and engine
    come from the scenario (command-line overrides included in ``sets``). ``loaded``: the
    arms already loaded with :func:`load_arms` (so a caller can refuse bad input first).
    """
    loaded = loaded if loaded is not None else load_arms(path, arms, sets)
    plan = make_plan(path, arms, loaded, chunk)
    executor = executor or LocalExecutor()
    with folder_lock(folder):
        staging = _claim(folder, plan, resume)
        (staging / REPORT_FILE).unlink(missing_ok=True)  # it would describe the earlier results
        inputs = [compile_scenario(s.scenario) for s in loaded]
        for compiled in inputs:
            check_memory(compiled, getattr(executor, "workers", 1), path.name)
        engines = tuple(choose_engine(i, plan.engine) for i in inputs)
        done, failed = finished(staging, plan) if resume else (set(), {})
        todo = [c for c in plan.chunks() if c not in done]
        tasks = [ChunkTask(c, arms[c.arm].name, inputs[c.arm], engines[c.arm].name) for c in todo]
        total = plan.replications * len(arms)
        count = sum(c.stop - c.start for c in done)
        if progress is not None:
            progress(count, total)
        for index, table in executor.map_unordered(run_chunk, tasks):
            save_chunk(staging, plan, todo[index], table)
            count += todo[index].stop - todo[index].start
            if progress is not None:
                progress(count, total)
        reps = read_replications(staging, plan)
        summary = summarise(reps, [a.name for a in arms])
        comparison = paired_comparison(reps, arms[0].name)
        result = SweepResult(
            plan,
            reps,
            summary,
            comparison,
            engines,
            len(done),
            len(todo),
            tuple(sorted(failed.items())),
            _warnings(arms, loaded, inputs, summary),
        )
        _write_results(staging, result, loaded[0].document, executor)
        swap_in(staging, folder)
    return result


def _warnings(
    arms: Sequence[Arm],
    loaded: Sequence[LoadedScenario],
    inputs: Sequence[Inputs],
    summary: pl.DataFrame,
) -> tuple[str, ...]:
    """Each arm's warnings (as ``fmssim run`` gives them), once each, naming the arm."""
    found: dict[str, None] = {}
    for arm, scenario, compiled in zip(arms, loaded, inputs, strict=True):
        mine = summary.filter(pl.col("variant") == arm.name).drop("variant")
        after = overload_warnings(mine, incidents_per_pool(mine, compiled))
        lines = (*scenario.warnings, *capacity_warnings(compiled), *after)
        for line in (*lines, *backlog_warnings(mine)):
            found[line.replace("warning: ", f"warning: {arm.name}: ", 1)] = None
    return tuple(found)


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


def _claim(folder: Path, plan: Plan, resume: bool) -> Path:
    """The staging folder for ``plan``'s work on ``folder``: continued on a resume of the
    same plan (refused for another plan), else new and empty but for ``plan.json``."""
    if folder.exists() and (not folder.is_dir() or _foreign(folder)):
        message = "exists and is not an fmssim sweep folder; choose another --out"
        raise ScenarioError(str(folder), 0, "--out", message)
    staging = staging_path(folder, "sweep")
    if resume and (staging / PLAN_FILE).exists():
        _same_plan(staging / PLAN_FILE, plan)
        for partial in (staging / CHUNK_FOLDER).glob(".*.tmp"):  # being written when killed
            partial.unlink()
        return staging
    continued = resume and (folder / PLAN_FILE).exists()
    if continued:
        _same_plan(folder / PLAN_FILE, plan)
    shutil.rmtree(staging, ignore_errors=True)
    (staging / CHUNK_FOLDER).mkdir(parents=True)
    if continued:  # a finished sweep's chunks (checked like any others)
        for kept in (folder / CHUNK_FOLDER).glob("[!.]*.*"):
            _link_or_copy(kept, staging / CHUNK_FOLDER / kept.name)
    atomic_text(staging / PLAN_FILE, plan.as_json())
    return staging


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _foreign(folder: Path) -> bool:
    ours = (folder / PLAN_FILE).exists() or (folder / "manifest.json").exists()
    return not ours and any(folder.iterdir())


def _same_plan(plan_file: Path, plan: Plan) -> None:
    """Refuse to resume ``plan_file``'s sweep with a different plan, saying what changed."""
    try:
        earlier = Plan.from_json(plan_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        message = "is damaged; run again without --resume to start afresh"
        raise ScenarioError(str(plan_file), 0, "plan", message) from None
    changes = plan.differences(earlier)
    if changes:
        message = "cannot resume a different sweep: " + "; ".join(changes)
        raise ScenarioError(str(plan_file), 0, "plan", message)


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
        "warnings": list(result.warnings),
    }
    atomic_text(folder / "manifest.json", json.dumps(manifest, indent=2) + "\n")

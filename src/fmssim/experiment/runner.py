"""Running replications sequentially or on local processes, with identical results."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from fmssim.analytics.investigation import backlog_warnings
from fmssim.analytics.pools import overload_warnings
from fmssim.experiment.budget import check_memory
from fmssim.experiment.engines import Choice, choose_engine
from fmssim.experiment.executors import die_with_parent
from fmssim.experiment.replication import Task, run_replication
from fmssim.experiment.summary import Summary
from fmssim.model.capacity import capacity_warnings
from fmssim.model.compile import compile_scenario
from fmssim.model.inputs import Inputs
from fmssim.report.runfolder import Manifest, scenario_hash, write_run_folder
from fmssim.scenario.loader import LoadedScenario

Progress = Callable[[int, int], None]
"""Called with (replications done, replications in all)."""


@dataclass(frozen=True)
class RunResult:
    """The summary table and how it was produced."""

    summary: pl.DataFrame
    engine: Choice
    manifest: Manifest
    folder: Path | None
    warnings: tuple[str, ...] = ()
    """Signs the results need care (an overloaded pool), one line each."""
    replications: pl.DataFrame | None = None
    """Every KPI of every replication (``variant, replication, year, area, group, kpi,
    value``) when asked for (``keep_replications``)."""


def run_experiment(
    loaded: LoadedScenario,
    workers: int = 1,
    out_dir: Path | None = None,
    progress: Progress | None = None,
    keep_replications: bool = False,
) -> RunResult:
    """Run every replication of ``loaded`` and summarise; write a run folder if asked.

    Seed, replications, engine and records come from the scenario's ``experiment`` section
    (the command line sets them as overrides). ``keep_replications`` also returns every
    replication's KPIs (memory grows with the replications; the summary does not).
    """
    scenario = loaded.scenario
    experiment = scenario.experiment
    inputs = compile_scenario(scenario)
    check_memory(inputs, workers, loaded.path.name)
    choice = choose_engine(inputs, experiment.engine)
    records_dir = out_dir / "records" if (out_dir is not None and experiment.records) else None
    tasks = (Task(inputs, rep, choice.name, records_dir) for rep in range(experiment.replications))
    summary = Summary(loaded.variant)
    kept: list[pl.DataFrame] = []
    for done, kpis in enumerate(_in_order(tasks, workers), start=1):
        summary.add(kpis)
        if keep_replications:
            kept.append(_labelled(kpis, loaded.variant, done - 1))
        if progress is not None:
            progress(done, experiment.replications)
    manifest = Manifest(
        scenario=str(loaded.path),
        variant=loaded.variant,
        scenario_sha256=scenario_hash(loaded.document),
        seed=experiment.seed,
        replications=experiment.replications,
        engine=choice.name,
        engine_note=choice.note,
        workers=workers,
    )
    table = summary.table()
    warnings = (*loaded.warnings, *capacity_warnings(inputs))
    warnings += tuple(overload_warnings(table, incidents_per_pool(table, inputs)))
    warnings += tuple(backlog_warnings(table))
    if out_dir is not None:
        write_run_folder(out_dir, loaded.document, manifest, table, warnings)
    reps = pl.concat(kept) if kept else None
    return RunResult(table, choice, manifest, out_dir, warnings, reps)


def _labelled(kpis: pl.DataFrame, variant: str, replication: int) -> pl.DataFrame:
    """One replication's KPIs in the sweeps' long per-replication layout."""
    return kpis.select(
        pl.lit(variant).alias("variant"),
        pl.lit(replication, pl.Int32).alias("replication"),
        pl.col("year").cast(pl.Int32),
        pl.col("area").cast(pl.String),
        pl.col("group").cast(pl.String),
        pl.col("kpi").cast(pl.String),
        pl.col("value").cast(pl.Float64),
    )


def _in_order(tasks: Iterator[Task], workers: int) -> Iterator[pl.DataFrame]:
    """Results in replication order; at most ``2 × workers`` replications in flight."""
    if workers <= 1:
        yield from map(run_replication, tasks)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    ) as pool:
        window: list[Future[pl.DataFrame]] = []
        for task in tasks:
            window.append(pool.submit(run_replication, task))
            if len(window) >= 2 * workers:
                yield window.pop(0).result()
        for future in window:
            yield future.result()


def incidents_per_pool(summary: pl.DataFrame, inputs: Inputs) -> dict[str, float]:
    """Mean incidents a year attended by each dispatch pool (from the summary's grades)."""
    g = inputs.grades
    pool_of = {
        name: inputs.pools.names[k] for name, k in zip(g.names, g.pool, strict=True) if k >= 0
    }
    counts = summary.filter(pl.col("area") == "dispatch", pl.col("kpi") == "incidents")
    per_pool: dict[str, float] = {}
    years = max(counts["year"].n_unique(), 1)
    for row in counts.iter_rows(named=True):
        pool = pool_of.get(row["group"])
        if pool is not None:
            per_pool[pool] = per_pool.get(pool, 0.0) + row["mean"] / years
    return per_pool

"""The Python interface for analysts (notebooks, scripts): the command line's twin.

``load`` a scenario (a file or a dict), ``run`` it, or ``compare`` variants of it; results are
polars DataFrames in the same long layout as the files of a run folder, nothing is written to
disk unless asked (``save``, ``folder=``). ``fmssim run`` calls :func:`run` and
:meth:`RunResult.save`, so both give the same summary to the bit.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from fmssim.scenario.loader import LoadedScenario, load_document, load_scenario

Source = str | Path | Mapping[str, Any] | LoadedScenario
"""A scenario file, a scenario as plain data, or a scenario :func:`load` returned."""
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RunResult:
    """One scenario run: its summary, every replication's KPIs, and its warnings."""

    scenario: LoadedScenario
    """The scenario as run (experiment options applied): ``.scenario`` the validated model,
    ``.document`` the resolved plain data."""
    summary: pl.DataFrame
    """``variant, year, area, group, kpi, mean, ci_low, ci_high, reps, censored``: means
    over replications with 95% intervals (ends clipped to what the KPI can be); ``censored``
    marks statistics of an overloaded pool or department (not results)."""
    replications: pl.DataFrame
    """``variant, replication, year, area, group, kpi, value``: every KPI of every
    replication."""
    warnings: tuple[str, ...]
    """Signs the results need care (overload, censored statistics), one line each."""
    engine: str
    """The engine that ran it (``des`` or ``fast``)."""
    engine_note: str
    """Why that engine, when ``auto`` chose (empty otherwise)."""
    manifest: dict[str, Any]
    """What the run was (seed, replications, engine, package versions)."""

    def save(self, folder: str | Path) -> Path:
        """Write the run folder (as ``fmssim run --out folder`` does) and return its path."""
        from fmssim.report.files import atomic_parquet
        from fmssim.report.runfolder import write_run_folder

        target = Path(folder)
        write_run_folder(target, self.scenario.document, self._manifest(), self._plain_summary())
        atomic_parquet(self.replications, target / "replications.parquet")
        return target

    def _plain_summary(self) -> pl.DataFrame:
        return self.summary.drop("censored")

    def _manifest(self) -> Any:
        from fmssim.report.runfolder import Manifest

        fields = {k: v for k, v in self.manifest.items() if k in Manifest.__dataclass_fields__}
        return Manifest(**fields)


@dataclass(frozen=True)
class Comparison:
    """Variants of a scenario, run on common random numbers, and their paired differences."""

    differences: pl.DataFrame
    """``variant, reference, year, area, group, kpi, reference_mean, mean, difference,
    ci_low, ci_high, unpaired_ci_low, unpaired_ci_high, pairs, censored``: each variant
    minus the reference (the first), replication by replication, with 95% intervals."""
    summary: pl.DataFrame
    """Each variant's summary (the layout of :attr:`RunResult.summary`)."""
    replications: pl.DataFrame
    """Every KPI of every replication of every variant."""
    warnings: tuple[str, ...]
    """Overload warnings, each prefixed by its variant."""
    folder: Path | None
    """The sweep folder written, when ``folder=`` was given."""


def load(
    source: Source,
    variant: str | None = None,
    sets: Sequence[str] = (),
) -> LoadedScenario:
    """A validated scenario from a YAML file or a dict (as the YAML would read).

    ``variant`` applies one of the scenario's named variants; ``sets`` are overrides as on
    the command line (``"pools.response.roster.on_duty=9"``). A scenario ``load`` returned
    before can be given again: the variant and overrides apply on top of it. Raises
    :class:`fmssim.scenario.ScenarioError` with the file, line and dotted key of the first
    problem.
    """
    if isinstance(source, LoadedScenario):
        again = load_document(source.document, variant, sets, name=source.path.name)
        return LoadedScenario(again.scenario, again.document, source.path, again.variant)
    if isinstance(source, Mapping):
        return load_document(source, variant=variant, sets=sets)
    return load_scenario(source, variant=variant, sets=sets)


def run(
    scenario: Source,
    reps: int | None = None,
    seed: int | None = None,
    engine: str | None = None,
    workers: int = 1,
    progress: Progress | None = None,
    records: bool | None = None,
    folder: str | Path | None = None,
) -> RunResult:
    """Run every replication of ``scenario`` and summarise.

    ``reps``, ``seed``, ``engine`` (``auto``, ``des``, ``fast``) and ``records`` override
    the scenario's ``experiment`` section; ``workers`` local processes give the same numbers
    as one; ``progress`` is called with (replications done, in all). No file is written
    unless ``folder`` is given: then the run folder ``fmssim run --out`` writes (with every
    incident record when ``records``). :meth:`RunResult.save` writes one later.
    """
    from fmssim.analytics.censoring import grade_pools, mark_censored, overload_flags
    from fmssim.experiment import run_experiment

    loaded = _with_experiment(_loaded(scenario), reps, seed, engine, records)
    out_dir = Path(folder) if folder is not None else None
    result = run_experiment(
        loaded, workers=workers, out_dir=out_dir, progress=progress, keep_replications=True
    )
    assert result.replications is not None
    flags = overload_flags(result.summary, grade_pools(loaded.document))
    return RunResult(
        scenario=loaded,
        summary=mark_censored(result.summary, flags),
        replications=result.replications,
        warnings=result.warnings,
        engine=result.engine.name,
        engine_note=result.engine.note,
        manifest=result.manifest.as_dict(),
    )


def compare(
    scenario: Source,
    variants: Sequence[str],
    reps: int | None = None,
    seed: int | None = None,
    engine: str | None = None,
    sets: Sequence[str] = (),
    workers: int = 1,
    folder: str | Path | None = None,
    progress: Progress | None = None,
) -> Comparison:
    """Run named ``variants`` of ``scenario`` (``"base"``: as written; the first is the
    reference) on common random numbers and take paired differences.

    ``scenario`` is a file, a dict or a scenario :func:`load` returned (its overrides kept,
    each variant applied on top). Nothing is written unless ``folder`` is given: then it is
    a resumable sweep folder, as ``fmssim compare --out folder`` writes (a file only).
    """
    from fmssim.experiment.plan import variant_arms

    arms = variant_arms(list(variants))
    extra = [*sets, *_experiment_sets(reps, seed, engine)]
    if folder is not None:
        return _compare_on_disk(scenario, arms, extra, workers, Path(folder), progress)
    return _compare_in_memory(scenario, arms, extra, workers, progress)


def _compare_in_memory(
    scenario: Source,
    arms: Sequence[Any],
    sets: Sequence[str],
    workers: int,
    progress: Progress | None,
) -> Comparison:
    from fmssim.analytics.paired import paired_comparison
    from fmssim.experiment.chunks import ChunkTask, run_chunk
    from fmssim.experiment.engines import choose_engine
    from fmssim.experiment.executors import LocalExecutor
    from fmssim.experiment.plan import make_plan
    from fmssim.experiment.sweep import summarise
    from fmssim.model.compile import compile_scenario

    loaded = [load(scenario, a.variant, [*sets, *a.sets]) for a in arms]
    plan = make_plan(loaded[0].path, arms, loaded, None)
    inputs = [compile_scenario(s.scenario) for s in loaded]
    engines = [choose_engine(i, plan.engine).name for i in inputs]
    chunks = plan.chunks()
    tasks = [ChunkTask(c, arms[c.arm].name, inputs[c.arm], engines[c.arm]) for c in chunks]
    tables: dict[int, pl.DataFrame] = {}
    done, total = 0, plan.replications * len(arms)
    for index, table in LocalExecutor(workers).map_unordered(run_chunk, tasks):
        tables[index] = table
        done += chunks[index].stop - chunks[index].start
        if progress is not None:
            progress(done, total)
    replications = pl.concat([tables[i] for i in range(len(chunks))])
    summary = summarise(replications, [a.name for a in arms])
    differences = paired_comparison(replications, arms[0].name)
    return _comparison(loaded[0], summary, differences, replications, None)


def _compare_on_disk(
    scenario: Source,
    arms: Sequence[Any],
    sets: Sequence[str],
    workers: int,
    folder: Path,
    progress: Progress | None,
) -> Comparison:
    from fmssim.experiment.executors import LocalExecutor
    from fmssim.experiment.sweep import run_sweep

    if isinstance(scenario, Mapping | LoadedScenario):
        raise TypeError("compare(folder=...) needs a scenario file")
    result = run_sweep(
        Path(scenario), arms, folder, sets, LocalExecutor(workers), progress=progress
    )
    first = load(scenario, arms[0].variant, [*sets, *arms[0].sets])
    return _comparison(first, result.summary, result.comparison, result.replications, folder)


def _comparison(
    reference: LoadedScenario,
    summary: pl.DataFrame,
    differences: pl.DataFrame,
    replications: pl.DataFrame,
    folder: Path | None,
) -> Comparison:
    from fmssim.analytics.censoring import (
        grade_pools,
        mark_censored,
        overload_flags,
        variant_warnings,
    )

    pools = grade_pools(reference.document)
    flags = overload_flags(summary, pools)
    return Comparison(
        differences=mark_censored(differences, flags),
        summary=mark_censored(summary, flags),
        replications=replications,
        warnings=tuple(variant_warnings(summary, pools)),
        folder=folder,
    )


def _loaded(scenario: Source) -> LoadedScenario:
    return scenario if isinstance(scenario, LoadedScenario) else load(scenario)


def _experiment_sets(reps: int | None, seed: int | None, engine: str | None) -> list[str]:
    given = {"replications": reps, "seed": seed, "engine": engine}
    return [f"experiment.{k}={json.dumps(v)}" for k, v in given.items() if v is not None]


def _with_experiment(
    loaded: LoadedScenario,
    reps: int | None,
    seed: int | None,
    engine: str | None,
    records: bool | None,
) -> LoadedScenario:
    """``loaded`` with the experiment options overridden (re-validated, as ``--set``)."""
    sets = _experiment_sets(reps, seed, engine)
    sets += [] if records is None else [f"experiment.records={json.dumps(records)}"]
    if not sets:
        return loaded
    again = load_document(loaded.document, sets=sets, name=loaded.path.name)
    return LoadedScenario(again.scenario, again.document, loaded.path, loaded.variant)

"""``fmssim compare`` and ``fmssim sweep``: many variants, common random numbers, resumable."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from fmssim.commands.options import (
    cli_sets,
    executor_for,
    flag_results,
    print_table,
    print_warnings,
    result_folder,
    sweep_errors,
    sweep_options,
)

HEADLINE_KPIS = ("attained_share", "answered_within_target_share", "abandoned_share")
"""KPIs ``compare`` shows in its tables (every KPI is in the files and the verdicts)."""


@click.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.argument("names", nargs=-1, metavar="--variants NAME...")
@click.option(
    "--variants",
    "listed",
    is_flag=True,
    help="Followed by the variants to compare; the first is the reference, `base` is the "
    "file as written.",
)
@sweep_options
def compare(scenario: Path, names: tuple[str, ...], listed: bool, **options: Any) -> None:
    """Compare variants of SCENARIO with paired differences (common random numbers).

    Replication r of every variant shares its random numbers, so each KPI's difference to the
    reference variant is taken replication by replication; its 95% interval is printed beside
    the unpaired one, and a verdict line is printed for every KPI whose interval excludes zero.
    """
    from fmssim.cli import BadInput

    if not listed or len(names) < 2:
        raise BadInput("--variants: name at least two variants, e.g. --variants base more_officers")
    from fmssim.experiment.plan import variant_arms

    with sweep_errors():
        result, folder = _sweep(scenario, lambda: variant_arms(names), "compare", options)
    flagged = flag_results(result, folder)
    print_warnings(flagged.warnings)
    if options["format"] != "table":
        print_table(flagged.comparison, options["format"])
    elif not options["quiet"]:
        _print_compare(flagged, _title(result), names[0], folder)
        print_warnings(flagged.warnings, again=True)
    click.echo(f"run folder: {folder}", err=options["quiet"] or options["format"] != "table")


def _print_compare(flagged: Any, title: str, reference: str, folder: Path) -> None:
    from fmssim.report.comparison import print_comparison, print_leader
    from fmssim.report.console import print_headline
    from fmssim.report.uplift import print_uplift_gains

    print_leader(flagged.comparison, flagged.summary, flagged.label)
    print_headline(flagged.summary, title, flagged.label, flagged.year_note)
    print_comparison(flagged.comparison, title, HEADLINE_KPIS, flagged.label)
    print_uplift_gains(flagged.comparison, reference)


@click.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option(
    "--grid",
    "grid",
    required=True,
    multiple=True,
    metavar="KEY=V1,V2,...",
    help="A dotted key and its values; several --grid give every combination.",
)
@click.option("--variant", help="Named variant of the scenario to sweep around.")
@sweep_options
def sweep(scenario: Path, grid: tuple[str, ...], variant: str | None, **options: Any) -> None:
    """Run SCENARIO for every combination of --grid values.

    Results are one long table with a `variant` column (summary.csv, replications.parquet);
    comparison.csv holds paired differences to the first combination.
    """
    from dataclasses import replace

    from fmssim.experiment.plan import grid_arms

    def arms() -> list[Any]:
        return [replace(a, variant=variant) for a in grid_arms(grid)]

    with sweep_errors():
        result, folder = _sweep(scenario, arms, "sweep", options)
    flagged = flag_results(result, folder)
    print_warnings(flagged.warnings)
    if options["format"] != "table":
        print_table(flagged.summary, options["format"])
    elif not options["quiet"]:
        import polars as pl  # here, not at the top: `fmssim validate` starts without polars

        from fmssim.report.console import print_summary

        headline = flagged.summary.filter(pl.col("kpi").is_in(HEADLINE_KPIS))
        engines = ",".join(sorted({e.name for e in result.engines}))
        print_summary(headline, _title(result), engines, flagged.label)
        print_warnings(flagged.warnings, again=True)
    click.echo(f"run folder: {folder}", err=options["quiet"] or options["format"] != "table")


def _sweep(scenario: Path, arms: Any, kind: str, options: dict[str, Any]) -> tuple[Any, Path]:
    """Build the arms, run the sweep with a progress bar, and report engine notes."""
    from fmssim.experiment.plan import load_arms
    from fmssim.experiment.sweep import run_sweep
    from fmssim.report.console import progress_bar

    sets = cli_sets(options["sets"], options["reps"], options["seed"], options["engine"])
    executor = executor_for(options["workers"], options["scheduler"])
    built: Sequence[Any] = arms()
    folder = result_folder(options["out"], scenario, kind, options["resume"])
    loaded = load_arms(scenario, built, sets)  # bad input is refused before the progress bar
    with progress_bar(options["quiet"]) as progress:
        result = run_sweep(
            scenario,
            built,
            folder,
            sets=sets,
            executor=executor,
            resume=options["resume"],
            chunk=options["chunk"],
            progress=progress,
            loaded=loaded,
        )
    for note in sorted({e.note for e in result.engines if e.note}):
        click.echo(note, err=True)
    for warning in result.warnings:
        click.echo(warning, err=True)
    for name, why in result.rejected:
        click.echo(f"resume: chunk {name} is run again: {why}", err=True)
    if result.resumed_chunks:
        click.echo(
            f"resumed: {result.resumed_chunks} chunks were finished already, "
            f"{result.ran_chunks} run now",
            err=True,
        )
    return result, folder


def _title(result: Any) -> str:
    return f"{Path(result.plan.scenario).name} ({result.plan.replications} replications)"

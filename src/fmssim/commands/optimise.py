"""``fmssim optimise``: where should N more officers go? Greedy marginal allocation, CRN."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import click

from fmssim.commands.options import (
    cli_sets,
    executor_for,
    print_table,
    print_warnings,
    resolved_document,
    result_folder,
    sweep_errors,
    sweep_options,
)

DEFAULT_OBJECTIVE = ("dispatch/P1/attained_share=1",)


@click.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option(
    "--officers",
    type=click.IntRange(1, 10_000),
    required=True,
    help="How many to add: units on duty for a dispatch pool, handlers on duty for a handler "
    "pool, FTE for a workforce department.",
)
@click.option(
    "--over",
    "over",
    required=True,
    metavar="DEPT,DEPT,...",
    help="Where they may go: workforce departments (officers beyond their rosters), "
    "dispatch or handler pools (their constant on_duty), or dotted keys holding a number.",
)
@click.option(
    "--step",
    type=click.IntRange(1, 10_000),
    default=1,
    show_default=True,
    help="Officers added at each greedy step.",
)
@click.option(
    "--objective",
    "objective",
    multiple=True,
    metavar="AREA/GROUP/KPI=WEIGHT",
    help="A term of the objective to maximise (mean over years); repeat for a weighted sum; "
    "negative weights for KPIs where lower is better. Default: dispatch/P1/attained_share=1.",
)
@sweep_options
def optimise(
    scenario: Path, officers: int, over: str, step: int, objective: tuple[str, ...], **options: Any
) -> None:
    """Search allocations of --officers across --over for the best weighted objective.

    Greedy marginal allocation: each step gives --step officers to the department where the
    objective gains most, every candidate evaluated on the same replications (common random
    numbers); then an exchange check moves officers between departments. Prints each step's
    gain with its paired 95% interval and the best allocations.
    """
    from fmssim.experiment.search import Search, levers_for, search
    from fmssim.report.console import progress_bar
    from fmssim.report.search import print_search

    sets = cli_sets(options["sets"], options["reps"], options["seed"], options["engine"])
    with sweep_errors():
        terms = _terms(objective or DEFAULT_OBJECTIVE)
        executor = executor_for(options["workers"], options["scheduler"])
        levers = levers_for(scenario, [n.strip() for n in over.split(",") if n.strip()], sets)
        spec = Search(scenario, levers, officers, step, terms, tuple(sets))
        folder = result_folder(options["out"], scenario, "optimise", options["resume"])
        with progress_bar(options["quiet"]) as progress:
            result = search(spec, folder, executor, options["resume"], options["chunk"], progress)
    warnings = _warnings(folder)
    print_warnings(warnings)
    if options["format"] != "table":
        print_table(result.ranking, options["format"])
    elif not options["quiet"]:
        print_search(result, spec)
        print_warnings(warnings, again=True)
    click.echo(f"run folder: {folder}", err=options["quiet"] or options["format"] != "table")


def _warnings(folder: Path) -> list[str]:
    """Overload warnings of every allocation evaluated (each step's sweep), without repeats;
    an objective on a censored statistic is flagged too."""
    import polars as pl

    from fmssim.analytics.censoring import (
        grade_pools,
        mark_censored,
        overload_flags,
        variant_warnings,
    )

    lines: list[str] = []
    for step in sorted(folder.glob("step-*")):
        summary_file = step / "summary.parquet"
        if not summary_file.is_file():
            continue
        summary = pl.read_parquet(summary_file)
        pools = grade_pools(resolved_document(step))
        lines += variant_warnings(summary, pools)
        censored = mark_censored(summary, overload_flags(summary, pools)).filter("censored")
        lines += [
            f"warning: {r['variant']}: {r['area']}/{r['group']}/{r['kpi']} in {r['year']} is "
            "censored (overloaded); an objective on it is not a result"
            for r in censored.filter(pl.col("area") != "response_distribution").iter_rows(
                named=True
            )
        ]
    return list(dict.fromkeys(lines))


def _terms(texts: tuple[str, ...]) -> tuple[Any, ...]:
    from fmssim.analytics.objective import Term
    from fmssim.cli import BadInput

    terms = []
    for text in texts:
        path, _, weight = text.partition("=")
        parts = path.split("/")
        try:
            value = float(weight) if weight else 1.0
        except ValueError:
            value = math.nan
        if len(parts) != 3 or not all(parts) or not math.isfinite(value) or value == 0.0:
            raise BadInput(f"--objective: {text}: expected AREA/GROUP/KPI=WEIGHT, weight not 0")
        terms.append(Term(parts[0], parts[1], parts[2], value))
    return tuple(terms)

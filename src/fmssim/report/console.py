"""The summary as readable terminal tables, warnings, and a progress bar over replications.

Tables never cut a name: cells wrap (fold) when the terminal is narrow, and output that is not
a terminal (a CI log, a notebook, a pipe) is laid out 160 columns wide rather than 80.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import click
import polars as pl
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table

from fmssim.report.units import format_value

__all__ = ["format_value"]
PIPE_WIDTH = 160
"""Layout width when stdout is not a terminal and ``COLUMNS`` is not set."""
CENSORED_NOTE = "censored: the pool or department was overloaded; taken over finished work only"


def console() -> Console:
    """A console on stdout that wraps instead of cutting, wide when not a terminal."""
    found = Console()
    if not found.is_terminal and "COLUMNS" not in os.environ:
        return Console(width=PIPE_WIDTH)
    return found


def table(title: str, columns: Sequence[str], right: Sequence[str] = ()) -> Table:
    """A rich table whose columns fold long words (KPI names) rather than cut them."""
    made = Table(title=title, title_justify="left")
    for column in columns:
        made.add_column(column, justify="right" if column in right else "left", overflow="fold")
    return made


@contextmanager
def progress_bar(quiet: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A callback ``(done, total)`` drawing a bar on stderr; ``None`` when quiet."""
    if quiet:
        yield None
        return
    err = Console(stderr=True)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("replications", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def print_warnings(warnings: Sequence[str], again: bool = False) -> None:
    """Warnings on stderr; ``again`` heads them as a repeat after the tables."""
    if not warnings:
        return
    if again:
        click.echo(
            f"{len(warnings)} warning{'s' if len(warnings) > 1 else ''} (as above):", err=True
        )
    for line in warnings:
        click.echo(line, err=True)


def print_summary(
    summary: pl.DataFrame, title: str, engine: str, label: Callable[[int], str] = str
) -> None:
    """Print the long summary as one table per area: mean [95% interval]; censored
    statistics are marked in a ``note`` column."""
    out = console()
    censored = "censored" in summary.columns and bool(summary["censored"].any())
    for (area,), part in summary.group_by(["area"], maintain_order=True):
        columns = ["variant", "year", "group", "kpi", "mean", "95% interval", "reps"]
        shown = table(
            f"{title} — {area} (engine {engine}, 95% intervals)",
            [*columns, *(["note"] if censored else [])],
            right=("mean", "95% interval", "reps"),
        )
        for row in part.iter_rows(named=True):
            kpi = row["kpi"]
            interval = f"{format_value(kpi, row['ci_low'])} – {format_value(kpi, row['ci_high'])}"
            cells = [row["variant"], label(row["year"]), row["group"], kpi]
            cells += [format_value(kpi, row["mean"]), interval, str(row["reps"])]
            if censored:
                cells.append("censored" if row["censored"] else "")
            shown.add_row(*cells)
        out.print(shown)
    if censored:
        out.print(f"note — {CENSORED_NOTE}", highlight=False)


def print_headline(
    summary: pl.DataFrame, title: str, label: Callable[[int], str] = str, note: str = ""
) -> None:
    """Per planning year (columns): P1–P3 attainment, 999 service level, investigation
    backlog and effective strength by department (rows), for each variant."""
    from fmssim.report.headline import headline

    data = headline(summary)
    figures = [c for c in data.columns if c not in ("variant", "year")]
    if not figures:
        return
    out = console()
    for (variant,), part in data.group_by(["variant"], maintain_order=True):
        years = [label(y) for y in part["year"].to_list()]
        shown = table(
            f"{title} — {variant}: headline per planning year (means)",
            ["figure", *years],
            right=years,
        )
        for figure in figures:
            shown.add_row(figure, *(_headline_cell(figure, v) for v in part[figure].to_list()))
        out.print(shown)
    if note:
        out.print(note, highlight=False)


def _headline_cell(figure: str, value: float | None) -> str:
    if value is None or value != value:
        return "–"
    if figure.startswith(("effective ", "open cases ")):
        return f"{value:,.0f}"
    return f"{100.0 * value:.1f}%"


def print_table(data: pl.DataFrame, form: str) -> None:
    """A result table for scripts on stdout: ``csv`` or ``json`` (one object per row)."""
    if form == "csv":
        sys.stdout.write(data.write_csv())
    else:
        known = data.with_columns(pl.col(pl.Float64).fill_nan(None))
        sys.stdout.write(json.dumps(known.to_dicts(), default=str) + "\n")
    sys.stdout.flush()

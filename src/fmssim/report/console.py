"""The summary as a readable terminal table, and a progress bar over replications."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import polars as pl
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table

SHARE_KPIS_SUFFIX = "_share"


@contextmanager
def progress_bar(quiet: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A callback ``(done, total)`` drawing a bar on stderr; ``None`` when quiet."""
    if quiet:
        yield None
        return
    console = Console(stderr=True)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("replications", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def format_value(kpi: str, value: float) -> str:
    """Shares as percentages, others with sensible precision."""
    if value is None or math.isnan(value):
        return "–"
    if kpi.endswith(SHARE_KPIS_SUFFIX):
        return f"{100.0 * value:.1f}%"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.2f}"


def print_summary(summary: pl.DataFrame, title: str, engine: str) -> None:
    """Print the long summary as one table per area: mean [95% interval]."""
    console = Console()
    for (area,), part in summary.group_by(["area"], maintain_order=True):
        table = Table(title=f"{title} — {area} (engine {engine}, 95% intervals)")
        for column in ("variant", "year", "group", "kpi", "mean", "95% interval", "reps"):
            table.add_column(column, justify="right" if column in ("mean", "reps") else "left")
        for row in part.iter_rows(named=True):
            interval = (
                f"{format_value(row['kpi'], row['ci_low'])} – "
                f"{format_value(row['kpi'], row['ci_high'])}"
            )
            table.add_row(
                row["variant"],
                str(row["year"]),
                row["group"],
                row["kpi"],
                format_value(row["kpi"], row["mean"]),
                interval,
                str(row["reps"]),
            )
        console.print(table)


def print_headline(summary: pl.DataFrame, title: str) -> None:
    """Per planning year (columns): P1/P2 attainment, 999 service level, investigation
    backlog and effective strength by department (rows); only for multi-year or workforce
    scenarios."""
    from fmssim.report.headline import headline

    data = headline(summary)
    figures = [c for c in data.columns if c not in ("variant", "year")]
    has_workforce = any(c.startswith("effective ") for c in figures)
    if not figures or (data["year"].n_unique() < 2 and not has_workforce):
        return
    for (variant,), part in data.group_by(["variant"], maintain_order=True):
        table = Table(title=f"{title} — {variant}: per planning year (means)")
        table.add_column("figure")
        years = part["year"].to_list()
        for year in years:
            table.add_column(str(year), justify="right")
        for figure in figures:
            values = part[figure].to_list()
            cells = [_headline_cell(figure, v) for v in values]
            table.add_row(figure, *cells)
        Console().print(table)


def _headline_cell(figure: str, value: float | None) -> str:
    if value is None or math.isnan(value):
        return "–"
    if figure.startswith(("effective ", "open cases ")):
        return f"{value:,.0f}"
    return f"{100.0 * value:.1f}%"

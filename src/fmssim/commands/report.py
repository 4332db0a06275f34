"""``fmssim report RUN_DIR``: the self-contained HTML report of a run, sweep or comparison."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="HTML file to write (default RUN_DIR/report.html).",
)
def report(run_dir: Path, out: Path | None) -> None:
    """Write one self-contained HTML file (no network needed) from the run folder RUN_DIR.

    Charts of SLA attainment, response times, contact service level, backlogs and workforce
    (for the areas the run has), with 95% interval bands per variant; verdicts and paired
    differences for a comparison; the scenario's assumptions.
    """
    from fmssim.cli import _one_line_errors
    from fmssim.report.html import write_report

    with _one_line_errors():
        target = write_report(run_dir, out)
    click.echo(f"report: {target}")

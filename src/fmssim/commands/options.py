"""Options and error handling shared by the sweep-like commands (compare, sweep, optimise).

``fmssim.cli`` is imported inside functions: it registers these commands when it loads.
"""

from __future__ import annotations

import contextlib
import errno
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])
RESUME_HINT = "finished chunks are kept: run the same command with --resume to continue"
INFRASTRUCTURE = (errno.ENOSPC, errno.EDQUOT, errno.EIO)
"""Write failures of the machine, not of the input: a full disk, a quota, a failing disk."""


class _InfrastructureError(Exception):
    """An infrastructure fault during a sweep (exit 1, with the resume hint)."""


def sweep_options(function: F) -> F:
    """The options every sweep-like command takes, in help order."""
    options = [
        click.option("--reps", type=click.IntRange(1, 100_000), help="Replications per variant."),
        click.option("--seed", type=click.IntRange(0, 2**63 - 1), help="Scenario seed."),
        click.option(
            "--set",
            "sets",
            multiple=True,
            metavar="KEY=VALUE",
            help="Override a value (every variant).",
        ),
        click.option("--engine", type=click.Choice(["auto", "des", "fast"]), help="Engine."),
        click.option(
            "--out", type=click.Path(path_type=Path), help="Result folder (default runs/...)."
        ),
        click.option(
            "--workers",
            type=click.IntRange(1, 256),
            default=1,
            show_default=True,
            help="Local worker processes.",
        ),
        click.option(
            "--scheduler",
            metavar="tcp://HOST:PORT",
            help="Run on this Dask distributed scheduler instead.",
        ),
        click.option(
            "--chunk",
            type=click.IntRange(1, 100_000),
            help="Replications per result file (default: about 20 files per variant).",
        ),
        click.option(
            "--resume",
            is_flag=True,
            help="Continue an interrupted run in --out: finished chunks are not run again.",
        ),
        click.option("--quiet", is_flag=True, help="No progress bar, no tables."),
        click.option(
            "--format",
            "format",
            type=click.Choice(["table", "csv", "json"]),
            default="table",
            show_default=True,
            help="Tables for people, or the results as CSV or JSON on stdout for scripts.",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def cli_sets(
    sets: tuple[str, ...], reps: int | None, seed: int | None, engine: str | None
) -> list[str]:
    """``--set`` values followed by the experiment options as overrides."""
    from fmssim.cli import _experiment_sets

    return [*sets, *_experiment_sets(reps, seed, engine, False)]


def executor_for(workers: int, scheduler: str | None) -> Any:
    """Local processes, or the Dask cluster at ``scheduler``."""
    from fmssim.cli import BadInput
    from fmssim.experiment.executors import DaskExecutor, LocalExecutor

    if scheduler is None:
        return LocalExecutor(workers)
    if not scheduler.startswith(("tcp://", "tls://", "inproc://")) or not _port_ok(scheduler):
        raise BadInput(f"--scheduler: {scheduler}: expected an address like tcp://HOST:PORT")
    return DaskExecutor(scheduler)


def _port_ok(address: str) -> bool:
    """A network address names a port from 1 to 65535 (``inproc://`` has none)."""
    if address.startswith("inproc://"):
        return True
    host, _, port = address.partition("://")[2].rpartition(":")
    return bool(host) and port.isdigit() and 1 <= int(port) <= 65535


def result_folder(out: Path | None, scenario: Path, kind: str, resume: bool) -> Path:
    """``--out`` (required with ``--resume``), or a new folder under ``runs/``."""
    from fmssim.cli import BadInput, _run_folder

    if out is None:
        if resume:
            raise BadInput("--resume: give the folder to continue with --out")
        return _run_folder(None, scenario, kind)
    return out


@contextlib.contextmanager
def sweep_errors() -> Iterator[None]:
    """One-line errors (exit 2), an unreachable scheduler included; Ctrl-C says how to resume."""
    from fmssim.cli import BadInput, _one_line_errors
    from fmssim.experiment.executors import ClusterLost, SchedulerUnreachable

    try:
        with _one_line_errors():
            try:
                yield
            except OSError as exc:
                if exc.errno not in INFRASTRUCTURE:
                    raise
                raise _InfrastructureError(
                    f"{exc.filename or 'file'}: {exc.strerror or exc}"
                ) from None
            except ClusterLost as exc:
                raise _InfrastructureError(str(exc)) from None
    except SchedulerUnreachable as exc:
        raise BadInput(str(exc)) from None
    except _InfrastructureError as exc:  # not the planner's mistake: exit 1, and how to go on
        click.echo(f"error: {exc}", err=True)
        click.echo(RESUME_HINT, err=True)
        sys.exit(1)
    except SystemExit as exc:
        if exc.code == 130:
            click.echo(RESUME_HINT, err=True)
        raise
    except KeyboardInterrupt:  # pragma: no cover - _one_line_errors turns it into exit 130
        click.echo(RESUME_HINT, err=True)
        sys.exit(130)


@dataclass(frozen=True)
class Flagged:
    """A sweep's tables with censored statistics marked, its warnings and year labels."""

    summary: Any
    comparison: Any
    warnings: list[str]
    label: Callable[[int], str]
    year_note: str


def flag_results(result: Any, folder: Path) -> Flagged:
    """Mark censored statistics and collect every variant's overload warnings, using the
    reference variant's resolved scenario in ``folder`` (grades → pools, calendar)."""
    from fmssim.analytics.censoring import (
        grade_pools,
        mark_censored,
        overload_flags,
        variant_warnings,
    )
    from fmssim.report.units import year_labeller, year_note

    document = resolved_document(folder)
    pools = grade_pools(document)
    flags = overload_flags(result.summary, pools)
    return Flagged(
        mark_censored(result.summary, flags),
        mark_censored(result.comparison, flags),
        variant_warnings(result.summary, pools),
        year_labeller(document),
        year_note(document),
    )


def resolved_document(folder: Path) -> dict[str, Any]:
    """``scenario.resolved.yaml`` of a result folder as plain data (empty when missing)."""
    from ruamel.yaml import YAML

    path = folder / "scenario.resolved.yaml"
    if not path.is_file():
        return {}
    loaded = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    return dict(loaded) if isinstance(loaded, dict) else {}


def print_warnings(warnings: Sequence[str], again: bool = False) -> None:
    from fmssim.report.console import print_warnings as show

    show(warnings, again)


def print_table(data: Any, form: str) -> None:
    from fmssim.report.console import print_table as show

    show(data, form)

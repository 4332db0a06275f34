"""The ``fmssim`` command: parse, call one library function, print, set the exit code.

Exit codes: 0 success; 1 unexpected internal error; 2 bad input (scenario, options, files).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Literal

import click

from fmssim.report.folders import FolderLocked, folder_lock, resolved, swap_in
from fmssim.scenario import ScenarioError, load_scenario
from fmssim.scenario.errors import shorten
from fmssim.scenario.loader import LoadedScenario
from fmssim.scenario.root import Scenario
from fmssim.scenario.yamlio import parse_yaml

EXIT_BAD_INPUT = 2


class BadInput(click.ClickException):
    """A one-line error for the planner, exit code 2."""

    exit_code = EXIT_BAD_INPUT

    def show(self, file=None) -> None:  # type: ignore[no-untyped-def]
        text = " ".join(_printable(self.message).split())
        click.echo(f"error: {shorten(text, MAX_LINE)}", err=True)


MAX_LINE = 600
"""Longest error line printed (values and keys in it are shortened already)."""


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class _Group(click.Group):
    """The ``fmssim`` group: a mistake on the command line is one ``error:`` line (exit 2),
    not click's usage block."""

    def make_context(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        with _usage_as_one_line():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> object:
        with _usage_as_one_line():
            return super().invoke(ctx)


@contextlib.contextmanager
def _usage_as_one_line() -> Iterator[None]:
    try:
        yield
    except click.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx is not None else "fmssim"
        message = exc.format_message().rstrip(".")
        raise BadInput(f"{message[0].lower()}{message[1:]} (see: {command} --help)") from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="fmssim")
def main() -> None:
    """Simulate a police force's contact, dispatch and investigation demand."""


@main.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="Override a value.")
def validate(scenario: Path, sets: tuple[str, ...]) -> None:
    """Check SCENARIO and each of its variants; print a one-line verdict."""
    with _one_line_errors():
        loaded = load_scenario(scenario, sets=sets)
        warnings = _warnings(loaded, "")
        for name in loaded.scenario.variants:
            warnings.update(_warnings(load_scenario(scenario, variant=name, sets=sets), name))
    for warning in warnings:
        click.echo(warning, err=True)
    variants = len(loaded.scenario.variants)
    click.echo(f"{scenario}: valid ({variants} variant{'s' if variants != 1 else ''})")


def _warnings(loaded: LoadedScenario, variant: str) -> dict[str, None]:
    """The scenario's and its capacity's warnings, naming the variant (in order, once)."""
    from fmssim.model.capacity import capacity_warnings
    from fmssim.model.compile import compile_scenario

    lines = [*loaded.warnings, *capacity_warnings(compile_scenario(loaded.scenario))]
    named = f"warning: variant {variant}: " if variant else "warning: "
    return {line.replace("warning: ", named, 1): None for line in lines}


@main.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--reps", type=click.IntRange(1, 100_000), help="Replications.")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), help="Scenario seed.")
@click.option("--out", type=click.Path(path_type=Path), help="Run folder (default runs/...).")
@click.option("--variant", help="Named variant of the scenario.")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="Override a value.")
@click.option("--engine", type=click.Choice(["auto", "des", "fast"]), help="Engine.")
@click.option("--workers", type=click.IntRange(1, 256), default=1, show_default=True)
@click.option("--records", is_flag=True, help="Also write every incident record (Parquet).")
@click.option("--quiet", is_flag=True, help="No progress bar, no table.")
@click.option(
    "--format",
    "form",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="Tables for people, or the summary as CSV or JSON on stdout for scripts.",
)
def run(
    scenario: Path,
    reps: int | None,
    seed: int | None,
    out: Path | None,
    variant: str | None,
    sets: tuple[str, ...],
    engine: str | None,
    workers: int,
    records: bool,
    quiet: bool,
    form: str,
) -> None:
    """Run SCENARIO and print its headline, then its summary with 95% intervals.

    Warnings (an overloaded pool or department, whose statistics are then censored) are
    printed on stderr before and again after the tables.
    """
    cli_sets = [*sets, *_experiment_sets(reps, seed, engine, records)]
    with _one_line_errors():
        loaded = load_scenario(scenario, variant=variant, sets=cli_sets)
        # Imported only now: the engines load numba, which a bad scenario need not wait for.
        from fmssim import api
        from fmssim.report.console import progress_bar

        folder = _run_folder(out, scenario, loaded.variant)
        with (
            folder_lock(folder),
            progress_bar(quiet) as progress,
            _staged(folder, reserved=out is None) as staging,
        ):
            result = api.run(loaded, workers=workers, progress=progress, folder=staging)
    _print_run(result, quiet, form)
    click.echo(f"run folder: {folder}", err=quiet or form != "table")


def _print_run(result: object, quiet: bool, form: str) -> None:
    """The engine note and warnings (stderr), the headline and tables, the warnings again."""
    from fmssim.api import RunResult
    from fmssim.report.console import print_headline, print_summary, print_table, print_warnings
    from fmssim.report.units import year_labeller, year_note

    assert isinstance(result, RunResult)
    if result.engine_note:
        click.echo(result.engine_note, err=True)
    print_warnings(result.warnings)
    if form != "table":
        print_table(result.summary, form)
        return
    if quiet:
        return
    name = result.scenario.scenario.name
    label = year_labeller(result.scenario.document)
    print_headline(result.summary, name, label, year_note(result.scenario.document))
    print_summary(result.summary, name, result.engine, label)
    print_warnings(result.warnings, again=True)


@main.command()
def schema() -> None:
    """Print the JSON Schema of the scenario format (for editor completion)."""
    document = Scenario.model_json_schema(by_alias=True)
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "fmssim scenario"
    click.echo(json.dumps(document, indent=2))


@main.command()
@click.argument("name")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def new(name: str, force: bool) -> None:
    """Write NAME.yaml: a commented template scenario to edit."""
    if not name.strip() or not name.isprintable() or name.endswith(("/", ".")):
        raise BadInput(f"{name!r}: give a file name for the new scenario, e.g. my_force")
    target = Path(name if name.endswith((".yaml", ".yml")) else f"{name}.yaml")
    if not target.stem or target.stem.startswith("."):
        raise BadInput(f"{name!r}: give a file name for the new scenario, e.g. my_force")
    if target.exists() and not force:
        raise BadInput(f"{target}: exists already (use --force to overwrite)")
    templates = resources.files("fmssim").joinpath("templates")
    text = templates.joinpath("scenario.yaml").read_text("utf-8")
    text = text.replace("name: {{name}}", f"name: {_yaml_string(target.stem)}")
    profile = target.parent / "data" / "hour_of_week_incidents.csv"
    with _one_line_errors():
        target.write_text(text.replace("{{name}}", target.stem), encoding="utf-8")
        if not profile.exists():
            profile.parent.mkdir(parents=True, exist_ok=True)
            csv_text = templates.joinpath(profile.name).read_text("utf-8")
            profile.write_text(csv_text, encoding="utf-8")
    click.echo(f"wrote {target}; check it with: fmssim validate {target}")


def _yaml_string(text: str) -> str:
    """``text`` as a YAML value that reads back as this string (``2019`` would be a number)."""
    try:
        value, _ = parse_yaml(text, "name")
    except ScenarioError:
        value = None
    return text if value == text else json.dumps(text, ensure_ascii=False)


def _experiment_sets(
    reps: int | None, seed: int | None, engine: str | None, records: bool
) -> list[str]:
    given = {"replications": reps, "seed": seed, "engine": engine, "records": records or None}
    return [f"experiment.{k}={str(v).lower()}" for k, v in given.items() if v is not None]


def _run_folder(out: Path | None, scenario: Path, variant: str) -> Path:
    """``--out``, or a new folder under ``runs/``, created now so no other run can take it."""
    if out is None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        base = Path("runs") / f"{scenario.stem}-{variant}-{stamp}"
        base.parent.mkdir(parents=True, exist_ok=True)
        for n in range(1, 1000):
            folder = base if n == 1 else base.with_name(f"{base.name}-{n}")
            with contextlib.suppress(FileExistsError):
                folder.mkdir()
                return folder
        raise BadInput(f"{base}: too many runs this second; give --out")
    resolved(out)  # a loop of links is refused here, in one line
    if out.exists() and (not out.is_dir() or _foreign_content(out)):
        raise BadInput(f"{out}: exists and is not an fmssim run folder; choose another --out")
    return out


def _foreign_content(folder: Path) -> bool:
    return any(folder.iterdir()) and not (folder / "manifest.json").exists()


@contextlib.contextmanager
def _staged(folder: Path, reserved: bool) -> Iterator[Path]:
    """A new folder beside ``folder`` whose content replaces it only if the block succeeds.

    A failed or interrupted run thus leaves an earlier run folder exactly as it was, and a
    rerun into the same folder leaves no stale records of the earlier run behind. A folder
    ``reserved`` for this run (still empty) is removed if the run fails.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    place = resolved(folder)  # ``--out .`` has no name of its own
    _remove_abandoned(place)
    staging = place.parent / f".{place.name}.{os.getpid()}-{time.time_ns()}.partial"
    staging.mkdir()
    try:
        yield staging
        swap_in(staging, place)
    except BaseException:
        if reserved:
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _remove_abandoned(place: Path) -> None:
    """Staging folders of earlier runs into ``place`` whose process is gone (killed)."""
    for staged in place.parent.glob(f".{glob.escape(place.name)}.*.partial"):
        pid = staged.name[len(place.name) + 2 :].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(staged, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class _one_line_errors:  # noqa: N801 - used as a context manager, reads as a phrase
    """Turn the project's own errors into one line and exit code 2."""

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> Literal[False]:
        if isinstance(error, ScenarioError | FolderLocked) or _engine_refused(error):
            raise BadInput(str(error)) from None
        if isinstance(error, OSError):
            where = error.filename if error.filename is not None else "file"
            raise BadInput(f"{where}: {error.strerror or error}") from None
        if isinstance(error, KeyboardInterrupt):
            click.echo("interrupted", err=True)
            sys.exit(130)
        return False


def _engine_refused(error: BaseException | None) -> bool:
    """Whether the chosen engine refused the scenario (imported late: it loads numba)."""
    if error is None:
        return False
    from fmssim.experiment.engines import EngineUnavailable

    return isinstance(error, EngineUnavailable)


# Commands beyond a single run live in their own modules (fmssim.commands), registered here.
from fmssim.commands.optimise import optimise  # noqa: E402
from fmssim.commands.report import report  # noqa: E402
from fmssim.commands.sweeps import compare, sweep  # noqa: E402

main.add_command(compare)
main.add_command(sweep)
main.add_command(optimise)
main.add_command(report)

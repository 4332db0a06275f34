"""compare, sweep and report from the command line: files, tables, and one-line errors."""

from __future__ import annotations

import functools
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner, Result

from fmssim.cli import main
from fmssim.experiment import executors

ROOT = Path(__file__).parents[2]
DISTRICT = ROOT / "scenarios" / "district_options.yaml"
SMALL = ["--set", "calendar.end=2019-02-01", "--reps", "3"]


def invoke(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def test_compare_writes_the_comparison_and_prints_verdicts(tmp_path: Path) -> None:
    result = invoke(
        "compare",
        DISTRICT,
        "--variants",
        "base",
        "fewer_response",
        *SMALL,
        "--out",
        tmp_path,
        "--workers",
        "2",
    )
    assert result.exit_code == 0, result.output
    assert "paired differences" in result.stdout and "Verdicts" in result.stdout
    assert "fewer_response -" in result.stdout and "against base" in result.stdout
    for name in (
        "plan.json",
        "manifest.json",
        "summary.csv",
        "comparison.csv",
        "variants.csv",
        "replications.parquet",
        "scenario.resolved.yaml",
    ):
        assert (tmp_path / name).is_file(), name
    summary = pl.read_csv(tmp_path / "summary.csv")
    assert summary["variant"].unique(maintain_order=True).to_list() == ["base", "fewer_response"]


def test_sweep_runs_every_combination_as_one_long_table(tmp_path: Path) -> None:
    result = invoke(
        "sweep",
        DISTRICT,
        "--grid",
        "pools.response.roster.on_duty=6,8",
        "--grid",
        "contact.pools.control_room.roster.on_duty=2,3",
        *SMALL,
        "--out",
        tmp_path,
        "--quiet",
    )
    assert result.exit_code == 0, result.output
    reps = pl.read_parquet(tmp_path / "replications.parquet")
    assert reps["variant"].unique(maintain_order=True).to_list() == [
        "pools.response.roster.on_duty=6 contact.pools.control_room.roster.on_duty=2",
        "pools.response.roster.on_duty=6 contact.pools.control_room.roster.on_duty=3",
        "pools.response.roster.on_duty=8 contact.pools.control_room.roster.on_duty=2",
        "pools.response.roster.on_duty=8 contact.pools.control_room.roster.on_duty=3",
    ]
    assert reps.group_by("variant", "replication").len().height == 12
    assert result.stdout == ""  # --quiet: no table, the folder goes to stderr
    assert f"run folder: {tmp_path}" in result.stderr


def test_sweep_with_a_variant_of_the_file(tmp_path: Path) -> None:
    result = invoke(
        "sweep",
        DISTRICT,
        "--variant",
        "more_handlers",
        "--grid",
        "pools.neighbourhood.roster.on_duty=3,5",
        *SMALL,
        "--out",
        tmp_path,
        "--quiet",
    )
    assert result.exit_code == 0, result.output
    assert pl.read_csv(tmp_path / "variants.csv")["scenario_variant"].to_list() == [
        "more_handlers",
        "more_handlers",
    ]


def test_report_of_a_comparison(tmp_path: Path) -> None:
    assert (
        invoke(
            "compare",
            DISTRICT,
            "--variants",
            "base",
            "more_response",
            *SMALL,
            "--out",
            tmp_path,
            "--quiet",
        ).exit_code
        == 0
    )
    result = invoke("report", tmp_path)
    assert result.exit_code == 0 and (tmp_path / "report.html").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["compare", DISTRICT, "--variants", "base", "nonesuch"],
            "district_options.yaml: variants.nonesuch: no such variant (known: fewer_response, "
            "more_handlers, more_response)",
        ),
        (["compare", DISTRICT, "--variants", "base"], "--variants: name at least two variants"),
        (["compare", DISTRICT, "base", "more_response"], "--variants: name at least two"),
        (
            ["compare", DISTRICT, "--variants", "base", "base"],
            "each variant may be named only once",
        ),
        (["sweep", DISTRICT, "--grid", "pools.response.roster.on_duty=6,"], "no empty value"),
        (
            ["sweep", DISTRICT, "--grid", "pools.response.roster.on_dutty=6,7"],
            "pools.response.roster.on_dutty: unknown key",
        ),
        (
            [
                "sweep",
                DISTRICT,
                "--grid",
                "pools.response.roster.on_duty=6,7",
                "--scheduler",
                "localhost:8786",
            ],
            "--scheduler: localhost:8786: expected an address like tcp://",
        ),
        (
            ["compare", DISTRICT, "--variants", "base", "more_response", "--resume"],
            "--resume: give the folder to continue with --out",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[object], message: str) -> None:
    result = invoke(*args, *SMALL)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], lines


def test_a_foreign_folder_is_not_overwritten(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = invoke(
        "compare", DISTRICT, "--variants", "base", "more_response", *SMALL, "--out", tmp_path
    )
    assert result.exit_code == 2
    assert "exists and is not an fmssim sweep folder" in result.stderr
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_resume_of_a_different_sweep_is_refused(tmp_path: Path) -> None:
    first = ["compare", DISTRICT, "--variants", "base", "more_response", *SMALL, "--out", tmp_path]
    assert invoke(*first, "--quiet").exit_code == 0
    result = invoke(*first, "--seed", "5", "--resume")
    assert result.exit_code == 2
    assert "plan.json: plan: cannot resume a different sweep: seed 2024 here, 5 requested" in (
        result.stderr
    )


def test_an_unreachable_scheduler_is_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    quick = functools.partial(executors.DaskExecutor, timeout_s=0.5)
    monkeypatch.setattr(executors, "DaskExecutor", quick)
    result = invoke(
        "compare",
        DISTRICT,
        "--variants",
        "base",
        "more_response",
        *SMALL,
        "--out",
        tmp_path,
        "--scheduler",
        "tcp://127.0.0.1:9",
    )
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().startswith("error: tcp://127.0.0.1:9: cannot reach the Dask")

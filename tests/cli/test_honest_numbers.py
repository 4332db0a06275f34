"""Honest numbers from every command: overload warnings (before and after the tables),
censored statistics marked, intervals within what a KPI can be, files readable by colleagues,
no stale report after a re-run, and nothing cut when the output is not a terminal.

The overloaded scenario is the district with one neighbourhood unit for its P3 incidents
(about 45 a day, each holding a unit for about an hour plus travel): the queue grows all
year, so P3's response times are taken over a shrinking, luckier share of the incidents.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner, Result

from fmssim.cli import main

ROOT = Path(__file__).parents[2]
DISTRICT = ROOT / "scenarios" / "district_options.yaml"
SHORT = ("--set", "calendar.end=2019-04-01", "--reps", "2")
OVERLOADED = (*SHORT, "--set", "pools.neighbourhood.roster.on_duty=1")
WARNING = "pool neighbourhood looks overloaded in 2019"


def invoke(*args: object) -> Result:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def assert_warned_after_the_tables(result: Result) -> None:
    """The warning is on stderr, and repeated after the tables (the end of the output)."""
    assert WARNING in result.stderr
    tail = result.output.strip().splitlines()[-4:]
    assert any(WARNING in line for line in tail), tail


def test_run_warns_marks_censored_statistics_and_leads_with_the_headline(
    tmp_path: Path,
) -> None:
    result = invoke("run", DISTRICT, *OVERLOADED, "--out", tmp_path / "run")
    assert_warned_after_the_tables(result)
    first = result.stdout.splitlines()[:12]
    assert any("headline" in line for line in first), first
    assert any("P1 attained within target" in line for line in first)
    censored = [line for line in result.stdout.splitlines() if "censored" in line]
    assert any("P3" in line and "response_median_min" in line for line in censored)
    assert not any(" P1 " in line for line in censored)  # the response pool is not overloaded


def test_compare_warns_and_gives_no_verdict_on_censored_statistics(tmp_path: Path) -> None:
    result = invoke(
        "compare", DISTRICT, "--variants", "base", "more_response", *OVERLOADED,
        "--reps", "4",  # with two pairs the paired t interval (t = 12.7) is too wide
        "--out", tmp_path / "cmp",
    )  # fmt: skip
    assert_warned_after_the_tables(result)
    assert "base: pool neighbourhood" in result.stderr  # each variant's warnings, by name
    verdicts = result.stdout[result.stdout.index("Verdicts") :]
    assert "P3 median response" not in verdicts and "P3 mean response" not in verdicts
    assert "P1 attended within target: more_response +" in verdicts
    assert "better" in result.stdout.split("Verdicts")[0]  # the headline's verdicts


def test_compare_as_csv_marks_censored_rows(tmp_path: Path) -> None:
    result = invoke(
        "compare", DISTRICT, "--variants", "base", "more_response", *OVERLOADED,
        "--out", tmp_path / "cmp", "--format", "csv",
    )  # fmt: skip
    table = pl.read_csv(result.stdout.encode())
    flagged = table.filter(pl.col("censored"))
    assert set(flagged["group"]) == {"P3"}
    assert "response_median_min" in set(flagged["kpi"]) and "attained_share" not in set(
        flagged["kpi"]
    )
    assert WARNING in result.stderr


def test_sweep_and_optimise_warn_too(tmp_path: Path) -> None:
    swept = invoke(
        "sweep", DISTRICT, "--grid", "pools.response.roster.on_duty=6,7", *OVERLOADED,
        "--out", tmp_path / "sweep",
    )  # fmt: skip
    assert_warned_after_the_tables(swept)
    optimised = invoke(
        "optimise", DISTRICT, "--officers", "1", "--over", "response,control_room",
        *OVERLOADED, "--out", tmp_path / "opt",
    )  # fmt: skip
    assert_warned_after_the_tables(optimised)
    assert "response: adds dispatch units on duty" in optimised.stdout
    assert "control_room: adds call handlers on duty" in optimised.stdout


def test_run_as_json_for_scripts(tmp_path: Path) -> None:
    result = invoke("run", DISTRICT, *SHORT, "--out", tmp_path / "run", "--format", "json")
    rows = json.loads(result.stdout)
    assert {r["kpi"] for r in rows} >= {"attained_share", "waiting_at_year_end"}
    assert "run folder:" in result.stderr


def test_interval_ends_stay_within_what_a_kpi_can_be(tmp_path: Path) -> None:
    """P3 is attended within 8 hours almost always and queues are nearly always empty: the
    t-intervals of those means would cross 100% and 0 unless clipped."""
    invoke("run", DISTRICT, *SHORT, "--out", tmp_path / "run", "--quiet")
    summary = pl.read_parquet(tmp_path / "run" / "summary.parquet").drop_nans()
    assert (summary["ci_low"] >= 0.0).all()
    shares = summary.filter(pl.col("kpi").str.ends_with("_share"))
    assert (shares["ci_high"] <= 1.0).all()
    assert (summary["ci_low"] <= summary["mean"]).all()
    assert (summary["mean"] <= summary["ci_high"]).all()


@pytest.fixture
def umask_022() -> object:
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_files_are_readable_by_colleagues_under_umask_022(
    tmp_path: Path, umask_022: object
) -> None:
    folder = tmp_path / "cmp"
    invoke("compare", DISTRICT, "--variants", "base", "more_response", *SHORT, "--out", folder)
    invoke("report", folder)
    invoke("run", DISTRICT, *SHORT, "--out", tmp_path / "run", "--records", "--quiet")
    files = [p for p in (*folder.rglob("*"), *(tmp_path / "run").rglob("*")) if p.is_file()]
    assert folder / "report.html" in files and len(files) > 10
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in files}
    assert set(modes.values()) == {0o644}, modes


def test_a_rerun_leaves_no_stale_report(tmp_path: Path) -> None:
    folder = tmp_path / "cmp"
    invoke("compare", DISTRICT, "--variants", "base", "more_response", *SHORT, "--out", folder)
    invoke("report", folder)
    assert (folder / "report.html").is_file()
    invoke("compare", DISTRICT, "--variants", "base", "fewer_response", *SHORT, "--out", folder)
    assert not (folder / "report.html").exists()
    run = tmp_path / "run"
    invoke("run", DISTRICT, *SHORT, "--out", run, "--records", "--quiet")
    invoke("report", run)
    invoke("run", DISTRICT, *SHORT, "--out", run, "--quiet")
    assert not (run / "report.html").exists() and not (run / "records").exists()


def test_kpi_names_are_not_cut_when_output_is_not_a_terminal(tmp_path: Path) -> None:
    result = invoke("run", DISTRICT, *SHORT, "--out", tmp_path / "run")
    for name in ("abandoned_after_target_share", "answered_within_target_share"):
        assert name in result.stdout
    assert "…" not in result.stdout

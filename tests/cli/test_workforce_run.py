"""``fmssim run`` on workforce scenarios: per-year headline, variants, workforce records."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from click.testing import CliRunner

from fmssim.cli import main

ROOT = Path(__file__).parents[2]
SMALL = ROOT / "scenarios" / "validation" / "workforce_pdu.yaml"


def run(*args: str) -> str:
    result = CliRunner().invoke(main, ["run", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_run_prints_the_headline_with_effective_strength(tmp_path: Path) -> None:
    output = run(str(SMALL), "--reps", "2", "--engine", "fast", "--out", str(tmp_path / "r"))
    assert "per planning year" in output
    assert "effective FTE response" in output
    assert "P1 attained within target" in output
    summary = pl.read_csv(tmp_path / "r" / "summary.csv")
    kpis = set(summary.filter(pl.col("area") == "workforce")["kpi"].to_list())
    assert {
        "experienced_fte",
        "students",
        "tutors_in_use",
        "students_waiting_for_tutor",
        "effective_fte",
        "leavers",
    } <= kpis


def test_run_a_variant_with_records(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    run(
        str(SMALL),
        "--variant",
        "stochastic",
        "--reps",
        "2",
        "--records",
        "--quiet",
        "--out",
        str(folder),
    )
    months = pl.read_parquet(folder / "records" / "workforce" / "*.parquet")
    assert months.height == 2 * 6  # two replications, six months, one department
    assert months["month"].unique().sort().to_list()[0] == "2019-01"
    summary = pl.read_csv(folder / "summary.csv")
    assert summary["variant"].unique().to_list() == ["stochastic"]

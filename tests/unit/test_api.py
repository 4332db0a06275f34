"""The Python API is the command line's twin: the same summary to the bit, the replications
behind it, a comparison without disk writes equal to ``fmssim compare``'s, and scenarios
given as a dict checked like files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

import fmssim
from fmssim.cli import main
from fmssim.scenario import ScenarioError

ROOT = Path(__file__).parents[2]
DISTRICT = ROOT / "scenarios" / "district_options.yaml"
SHORT = ["calendar.end=2019-03-01"]


def cli(*args: object) -> None:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output


def test_run_gives_the_summary_of_fmssim_run_to_the_bit(tmp_path: Path) -> None:
    result = fmssim.run(fmssim.load(DISTRICT, sets=SHORT), reps=3, seed=7)
    cli("run", DISTRICT, "--set", SHORT[0], "--reps", 3, "--seed", 7, "--out", tmp_path / "r")
    on_disk = pl.read_parquet(tmp_path / "r" / "summary.parquet")
    assert result.summary.drop("censored").equals(on_disk)
    assert result.engine == "fast" and result.warnings == ()


def test_replications_are_what_the_summary_averages() -> None:
    result = fmssim.run(DISTRICT, reps=3)
    reps = result.replications
    assert reps["replication"].unique().sort().to_list() == [0, 1, 2]
    means = reps.group_by("year", "area", "group", "kpi").agg(pl.col("value").mean())
    joined = result.summary.join(means, on=["year", "area", "group", "kpi"])
    known = joined.filter(pl.col("reps") == 3)
    assert known.height > 100
    np.testing.assert_allclose(known["mean"], known["value"], rtol=1e-12)


def test_compare_in_memory_equals_fmssim_compare(tmp_path: Path) -> None:
    # four pairs: with two, the paired t interval (1 degree of freedom, t = 12.7) is too
    # wide to show a 7-point gain reliably
    options = fmssim.compare(DISTRICT, ["base", "more_response"], reps=4, sets=SHORT)
    assert options.folder is None
    cli(
        "compare", DISTRICT, "--variants", "base", "more_response", "--reps", 4,
        "--set", SHORT[0], "--out", tmp_path / "c", "--quiet",
    )  # fmt: skip
    on_disk = pl.read_parquet(tmp_path / "c" / "comparison.parquet")
    assert options.differences.drop("censored").equals(on_disk)
    loaded = fmssim.load(DISTRICT, sets=SHORT)  # a loaded scenario: the same comparison
    again = fmssim.compare(loaded, ["base", "more_response"], reps=4)
    assert again.differences.equals(options.differences)
    p1 = options.differences.filter(pl.col("group") == "P1", pl.col("kpi") == "attained_share")
    assert (p1["ci_low"] > 0).all()  # one more unit on duty: P1 attended in time more often


def test_a_scenario_as_a_dict_is_checked_like_a_file() -> None:
    document = YAML(typ="safe", pure=True).load(DISTRICT.read_text(encoding="utf-8"))
    document["profiles"]["incidents"]["file"] = str(
        DISTRICT.parent / "data" / "hour_of_week_incidents.csv"
    )
    loaded = fmssim.load(document, variant="more_response")
    from_file = fmssim.load(DISTRICT, variant="more_response")
    profiles = from_file.scenario.profiles  # the same values, read from another path
    assert loaded.scenario.profiles["incidents"].values == profiles["incidents"].values
    assert loaded.scenario.model_copy(update={"profiles": profiles}) == from_file.scenario
    document["pools"]["response"]["roster"]["on_duty"] = "seven"
    with pytest.raises(ScenarioError, match=r"pools\.response\.roster\.on_duty"):
        fmssim.load(document)


def test_save_writes_a_run_folder_the_report_reads(tmp_path: Path) -> None:
    result = fmssim.run(DISTRICT, reps=2)
    folder = result.save(tmp_path / "saved")
    assert pl.read_parquet(folder / "summary.parquet").equals(result.summary.drop("censored"))
    assert pl.read_parquet(folder / "replications.parquet").equals(result.replications)
    cli("report", folder)
    assert "Headline" in (folder / "report.html").read_text(encoding="utf-8")


def test_april_to_march_years_are_labelled_as_such() -> None:
    from fmssim.report.units import year_labeller, year_note

    april = {"calendar": {"start": dt.date(2020, 4, 1)}}
    assert year_labeller(april)(2020) == "2020/21" and year_labeller(april)(2099) == "2099/00"
    assert year_note(april).startswith("Planning years run 1 April to 31 March: 2020/21 is")
    january = {"calendar": {"start": "2019-01-01"}}
    assert year_labeller(january)(2019) == "2019" and year_note(january) == ""

"""Randomness is an argument: same seed, same numbers; workers never change a result."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
from polars.testing import assert_frame_equal

from fmssim.experiment import run_experiment
from fmssim.model.compile import compile_scenario
from fmssim.model.draws import draw
from fmssim.scenario import load_scenario

TEXTBOOK = Path(__file__).parents[2] / "scenarios" / "validation" / "priority_mmc.yaml"
SHORT = ["calendar.end=2019-02-01", "experiment.replications=4"]


def summary(*sets: str, workers: int = 1) -> pl.DataFrame:
    loaded = load_scenario(TEXTBOOK, sets=[*SHORT, *sets])
    return run_experiment(loaded, workers=workers).summary


def test_same_seed_same_summary_whatever_the_workers() -> None:
    one = summary("experiment.engine=des")
    assert_frame_equal(one, summary("experiment.engine=des"), check_exact=True)
    assert_frame_equal(one, summary("experiment.engine=des", workers=2), check_exact=True)
    assert_frame_equal(one, summary("experiment.engine=fast", workers=2), check_exact=True)


def test_different_seed_different_results() -> None:
    a = summary("experiment.seed=1")
    b = summary("experiment.seed=2")
    assert not np.allclose(a["mean"].to_numpy(), b["mean"].to_numpy(), equal_nan=True)


def test_streams_do_not_depend_on_other_grades_or_the_variant() -> None:
    """Common random numbers: changing P3's volume leaves P1's draws untouched."""
    base = compile_scenario(load_scenario(TEXTBOOK).scenario)
    changed = compile_scenario(
        load_scenario(TEXTBOOK, sets=["demand.incidents.P3.annual_volume=20000"]).scenario
    )
    a, b = draw(base, 0).incidents, draw(changed, 0).incidents
    p1a, p1b = a.grade == 0, b.grade == 0
    assert np.array_equal(a.created_min[p1a], b.created_min[p1b])
    assert np.array_equal(a.on_scene_min[p1a], b.on_scene_min[p1b])
    assert (b.grade == 2).sum() > (a.grade == 2).sum()


def test_replications_are_independent_streams() -> None:
    inputs = compile_scenario(load_scenario(TEXTBOOK).scenario)
    first, second = draw(inputs, 0).incidents, draw(inputs, 1).incidents
    n = min(len(first), len(second))
    assert not np.array_equal(first.created_min[:n], second.created_min[:n])


def test_a_scenario_without_incidents_or_contacts_summarises() -> None:
    """Contact handling only (Erlang A, no grades), and dispatch only: both reduce to KPIs."""
    erlang = TEXTBOOK.parent / "erlang_a.yaml"
    for path in (erlang, TEXTBOOK):
        loaded = load_scenario(path, sets=["calendar.end=2019-01-05", "experiment.replications=2"])
        table = run_experiment(loaded).summary
        assert table.height > 0 and table["reps"].max() == 2


def test_investigation_summary_is_identical_whatever_the_workers_and_engine() -> None:
    """Investigation KPIs (crimes from incidents and contacts included) are bit-identical with
    one or two workers and with either engine."""
    chained = TEXTBOOK.parent / "crimes_chained.yaml"
    sets = ["calendar.end=2019-01-14", "experiment.replications=3"]

    def run(engine: str, workers: int) -> pl.DataFrame:
        loaded = load_scenario(chained, sets=[*sets, f"experiment.engine={engine}"])
        return run_experiment(loaded, workers=workers).summary

    one = run("fast", 1)
    assert one.filter(pl.col("area") == "investigation").height > 0
    assert_frame_equal(one, run("fast", 2), check_exact=True)
    assert_frame_equal(one, run("des", 2), check_exact=True)

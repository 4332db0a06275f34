"""Incident types, routing and the pre-dispatch stage, on both engines.

Scenario: scenarios/validation/incident_types.yaml — chained 999/101 calls and a P3 stream;
domestic abuse (DA) is 20% of P1, 30% of P2 and 40% of P3, with its own time on scene and
pre-dispatch time; a quarter of DA P2s become P4 appointments and a fifth of DA P3s are closed
(P9); every DA incident records a DA crime.

Laws: response = pre-dispatch + wait for a unit + travel, exactly, for every attended
incident; a hand-computed timeline with a pre-dispatch stage; the engines agree record for
record; type and routing shares match their probabilities (binomial intervals at 99.9%);
crimes follow the type's own share.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from scipy import stats

from fmssim.analytics.tables import incident_table
from fmssim.engine import des, fast
from fmssim.engine.simulate import Simulated, simulate
from fmssim.model.case_draws import source_kind
from fmssim.model.compile import compile_scenario
from fmssim.model.draws import IncidentDraws, draw
from fmssim.model.inputs import Inputs
from fmssim.scenario import load_scenario

ROOT = Path(__file__).parents[2] / "scenarios" / "validation"
SCENARIO = ROOT / "incident_types.yaml"
Z = stats.norm.ppf(1 - 0.001 / 2)  # two-sided 99.9%


@cache
def inputs() -> Inputs:
    return compile_scenario(load_scenario(SCENARIO).scenario)


@cache
def run(engine: str, rep: int = 0) -> Simulated:
    return simulate(engine, inputs(), rep)


@cache
def records(engine: str, rep: int = 0) -> pl.DataFrame:
    result = run(engine, rep)
    return incident_table(inputs(), result.draws, result.incidents)


@pytest.mark.parametrize("engine", ["des", "fast"])
def test_response_is_pre_dispatch_plus_wait_plus_travel(engine: str) -> None:
    table = records(engine).filter(pl.col("arrived_min").is_not_nan() & pl.col("slot_min").is_nan())
    travel = table["arrived_min"] - table["assigned_min"]
    parts = table["pre_dispatch_min"] + table["wait_min"] + travel
    assert len(table) > 1000
    np.testing.assert_allclose(parts.to_numpy(), table["response_min"].to_numpy(), atol=1e-9)
    assert (table["pre_dispatch_min"] >= 0).all() and (table["wait_min"] >= 0).all()
    # the stage is really there: every P1 waits its fixed 2 minutes before dispatch
    p1 = table.filter((pl.col("grade") == "P1") & (pl.col("type") == "other"))
    assert np.allclose(p1["pre_dispatch_min"].to_numpy(), 2.0)


def test_engines_agree_record_for_record() -> None:
    a, b = run("des"), run("fast")
    assert a.incidents.same_as(b.incidents), a.incidents.first_difference(b.incidents)
    assert a.cases is not None and b.cases is not None
    assert a.cases.same_as(b.cases), a.cases.first_difference(b.cases)


@pytest.mark.parametrize("engine", ["des", "fast"])
def test_a_hand_computed_timeline_with_a_pre_dispatch_stage(engine: str) -> None:
    """The golden timeline (tests/validation/test_golden_timeline.py) with P2 #0 logged at
    00:10 and ready at 00:30 after a 20-minute pre-dispatch stage: every unit time is as
    before, its response is 35 − 10 = 25 min, and its wait for a unit is 0."""
    golden = compile_scenario(load_scenario(ROOT / "golden_timeline.yaml").scenario)
    incidents = IncidentDraws(
        created_min=np.array([30.0, 40.0, 100.0]),
        grade=np.array([1, 1, 0]),
        travel_min=np.full(3, 5.0),
        on_scene_min=np.full(3, 50.0),
        write_up_min=np.full(3, 10.0),
        logged_min=np.array([10.0, 40.0, 100.0]),
        pre_dispatch_min=np.array([20.0, 0.0, 0.0]),
    )
    draws = replace(draw(golden, 0), incidents=incidents)
    outcome = {"des": des.run, "fast": fast.run}[engine](golden, draws)
    table = incident_table(golden, draws, outcome)
    first = table.row(0, named=True)
    assert (first["assigned_min"], first["arrived_min"], first["free_min"]) == (30.0, 35.0, 95.0)
    assert (first["response_min"], first["pre_dispatch_min"], first["wait_min"]) == (
        25.0,
        20.0,
        0.0,
    )
    assert table["assigned_min"].to_list() == [30.0, 185.0, 120.0]


def _within(hits: int, n: int, p: float) -> bool:
    """``hits`` of ``n`` is consistent with probability ``p`` at 99.9% (normal interval)."""
    return abs(hits - n * p) <= Z * np.sqrt(n * p * (1 - p)) + 1


def test_type_shares_and_routing_follow_their_probabilities() -> None:
    table = pl.concat([records("fast", rep) for rep in range(3)])
    da = pl.col("type") == "domestic_abuse"
    for grade, share in {"P1": 0.2, "P2": 0.3, "P3": 0.4}.items():
        graded = table.filter(pl.col("graded") == grade)
        assert _within(graded.filter(da).height, graded.height, share), grade
    for source, target, share in (("P2", "P4", 0.25), ("P3", "P9", 0.2)):
        mine = table.filter(da & (pl.col("graded") == source))
        moved = mine.filter(pl.col("grade") != source)
        assert set(moved["grade"].cast(pl.String).to_list()) == {target}
        assert _within(moved.height, mine.height, share), source
    other = table.filter(pl.col("type") == "other")
    assert (other["grade"].cast(pl.String) == other["graded"].cast(pl.String)).all()
    assert table.filter(pl.col("grade") == "P9")["type"].null_count() > 0  # untyped P9 calls


@pytest.mark.parametrize("engine", ["des", "fast"])
def test_every_domestic_abuse_incident_records_a_domestic_abuse_crime(engine: str) -> None:
    """Crime share 1 for DA: cases from incidents = DA incidents cleared (attended grades) or
    created (P9, nobody attends) before the horizon; other incidents record none."""
    result = run(engine)
    table = records(engine)
    da = table.filter(pl.col("type") == "domestic_abuse")
    done = da.filter(pl.col("cleared_min").is_not_nan() | (pl.col("grade") == "P9")).height
    cases = result.draws.cases
    assert cases is not None
    assert int((source_kind(inputs(), cases.source) == "incident").sum()) == done

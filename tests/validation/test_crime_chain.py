"""Crimes created by incidents and contacts (the chained stage), on both engines.

Scenario: scenarios/validation/crimes_chained.yaml — 999 and 101 calls chained into P1, P2
and P9 incidents; P1/P2 incidents record a violent crime when cleared, P9 resolutions a
theft when created, handled 101 calls a fraud when released; a violence stream of its own.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fmssim.engine.simulate import Simulated, simulate
from fmssim.model.case_draws import source_kind
from fmssim.model.compile import compile_scenario
from fmssim.model.inputs import Inputs
from fmssim.model.streams import StreamKind, generator
from fmssim.scenario import load_scenario

SCENARIO = Path(__file__).parents[2] / "scenarios" / "validation" / "crimes_chained.yaml"


@cache
def inputs(*sets: str) -> Inputs:
    return compile_scenario(load_scenario(SCENARIO, sets=list(sets)).scenario)


@cache
def run(engine: str, rep: int = 0) -> Simulated:
    return simulate(engine, inputs(), rep)


@pytest.mark.parametrize("engine", ["des", "fast"])
def test_each_cleared_incident_records_its_crime_at_clear_time(engine: str) -> None:
    """Cases from grade g = the cleared (or, unattended, created) incidents whose uniform
    falls below the grade's share, created at exactly those instants."""
    result, ins = run(engine), inputs()
    inv, d, cases = ins.investigations, result.draws.incidents, result.draws.cases
    assert inv is not None and cases is not None
    base = len(inv.names) + len(inv.types.names)
    for g, name in enumerate(ins.grades.names):
        ids = np.flatnonzero(d.grade == g)
        u = generator(ins.seed, 0, StreamKind.INCIDENT_CRIME, name).random(len(ids))
        when = d.created_min[ids] if ins.grades.pool[g] < 0 else result.incidents.cleared_min[ids]
        expected = np.sort(when[(u < inv.grade_crime_share[g]) & ~np.isnan(when)])
        mine = cases.source == base + g
        assert np.array_equal(np.sort(cases.created_min[mine]), expected), name
        assert np.all(cases.ctype[mine] == inv.grade_crime_type[g])
        assert inv.grade_crime_share[g] == 0 or mine.sum() > 0, name


@pytest.mark.parametrize("engine", ["des", "fast"])
def test_handled_calls_record_their_crime_at_release(engine: str) -> None:
    result, ins = run(engine), inputs()
    inv, d, cases, out = (
        ins.investigations,
        result.draws.contacts,
        result.draws.cases,
        result.contacts,
    )
    assert inv is not None and d is not None and cases is not None and out is not None
    handled = np.flatnonzero(~np.isnan(out.released_min))
    channel = d.channel[d.owner[handled]]
    c = ins.channels.names.index("101")
    hit = (channel == c) & (d.crime_u[d.owner[handled]] < inv.channel_crime_share[c])
    mine = source_kind(ins, cases.source) == "contact"
    assert mine.sum() == hit.sum() > 0
    assert np.array_equal(np.sort(cases.created_min[mine]), np.sort(out.released_min[handled][hit]))


def test_a_types_own_stream_is_untouched_by_chained_crimes() -> None:
    """The violence stream's cases are the same with or without crimes from incidents."""
    plain = inputs("dispatch.grades.P1.crime_share=0", "dispatch.grades.P2.crime_share=0")
    a = simulate("fast", plain, 0).draws.cases
    b = run("fast").draws.cases
    assert a is not None and b is not None
    sa, sb = source_kind(plain, a.source) == "stream", source_kind(inputs(), b.source) == "stream"
    for field in ("created_min", "effort_min", "floor_min", "risk"):
        assert np.array_equal(getattr(a, field)[sa], getattr(b, field)[sb]), field


@pytest.mark.parametrize("rep", [0, 1, 2])
def test_parity_with_chained_crimes(rep: int) -> None:
    des, fast = run("des", rep), run("fast", rep)
    assert des.cases is not None and fast.cases is not None
    assert des.cases.same_as(fast.cases), des.cases.first_difference(fast.cases)


@settings(derandomize=True, database=None, deadline=None, max_examples=30)
@given(
    p1=st.sampled_from([0.0, 0.3, 1.0]),
    p9=st.sampled_from([0.0, 0.5]),
    calls=st.sampled_from([0.0, 0.2, 1.0]),
    seed=st.integers(0, 2**32),
    rep=st.integers(0, 3),
)
def test_random_crime_shares_parity(
    p1: float, p9: float, calls: float, seed: int, rep: int
) -> None:
    """Random crime shares and seeds over three days: identical records in both engines."""
    sets = [
        "calendar.end=2019-01-10",
        f"dispatch.grades.P1.crime_share={p1}",
        f"dispatch.grades.P9.crime_share={p9}",
        f"demand.channels.101.crime_share={calls}",
        f"experiment.seed={seed}",
    ]
    ins = compile_scenario(load_scenario(SCENARIO, sets=sets).scenario)
    des, fast = simulate("des", ins, rep), simulate("fast", ins, rep)
    assert des.incidents.same_as(fast.incidents)
    assert des.cases is not None and fast.cases is not None
    assert des.cases.same_as(fast.cases), des.cases.first_difference(fast.cases)

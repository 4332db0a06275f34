"""Laws every investigation run keeps, on both engines: nothing lost, caps never exceeded,
no case waits while a slot is free, urgent cases first, floors respected, no case worked
by an ineligible investigator, Little's law.

Scenario: scenarios/validation/investigations.yaml (two departments, several crime types,
screening, risk levels, floors, an initial backlog). Little's law is checked per department
and planning year: open_cases_mean = finalised rate × mean open time, the relative gap
inside a 99% Student-t interval across fixed-seed replications.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from fmssim.analytics.intervals import t_interval
from fmssim.analytics.investigation import case_table, investigation_kpis
from fmssim.engine.simulate import simulate
from fmssim.model.case_draws import case_eligibility
from fmssim.model.compile import compile_scenario
from fmssim.model.inputs import Inputs
from fmssim.scenario import load_scenario

SCENARIO = Path(__file__).parents[2] / "scenarios" / "validation" / "investigations.yaml"
REPS = 8
LEVEL = 0.99


@cache
def inputs() -> Inputs:
    return compile_scenario(load_scenario(SCENARIO).scenario)


@cache
def cases(engine: str, rep: int) -> pl.DataFrame:
    result = simulate(engine, inputs(), rep)
    assert result.draws.cases is not None and result.cases is not None
    return case_table(inputs(), result.draws.cases, result.cases, rep)


@pytest.mark.parametrize("engine", ["des", "fast"])
def test_conservation(engine: str) -> None:
    """Opened (incl. the backlog) = screened out + finalised + open at the end, per
    department; and every case is exactly one of those."""
    table = cases(engine, 0)
    horizon = inputs().grid.horizon_min
    for dept in inputs().investigations.names:  # type: ignore[union-attr]
        mine = table.filter(pl.col("department") == dept)
        screened = mine.filter(pl.col("screened")).height
        finalised = mine.filter(pl.col("finalised_min") < horizon).height
        still_open = mine.filter(~pl.col("screened"), pl.col("finalised_min").is_nan()).height
        assert mine.height == screened + finalised + still_open, dept
        assert mine.filter(pl.col("screened"), pl.col("allocated_min").is_not_nan()).height == 0
    backlog = table.filter(pl.col("backlog")).height
    assert backlog == 40 and table.filter(pl.col("backlog"), pl.col("screened")).height == 0


@pytest.mark.parametrize("engine", ["des", "fast"])
def test_timeline_order_and_floors(engine: str) -> None:
    """entered ≤ allocated ≤ worked ≤ finalised; finalised ≥ created + floor; worked cases
    are finalised at once when their floor has passed."""
    table = cases(engine, 1).filter(pl.col("finalised_min").is_not_nan())
    assert (table["allocated_min"] >= table["entered_min"]).all()
    assert (table["worked_min"] >= table["allocated_min"]).all()
    assert (table["finalised_min"] >= table["worked_min"]).all()
    draws = simulate(engine, inputs(), 1).draws.cases
    assert draws is not None
    floor_at = draws.created_min + draws.floor_min
    done = ~np.isnan(table["finalised_min"].to_numpy())
    ids = table["case"].to_numpy()[done]
    fin, worked = table["finalised_min"].to_numpy()[done], table["worked_min"].to_numpy()[done]
    assert np.all(fin >= floor_at[ids])
    assert np.all(fin == np.maximum(worked, floor_at[ids]))


def held_at(mine: pl.DataFrame, t: np.ndarray) -> np.ndarray:
    """Cases holding a slot just after every change at each instant ``t``."""
    start = np.sort(mine["allocated_min"].drop_nans().to_numpy())
    end = np.sort(mine["finalised_min"].drop_nans().to_numpy())
    result: np.ndarray = np.searchsorted(start, t, side="right") - np.searchsorted(
        end, t, side="right"
    )
    return result


@pytest.mark.parametrize("engine", ["des", "fast"])
def test_caps_and_no_idle_slot_while_waiting(engine: str) -> None:
    """No investigator ever holds more than its cap; a case waits for allocation only
    while every slot of the investigators eligible for it is taken."""
    inv = inputs().investigations
    assert inv is not None
    result = simulate(engine, inputs(), 2)
    assert result.draws.cases is not None
    eligible = case_eligibility(inv, result.draws.cases)
    table = cases(engine, 2).with_columns(eligible=eligible).filter(~pl.col("screened"))
    for d, dept in enumerate(inv.names):
        mine = table.filter(pl.col("department") == dept)
        cap, klass = int(inv.cap[d]), inv.investigator_class[d]
        held = mine.filter(pl.col("investigator").is_not_null())
        for _, per in held.group_by("investigator"):
            times = per["allocated_min"].to_numpy()
            assert held_at(per, times).max() <= cap
        waited = mine.filter((pl.col("wait_min") > 0) | pl.col("allocated_min").is_nan())
        assert waited.height > 0, f"{dept}: nobody waited, the check is empty"
        for (mask,), group in waited.group_by("eligible"):
            ok = np.flatnonzero((int(mask) >> klass) & 1)
            slots = cap * len(ok)
            by_them = held.filter(pl.col("investigator").is_in(ok.tolist()))
            at = held_at(by_them, group["entered_min"].to_numpy())
            assert np.all(at == slots), f"{dept}: a case waited while an eligible slot was free"


def test_most_urgent_first() -> None:
    """Among cases of one department waiting at the same allocation instant, none is
    allocated ahead of a more urgent one (a higher risk level) that waits on and that the
    same investigator could have taken (its class eligible)."""
    inv = inputs().investigations
    assert inv is not None
    result = simulate("fast", inputs(), 3)
    assert result.draws.cases is not None
    eligible = case_eligibility(inv, result.draws.cases)
    d = inv.names.index("safeguarding")
    table = (
        cases("fast", 3)
        .with_columns(eligible=eligible)
        .filter(pl.col("department") == "safeguarding", ~pl.col("backlog"))
    )
    rank = {"high": 0, "medium": 1, "standard": 2}
    ranked = table.with_columns(rank=pl.col("risk").replace_strict(rank, return_dtype=pl.Int64))
    allocated = ranked.filter(pl.col("allocated_min").is_not_nan(), pl.col("wait_min") > 0)
    assert allocated.height > 0
    for row in allocated.iter_rows(named=True):
        t, klass = row["allocated_min"], int(inv.investigator_class[d][row["investigator"]])
        skipped = ranked.filter(
            pl.col("entered_min") <= t,
            (pl.col("allocated_min") > t) | pl.col("allocated_min").is_nan(),
            (pl.col("rank") < row["rank"])
            | ((pl.col("rank") == row["rank"]) & (pl.col("case") < row["case"])),
            (pl.col("eligible") // (1 << klass)) % 2 == 1,
        )
        assert skipped.height == 0, f"case {row['case']} allocated ahead of {skipped['case']}"


def test_littles_law_per_department() -> None:
    """open_cases_mean = (finalised per minute) × mean time present of the cases finalised
    (from entering the department: minute 0 for the backlog), per department and year; 99%
    interval of the relative gap across replications."""
    inv = inputs().investigations
    assert inv is not None
    bounds = inputs().grid.year_bounds_min
    gaps: dict[tuple[str, int], list[float]] = {}
    for rep in range(REPS):
        result = simulate("fast", inputs(), rep)
        assert result.draws.cases is not None and result.cases is not None
        kpis = investigation_kpis(inputs(), result.draws.cases, result.cases, bounds)
        table = case_table(inputs(), result.draws.cases, result.cases, rep)
        for k, year in enumerate(inputs().grid.year_labels):
            lo, hi = bounds[k], bounds[k + 1]
            for dept in inv.names:
                done = table.filter(
                    pl.col("department") == dept,
                    pl.col("finalised_min") >= lo,
                    pl.col("finalised_min") < hi,
                )
                present = (done["finalised_min"] - done["entered_min"]).mean()
                little = done.height / (hi - lo) * present  # type: ignore[operator]
                value = kpis.filter(
                    pl.col("year") == year,
                    pl.col("group") == dept,
                    pl.col("kpi") == "open_cases_mean",
                )["value"].item()
                gaps.setdefault((dept, year), []).append(little / value - 1.0)
    for key, values in gaps.items():
        v = np.array(values)
        low, high = t_interval(float(v.mean()), float(v.var(ddof=1)), len(v), LEVEL)
        print(f"{key}: relative gap 99% interval [{low:.4f}, {high:.4f}]")
        assert low <= 0.0 <= high, f"{key}: Little's law gap [{low:.4f}, {high:.4f}]"


@pytest.mark.parametrize("engine", ["des", "fast"])
def test_never_worked_by_an_ineligible_investigator(engine: str) -> None:
    """Every allocated case's investigator is of a class its eligibility allows (high-risk
    abuse only to PIP2 detectives, investigators 0-7 of safeguarding)."""
    inv = inputs().investigations
    assert inv is not None
    result = simulate(engine, inputs(), 4)
    draws, out = result.draws.cases, result.cases
    assert draws is not None and out is not None
    eligible = case_eligibility(inv, draws)
    taken = np.flatnonzero(~np.isnan(out.investigator))
    for d in range(len(inv.names)):
        mine = taken[draws.department[taken] == d]
        klass = inv.investigator_class[d][out.investigator[mine].astype(np.int64)]
        assert np.all((eligible[mine] >> klass) & 1), inv.names[d]
    restricted = taken[eligible[taken] == 1]
    high = inv.types.risk_names[2].index("high")
    assert len(restricted) > 0 and np.all(draws.risk[restricted] == high)

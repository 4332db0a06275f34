"""The KPI reducer on the engines' arrays gives the record-table path's KPIs, bit for bit.

Every area is compared: dispatch, incident types, pools (``analytics.reduce``), contacts
(``analytics.attempts``, against ``analytics.contact`` on the attempt table; the shipped
scenarios between them spill, call back, redial, close by bot and span two planning years),
investigations and workforce.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from fmssim.engine.simulate import simulate
from fmssim.experiment.replication import reduced_kpis, table_kpis
from fmssim.model.compile import compile_scenario
from fmssim.scenario import load_scenario

SCENARIOS = Path(__file__).parents[2] / "scenarios"
SHIPPED = sorted(SCENARIOS.rglob("*.yaml"))
SHORT_DAYS = {"baseline_2019.yaml": 60, "uplift_2020_2024.yaml": 60}
"""The two big shipped scenarios are cut to this many days to keep the test short (the
other scenarios, ``district_options`` with two planning years among them, run in full)."""


def _sets(path: Path) -> list[str]:
    days = SHORT_DAYS.get(path.name)
    if days is None:
        return []
    start = load_scenario(path).scenario.calendar.start
    return [f"calendar.end={(start + dt.timedelta(days=days)).isoformat()}"]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.relative_to(SCENARIOS).as_posix())
@pytest.mark.parametrize("engine", ["fast"])
def test_reducer_is_bit_identical_to_the_record_tables(path: Path, engine: str) -> None:
    inputs = compile_scenario(load_scenario(path, sets=_sets(path)).scenario)
    for replication in (0, 1):
        result = simulate(engine, inputs, replication)
        ran = result.inputs or inputs
        new, old = pl.concat(reduced_kpis(ran, result)), pl.concat(table_kpis(ran, result))
        assert_frame_equal(new, old, check_exact=True)
        assert new["value"].is_nan().sum() == old["value"].is_nan().sum()
        assert new["value"].null_count() == old["value"].null_count()
        if result.contacts is not None:
            assert new.filter(pl.col("area") == "contact").height > 0


@pytest.mark.parametrize(
    ("name", "end"),
    [
        ("contact_policies.yaml", "2019-01-02"),
        ("contact_mix.yaml", "2019-01-08"),
        ("erlang_a.yaml", "2019-01-02"),
    ],
)
def test_contact_reducer_on_a_one_day_year(name: str, end: str) -> None:
    """A one-day planning year after the warm-up: groups of a few attempts (few answered,
    none queued on some channels), many attempts outside the year."""
    path = SCENARIOS / "validation" / name
    inputs = compile_scenario(load_scenario(path, sets=[f"calendar.end={end}"]).scenario)
    for replication in range(4):
        result = simulate("fast", inputs, replication)
        ran = result.inputs or inputs
        new, old = pl.concat(reduced_kpis(ran, result)), pl.concat(table_kpis(ran, result))
        assert_frame_equal(new, old, check_exact=True)

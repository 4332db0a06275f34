"""(b) One simulated year of the largest shipped scenario through both engines, by stage.

A replication runs in stages (contacts, then the dispatch of the incidents they create); each
stage is timed on its own, with every random number drawn beforehand. The fast engine
simulates the full year. The reference engine simulates the same scenario over its warm-up
plus REFERENCE_DAYS days, and ``check_ratios.py`` scales it to the year by comparing time
per contact or incident (its cost per entity barely depends on the horizon).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from fmssim.engine import fast
from fmssim.engine.simulate import ENGINES
from fmssim.model.compile import compile_scenario
from fmssim.model.contact_draws import ContactDraws
from fmssim.model.draws import Draws, chain, draw
from fmssim.model.inputs import Inputs
from workloads import largest_shipped_scenario, one_year

REFERENCE_DAYS = 1
"""Days after the warm-up that the reference engine simulates."""
DAYS = {"fast": 365.0, "des": float(REFERENCE_DAYS)}
ROLE = {"fast": "fast", "des": "reference"}


@dataclass(frozen=True)
class Staged:
    """A compiled scenario and the draws of each stage (the dispatch stage's include the
    incidents created by contacts, the same for both engines since their contacts agree)."""

    path: Path
    inputs: Inputs
    draws: Draws
    """With the attempts made and the incidents chained."""
    contacts: ContactDraws | None
    """As drawn, before the contact stage."""


def staged(path: Path, days: float) -> Staged:
    """Replication 0 of ``path`` over ``days`` days after its start, drawn stage by stage."""
    inputs = compile_scenario(one_year(path, days).scenario)
    missing = fast.supports(inputs)
    if missing:
        pytest.skip(f"{path.name}: fast engine lacks {', '.join(missing)}")
    draws = drawn = draw(inputs, 0)
    if drawn.contacts is not None:
        made, out = ENGINES["fast"][0](inputs, drawn.contacts)
        draws = chain(inputs, replace(drawn, contacts=made), out)
    return Staged(path, inputs, draws, drawn.contacts)


@pytest.fixture(scope="module")
def scenarios() -> dict[str, Staged]:
    """The largest shipped scenario, a year for the fast engine and a slice for the other."""
    path = largest_shipped_scenario()
    return {engine: staged(path, days) for engine, days in DAYS.items()}


def tag(benchmark: BenchmarkFixture, stage: str, engine: str, s: Staged, count: int) -> None:
    """Label a result for ``check_ratios.py``."""
    benchmark.group = f"scenario year: {stage}"
    benchmark.extra_info.update(
        workload=f"scenario_year:{stage}",
        role=ROLE[engine],
        scenario=s.path.name,
        entities=count,
        simulated_days=s.inputs.grid.horizon_min / 1440.0,
    )


@pytest.mark.parametrize("engine", ["fast", "des"])
def test_year_contacts(
    benchmark: BenchmarkFixture, scenarios: dict[str, Staged], engine: str, rounds: int
) -> None:
    s = scenarios[engine]
    if s.contacts is None:
        pytest.skip(f"{s.path.name} has no contact channels")
    tag(benchmark, "contacts", engine, s, len(s.contacts))
    run = ENGINES[engine][0]
    timed = rounds if engine == "fast" else min(rounds, 2)
    warmup = 1 if engine == "fast" else 0
    benchmark.pedantic(run, args=(s.inputs, s.contacts), rounds=timed, warmup_rounds=warmup)


@pytest.mark.parametrize("engine", ["fast", "des"])
def test_year_dispatch(
    benchmark: BenchmarkFixture, scenarios: dict[str, Staged], engine: str, rounds: int
) -> None:
    s = scenarios[engine]
    tag(benchmark, "dispatch", engine, s, len(s.draws.incidents))
    run = ENGINES[engine][1]
    timed = rounds if engine == "fast" else min(rounds, 2)
    warmup = 1 if engine == "fast" else 0
    out = benchmark.pedantic(run, args=(s.inputs, s.draws), rounds=timed, warmup_rounds=warmup)
    if engine == "des":
        assert out.same_as(fast.run(s.inputs, s.draws)), "the engines disagree"

"""(c) Replications per second, and (d) peak memory against the number of replications.

(c) times :func:`~fmssim.experiment.replication.run_replication` (draw, simulate with the
fast engine, reduce to KPIs) for one simulated year of each shipped scenario; every round is
a new replication. (d) runs :func:`~fmssim.experiment.run_experiment` with more and more
replications under ``tracemalloc`` (Python and numpy allocations) and records the peak,
which should stay flat: summaries stream, records are not kept.
"""

from __future__ import annotations

import itertools
import tracemalloc
from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from fmssim.experiment import run_experiment
from fmssim.experiment.replication import Task, run_replication
from fmssim.model.compile import compile_scenario
from workloads import SCENARIOS, largest_shipped_scenario, one_year

REPLICATION_ROUNDS = 3
"""At most this many timed replications per scenario (a year of the baseline takes seconds)."""
MEMORY_REPLICATIONS = (1, 4, 16)
MEMORY_DAYS = 14
"""Days after the warm-up simulated per replication in the memory benchmark."""


@pytest.mark.parametrize(
    "path", sorted(SCENARIOS.rglob("*.yaml")), ids=lambda p: p.relative_to(SCENARIOS).as_posix()
)
def test_replications_per_second(benchmark: BenchmarkFixture, path: Path, rounds: int) -> None:
    inputs = compile_scenario(one_year(path).scenario)
    reps = itertools.count()
    benchmark.group = "replications"
    benchmark.extra_info.update(workload="replication", role="fast", scenario=path.name)
    benchmark.pedantic(
        lambda: run_replication(Task(inputs, next(reps), "fast")),
        rounds=min(rounds, REPLICATION_ROUNDS),
        warmup_rounds=1,
    )


def peak_bytes(path: Path, replications: int) -> int:
    """Peak traced memory of a whole experiment of ``replications`` replications."""
    sets = (f"experiment.replications={replications}", "experiment.engine=fast")
    loaded = one_year(path, MEMORY_DAYS, sets)
    tracemalloc.start()
    try:
        run_experiment(loaded)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def memory_scenario() -> Path:
    """The largest shipped scenario, after one untraced replication (compilation, caches)."""
    path = largest_shipped_scenario()
    peak_bytes(path, 1)
    return path


@pytest.mark.parametrize("replications", MEMORY_REPLICATIONS)
def test_peak_memory(benchmark: BenchmarkFixture, memory_scenario: Path, replications: int) -> None:
    benchmark.group = "memory"
    args = (memory_scenario, replications)
    peak = benchmark.pedantic(peak_bytes, args=args, rounds=1, warmup_rounds=0)
    benchmark.extra_info.update(
        workload="memory",
        role="fast",
        scenario=memory_scenario.name,
        replications=replications,
        peak_bytes=peak,
    )

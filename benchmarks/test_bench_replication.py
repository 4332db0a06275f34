"""Whole replications against their engines (issue 18), ratios in one run.

* ``whole_replication``: one replication of a force-year of the 2019 baseline
  (:func:`~fmssim.experiment.replication.run_replication`: draw, chain, run the engines,
  reduce to KPIs) against the engines alone on the same replication's draws (contact stage,
  dispatch stage, investigation stage). Target: whole ≤ 1.5 × engines.
* ``whole_process``: the reference (SimPy) engine against the fast engine, whole
  replication (draws and KPIs included), on the baseline cut to
  :data:`WHOLE_PROCESS_DAYS` days so that the reference engine runs in seconds.
  Target: ≥ 50 ×.
* ``horizon_memory``: peak resident memory of a fresh process running one replication of
  the four-year uplift scenario (``ru_maxrss``). Target: ≤ 1 GiB.
"""

from __future__ import annotations

import itertools
import resource
import subprocess
import sys
import textwrap
from dataclasses import dataclass, replace

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from fmssim.engine.simulate import CASES, ENGINES
from fmssim.experiment.replication import Task, run_replication
from fmssim.model.case_chain import chain_cases
from fmssim.model.compile import compile_scenario
from fmssim.model.draws import Draws, chain, draw
from fmssim.model.inputs import Inputs
from fmssim.model.travel import scale_travel
from fmssim.workforce.coupling import replication_inputs
from workloads import SCENARIOS, one_year

BASELINE = SCENARIOS / "baseline_2019.yaml"
UPLIFT = SCENARIOS / "uplift_2020_2024.yaml"
WHOLE_PROCESS_DAYS = 21.0
"""Days of the baseline (after its start, warm-up included) in the whole-process workload."""
REPLICATION = 3


@dataclass(frozen=True)
class Staged:
    """One replication's inputs to each engine stage (drawn and chained outside the timing)."""

    inputs: Inputs
    contacts: Draws
    incidents: Draws
    cases: Draws


def staged(inputs: Inputs, replication: int) -> Staged:
    """As :func:`fmssim.engine.simulate.simulate` does, keeping each stage's input."""
    run_contacts, run_dispatch = ENGINES["fast"]
    inputs, _ = replication_inputs(inputs, replication)
    first = draw(inputs, replication)
    chained = first
    contacts = None
    if first.contacts is not None:
        made, contacts = run_contacts(inputs, first.contacts)
        chained = chain(inputs, replace(first, contacts=made), contacts)
    chained = scale_travel(inputs, chained)
    incidents = run_dispatch(inputs, chained)
    with_cases = chain_cases(inputs, chained, incidents, contacts)
    return Staged(inputs, first, chained, with_cases)


def engines_only(s: Staged) -> None:
    """The three engine stages of one replication, fast engine."""
    run_contacts, run_dispatch = ENGINES["fast"]
    if s.contacts.contacts is not None:
        run_contacts(s.inputs, s.contacts.contacts)
    run_dispatch(s.inputs, s.incidents)
    if s.cases.cases is not None:
        CASES["fast"](s.inputs, s.cases.cases)


@pytest.fixture(scope="module")
def baseline() -> Inputs:
    return compile_scenario(one_year(BASELINE).scenario)


def test_whole_replication(benchmark: BenchmarkFixture, baseline: Inputs, rounds: int) -> None:
    reps = itertools.count(REPLICATION)
    benchmark.group = "whole replication"
    benchmark.extra_info.update(workload="whole_replication", role="whole")
    benchmark.pedantic(
        lambda: run_replication(Task(baseline, next(reps), "fast")),
        rounds=min(rounds, 5),
        warmup_rounds=1,
    )


def test_engines_only(benchmark: BenchmarkFixture, baseline: Inputs, rounds: int) -> None:
    s = staged(baseline, REPLICATION)
    benchmark.group = "whole replication"
    benchmark.extra_info.update(workload="whole_replication", role="engines")
    benchmark.pedantic(engines_only, args=(s,), rounds=min(rounds, 5), warmup_rounds=1)


@pytest.mark.parametrize("engine", ["fast", "des"])
def test_whole_process(benchmark: BenchmarkFixture, engine: str, rounds: int) -> None:
    inputs = compile_scenario(one_year(BASELINE, WHOLE_PROCESS_DAYS).scenario)
    benchmark.group = "whole process"
    role = "fast" if engine == "fast" else "reference"
    benchmark.extra_info.update(workload="whole_process", role=role)
    benchmark.pedantic(
        lambda: run_replication(Task(inputs, REPLICATION, engine)),
        rounds=rounds if engine == "fast" else 1,
        warmup_rounds=1 if engine == "fast" else 0,
    )


PEAK_SCRIPT = textwrap.dedent(
    """
    import resource, sys
    from fmssim.experiment.replication import Task, run_replication
    from fmssim.model.compile import compile_scenario
    from fmssim.scenario import load_scenario
    inputs = compile_scenario(load_scenario(sys.argv[1]).scenario)
    run_replication(Task(inputs, 0, "fast"))
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
    """
)


def peak_rss(path: str) -> int:
    """Peak resident bytes of a fresh process running one replication of ``path`` (Linux)."""
    out = subprocess.run(
        [sys.executable, "-c", PEAK_SCRIPT, path], check=True, capture_output=True, text=True
    )
    return int(out.stdout.strip().splitlines()[-1])


def test_horizon_memory(benchmark: BenchmarkFixture) -> None:
    assert resource is not None
    benchmark.group = "horizon memory"
    peak = benchmark.pedantic(peak_rss, args=(str(UPLIFT),), rounds=1, warmup_rounds=0)
    benchmark.extra_info.update(workload="horizon_memory", role="fast", peak_bytes=peak, years=4)

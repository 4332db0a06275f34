"""(a) Bare 3-class non-preemptive priority M/M/c: the engine against a hand-written loop.

c = 50, load 0.85, exponential service, one million customers. The fast engine runs through
its public entry point (compiled inputs and draws, records out); the hand-written loop gets
the same arrays. Only the simulation is timed: drawing happens once, in the fixture.
``check_ratios.py`` requires fast ≤ 1.5 × hand-written, and the fast engine ≥ 100 × the
reference engine per customer (the reference engine runs the first REFERENCE_CUSTOMERS).
"""

from __future__ import annotations

import numpy as np
from pytest_benchmark.fixture import BenchmarkFixture

from fmssim.engine import des, fast
from handwritten import priority_mmc
from workloads import MMCWorkload, prefix

REFERENCE_CUSTOMERS = 20_000
"""The reference engine simulates this prefix of the same sample path (about 0.3 s)."""


def tag(benchmark: BenchmarkFixture, role: str, customers: int) -> None:
    """Label a result for ``check_ratios.py``."""
    benchmark.group = "mmc"
    benchmark.extra_info.update(workload="mmc", role=role, entities=customers)


def test_mmc_handwritten(benchmark: BenchmarkFixture, mmc: MMCWorkload, rounds: int) -> None:
    tag(benchmark, "handwritten", len(mmc.arrival_min))
    args = (mmc.arrival_min, mmc.klass, mmc.service_min, mmc.servers, len(mmc.shares))
    start = benchmark.pedantic(priority_mmc, args=args, rounds=rounds, warmup_rounds=1)
    assert np.isfinite(start).all()


def test_mmc_fast(benchmark: BenchmarkFixture, mmc: MMCWorkload, rounds: int) -> None:
    tag(benchmark, "fast", len(mmc.arrival_min))
    out = benchmark.pedantic(fast.run, args=(mmc.inputs, mmc.draws), rounds=rounds, warmup_rounds=1)
    loop = priority_mmc(mmc.arrival_min, mmc.klass, mmc.service_min, mmc.servers, len(mmc.shares))
    assert np.array_equal(out.assigned_min, loop), "the engine and the loop disagree"


def test_mmc_reference(benchmark: BenchmarkFixture, mmc: MMCWorkload, rounds: int) -> None:
    tag(benchmark, "reference", REFERENCE_CUSTOMERS)
    draws = prefix(mmc.draws, REFERENCE_CUSTOMERS)
    out = benchmark.pedantic(des.run, args=(mmc.inputs, draws), rounds=min(rounds, 2))
    assert out.same_as(fast.run(mmc.inputs, draws)), "the engines disagree"

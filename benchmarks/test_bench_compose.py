"""(c) The composing dispatch kernel against today's specialised kernel of each option.

Each dispatch option that had a kernel of its own (crews, en-route, borrowing) runs on the
same M/M/c sample path (OPTION_CUSTOMERS customers, about as loaded as the bare workload)
through the fast engine — now the composing kernel — and through the specialised kernel it
replaced (``benchmarks/specialised``). Both give the same records; ``check_ratios.py``
requires composed ≤ 1.3 × specialised on each workload.
"""

from __future__ import annotations

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

import specialised
from fmssim.engine import fast
from workloads import OPTIONS, MMCWorkload, option_workload

RUN = {"composed": fast.run, "specialised": specialised.run}


@pytest.fixture(scope="module")
def workloads() -> dict[str, MMCWorkload]:
    return {option: option_workload(option) for option in OPTIONS}


@pytest.mark.parametrize("role", ["composed", "specialised"])
@pytest.mark.parametrize("option", OPTIONS)
def test_option(
    benchmark: BenchmarkFixture,
    workloads: dict[str, MMCWorkload],
    option: str,
    role: str,
    rounds: int,
) -> None:
    w = workloads[option]
    benchmark.group = f"compose: {option}"
    benchmark.extra_info.update(workload=f"compose:{option}", role=role, entities=len(w.klass))
    out = benchmark.pedantic(RUN[role], args=(w.inputs, w.draws), rounds=rounds, warmup_rounds=1)
    other = RUN["specialised" if role == "composed" else "composed"](w.inputs, w.draws)
    same = out.assigned_min, other.assigned_min
    assert (same[0] == same[1]).sum() + (same[0] != same[0]).sum() == len(same[0])

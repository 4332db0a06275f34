"""Shared fixtures for the benchmarks: workloads built once, and how many rounds to time.

Run with ``pytest benchmarks --benchmark-json=out.json`` and check the ratios with
``python benchmarks/check_ratios.py out.json``; ``benchmarks/run_short.sh`` does both.
"""

from __future__ import annotations

import pytest

from workloads import MMCWorkload, mmc_workload


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--bench-rounds",
        type=int,
        default=5,
        help="timed rounds per fast benchmark (the reference engine gets fewer)",
    )


@pytest.fixture(scope="session")
def rounds(request: pytest.FixtureRequest) -> int:
    """Timed rounds for fast benchmarks (after one untimed warm-up round)."""
    return max(1, int(request.config.getoption("--bench-rounds")))


@pytest.fixture(scope="session")
def mmc() -> MMCWorkload:
    """The bare 3-class priority M/M/c sample path (one million customers)."""
    return mmc_workload()

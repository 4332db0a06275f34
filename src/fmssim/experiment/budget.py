"""An up-front estimate of a replication's memory, refused above what the machine has.

Arrival times and their pre-drawn random numbers are held for the whole horizon, so a
replication's memory grows with its expected arrivals (incidents and contacts). At the
largest accepted volumes a run would need tens of gigabytes: better one line before it
starts than the kernel killing it an hour in.
"""

from __future__ import annotations

import os
from pathlib import Path

from fmssim.model.inputs import Inputs
from fmssim.scenario.errors import ScenarioError

BYTES_PER_ARRIVAL = 400.0
"""Memory per expected arrival in one replication (arrays of times, draws and records):
about 390 bytes measured as the growth of peak memory between ``priority_mmc.yaml`` at its
volumes and at eight times them (reference engine, one replication)."""
FIXED_BYTES = 250e6
"""The interpreter, numba and the compiled inputs."""


def expected_arrivals(inputs: Inputs) -> float:
    """Incidents and first contact attempts expected over the whole simulated horizon."""
    return float(inputs.grades.rate_per_hour.sum() + inputs.channels.rate_per_hour.sum())


def replication_bytes(inputs: Inputs) -> float:
    """Estimated peak memory of one replication."""
    return FIXED_BYTES + BYTES_PER_ARRIVAL * expected_arrivals(inputs)


def available_bytes() -> float:
    """Memory available to new processes now (MemAvailable), else the machine's total."""
    try:
        for line in Path("/proc/meminfo").read_text(encoding="ascii").splitlines():
            if line.startswith("MemAvailable:"):
                return float(line.split()[1]) * 1024.0
    except (OSError, ValueError, IndexError):
        pass
    return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))


def check_memory(inputs: Inputs, workers: int, shown: str) -> None:
    """Refuse a run whose replications in flight would not fit in the available memory."""
    need = replication_bytes(inputs) * max(workers, 1)
    have = available_bytes()
    if need > have:
        message = (
            f"about {need / 1e9:,.1f} GB of memory needed ({expected_arrivals(inputs):,.0f} "
            f"arrivals a replication × {max(workers, 1)} worker(s)); {have / 1e9:,.1f} GB "
            "available: shorten the calendar, lower the volumes or use fewer --workers"
        )
        raise ScenarioError(shown, 0, "calendar", message)

"""CPU and peak memory of one replication in a fresh process.

Usage: python benchmarks/tools/one_replication.py SCENARIO [REPLICATION]

Compiles the scenario, then runs ``run_replication`` once with the fast engine and prints
user and system CPU seconds (``getrusage``), minor page faults and the peak resident set
(``ru_maxrss``). To compare two versions of the code, run it alternately with each on
``PYTHONPATH`` (e.g. a ``git worktree`` of the older commit's ``src``): single timings on a
shared machine move by ±20 %, so compare several alternating pairs.
"""

from __future__ import annotations

import resource
import sys

from fmssim.experiment.replication import Task, run_replication
from fmssim.model.compile import compile_scenario
from fmssim.scenario import load_scenario


def main() -> None:
    path = sys.argv[1]
    replication = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    inputs = compile_scenario(load_scenario(path).scenario)
    before = resource.getrusage(resource.RUSAGE_SELF)
    run_replication(Task(inputs, replication, "fast"))
    after = resource.getrusage(resource.RUSAGE_SELF)
    print(
        f"user {after.ru_utime - before.ru_utime:.2f} s"
        f"  system {after.ru_stime - before.ru_stime:.2f} s"
        f"  minor faults {after.ru_minflt - before.ru_minflt}"
        f"  peak {after.ru_maxrss / 2**20:.3f} GiB"
    )


if __name__ == "__main__":
    main()

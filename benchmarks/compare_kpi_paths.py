"""Time the two ways of reducing one replication to KPIs, in one process, and check they agree.

Usage: ``python benchmarks/compare_kpi_paths.py SCENARIO.yaml [ROUNDS]``

Simulates replication 1 of the scenario once (fast engine), then times, alternately and
``ROUNDS`` times each (default 3), the record-table path
(:func:`~fmssim.experiment.replication.table_kpis`) and the reducer on the engines' arrays
(:func:`~fmssim.experiment.replication.reduced_kpis`); prints the minimum of each, their
ratio, and whether the two KPI tables are bit-identical.
"""

from __future__ import annotations

import sys
import time

import polars as pl

from fmssim.engine.simulate import simulate
from fmssim.experiment.replication import reduced_kpis, table_kpis
from fmssim.model.compile import compile_scenario
from fmssim.scenario import load_scenario


def main(argv: list[str]) -> int:
    path, rounds = argv[0], int(argv[1]) if len(argv) > 1 else 3
    inputs = compile_scenario(load_scenario(path).scenario)
    result = simulate("fast", inputs, 1)
    ran = result.inputs or inputs
    new, old = pl.concat(reduced_kpis(ran, result)), pl.concat(table_kpis(ran, result))
    times: dict[str, list[float]] = {"tables": [], "reducer": []}
    for _ in range(rounds):
        for name, fn in (("tables", table_kpis), ("reducer", reduced_kpis)):
            start = time.perf_counter()
            fn(ran, result)
            times[name].append(time.perf_counter() - start)
    best = {name: min(t) for name, t in times.items()}
    print(
        f"{path}: record tables {best['tables']:.3f} s, reducer {best['reducer']:.3f} s, "
        f"x{best['tables'] / best['reducer']:.1f}; bit-identical: {new.equals(old)}"
    )
    return 0 if new.equals(old) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Where one replication's time and memory go, stage by stage, in a fresh process.

Usage: python benchmarks/tools/stages.py SCENARIO [REPLICATION] [--warm]

Wraps each stage :func:`fmssim.engine.simulate.simulate` calls (contact draws, contact
engine, incidents and crimes contacts create, the other draws, chaining, travel scaling,
dispatch and investigation engines) and prints, for each, its start and wall time, user
and system CPU (``getrusage``), minor page faults and the peak resident memory seen during
it by a thread sampling ``/proc/self/statm`` every 20 ms (Linux). The contact KPIs run
between the contact engine and the incidents contacts create; the other KPIs after the
investigation engine. ``--warm`` runs one other replication first, in the same process, so
that loading compiled functions from numba's cache is not counted.
"""

from __future__ import annotations

import resource
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import fmssim.engine.simulate as simulate
from fmssim.experiment.replication import Task, run_replication
from fmssim.model.compile import compile_scenario
from fmssim.scenario import load_scenario

Stage = tuple[str, float, float, tuple[float, float, int]]


def _usage() -> tuple[float, float, int]:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime, r.ru_stime, r.ru_minflt


def _timed(name: str, fn: Callable[..., Any], stages: list[Stage]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        start, used = time.perf_counter(), _usage()
        result = fn(*args, **kwargs)
        now = _usage()
        delta = (now[0] - used[0], now[1] - used[1], now[2] - used[2])
        stages.append((name, start, time.perf_counter(), delta))
        return result

    return run


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--warm"]
    path = args[0]
    replication = int(args[1]) if len(args) > 1 else 0
    inputs = compile_scenario(load_scenario(path).scenario)
    if "--warm" in sys.argv:
        run_replication(Task(inputs, replication + 1, "fast"))
    stages: list[Stage] = []
    for name in (
        "draw_contacts",
        "chained_incidents",
        "contact_crimes",
        "draw_others",
        "chain",
        "chain_incidents",
        "scale_travel",
        "chain_cases",
    ):
        setattr(simulate, name, _timed(name, getattr(simulate, name), stages))
    contacts, dispatch = simulate.ENGINES["fast"]
    simulate.ENGINES["fast"] = (
        _timed("contact engine", contacts, stages),
        _timed("dispatch engine", dispatch, stages),
    )
    simulate.CASES["fast"] = _timed("investigation engine", simulate.CASES["fast"], stages)
    samples: list[tuple[float, int]] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            with open("/proc/self/statm") as f:
                samples.append((time.perf_counter(), int(f.read().split()[1]) * 4096))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    run_replication(Task(inputs, replication, "fast"))
    end = time.perf_counter()
    done.set()
    sampler.join()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"whole replication: {end - start:.2f} s wall, peak {peak:.2f} GiB")
    print(f"{'stage':22s} {'start':>6s} {'wall':>6s} {'user':>6s} {'sys':>6s} {'faults':>8s} GiB")
    for name, a, b, (user, system, faults) in stages:
        during = max((s for t, s in samples if a <= t <= b), default=0) / 2**30
        row = f"{a - start:6.2f} {b - a:6.2f} {user:6.2f} {system:6.2f} {faults:8d} {during:.2f}"
        print(f"{name:22s} {row}")


if __name__ == "__main__":
    main()

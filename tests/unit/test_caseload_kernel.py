"""The investigation kernel on hand-computed timelines (also run with NUMBA_DISABLE_JIT=1).

Processor sharing by hand: one investigator at rate 1 works two cases needing 60 and 120
minutes, both from minute 0: each gets half the effort, so the first is done at 120 (60 of
effort each), and the second, alone from then on, needs 60 more: done at 180.
"""

from __future__ import annotations

import numpy as np

from fmssim.engine.fast.caseload import caseload_into

NAN = np.nan


def run(
    cases: list[tuple[float, float, float, float, float]],
    n_inv: int = 1,
    cap: int = 2,
    steps: tuple[list[float], list[float]] = ([0.0], [1.0]),
    horizon: float = 1e6,
    stages: tuple[list[int], list[list[float]], list[int]] | None = None,
) -> tuple[np.ndarray, ...]:
    """(allocated, worked, finalised, investigator, stage wait) for (entered, created,
    floor, risk, spell effort) rows; ``stages`` is (needed bits per case, stage times per
    case, servers per stage)."""
    a = np.array(cases, dtype=np.float64).reshape(-1, 5)
    out = tuple(np.full(len(a), NAN) for _ in range(5))
    columns = tuple(np.ascontiguousarray(a[:, k]) for k in range(5))
    need, times, servers = stages or ([0] * len(a), [[] for _ in a], [])
    caseload_into(
        out,
        columns,
        np.array(need, np.int64),
        np.array(times, np.float64).reshape(len(a), len(servers)),
        np.array(servers, np.int64),
        (np.ones(len(a), np.int64), np.zeros(n_inv, np.int64)),
        cap,
        np.array(steps[0]),
        np.array(steps[1]),
        horizon,
    )
    return out


def test_kernel_processor_sharing_by_hand() -> None:
    allocated, worked, finalised, who, _ = run([(0, 0, 0, 0, 60), (0, 0, 0, 0, 120)])
    assert list(allocated) == [0.0, 0.0]
    assert list(worked) == [120.0, 180.0]
    assert list(finalised) == [120.0, 180.0]
    assert list(who) == [0.0, 0.0]


def test_kernel_cap_makes_cases_wait() -> None:
    """Cap 1: the second case waits for the first to finish, then has the investigator alone."""
    allocated, worked, _, _, _ = run([(0, 0, 0, 0, 60), (10, 10, 0, 0, 30)], cap=1)
    assert list(allocated) == [0.0, 60.0]
    assert list(worked) == [60.0, 90.0]


def test_kernel_fewest_open_then_lowest_index() -> None:
    """Three investigators: cases go to 0, 1, 2, then to the one with the fewest open."""
    rows = [(0, 0, 0, 0, 100), (0, 0, 0, 0, 100), (0, 0, 0, 0, 10), (20, 20, 0, 0, 10)]
    allocated, _, _, who, _ = run(rows, n_inv=3, cap=2)
    assert list(who) == [0.0, 1.0, 2.0, 2.0]
    assert list(allocated) == [0.0, 0.0, 0.0, 20.0]


def test_kernel_floor_holds_the_slot() -> None:
    """Work done at 10 but a floor to 100: the slot stays taken until 100."""
    rows = [(0, 0, 100, 0, 10), (0, 0, 0, 0, 10)]
    allocated, worked, finalised, _, _ = run(rows, cap=1)
    assert list(worked) == [10.0, 110.0]
    assert list(finalised) == [100.0, 110.0]
    assert list(allocated) == [0.0, 100.0]


def test_kernel_rate_steps() -> None:
    """Rate 1 to minute 30, then 0.5: a 60-minute case is done at 30 + 30 / 0.5 = 90; a
    rate of 0 from 90 to 200 stops the next one until 200."""
    rows = [(0, 0, 0, 0, 60), (90, 90, 0, 0, 10)]
    _, worked, _, _, _ = run(rows, steps=([0.0, 30.0, 90.0, 200.0], [1.0, 0.5, 0.0, 1.0]))
    assert list(worked) == [90.0, 210.0]


def test_kernel_nothing_at_or_after_the_horizon() -> None:
    _, worked, finalised, _, _ = run([(0, 0, 0, 0, 60), (0, 0, 0, 0, 60)], horizon=120.0)
    assert np.isnan(worked).all() and np.isnan(finalised).all()


def test_kernel_fewest_open_across_bitset_words() -> None:
    """130 investigators (three 64-bit words): 130 cases take one each in index order; once
    all are done, the next goes to investigator 0; with cap 2 and everyone busy but
    investigator 129, the next goes to 129, the only one back at zero open cases."""
    rows = [(0, 0, 0, 0, 1000.0 - k) for k in range(130)] + [(5000, 5000, 0, 0, 10)]
    rows[129] = (0, 0, 0, 0, 1.0)
    allocated, _, _, who, _ = run(rows, n_inv=130, cap=1)
    assert list(who[:130]) == [float(k) for k in range(130)]
    assert allocated[130] == 5000.0 and who[130] == 0.0
    busy = [(0, 0, 0, 0, 1e5) for _ in range(129)] + [(0, 0, 0, 0, 10.0), (20, 20, 0, 0, 5.0)]
    _, _, _, who, _ = run(busy, n_inv=130, cap=2)
    assert who[130] == 129.0  # the only investigator back at zero open cases


def test_kernel_stage_between_spells_holds_the_slot() -> None:
    """Cap 1: a case worked 30, at a 100-minute stage (its slot held, no effort taken),
    then worked 30 more, is finalised at 160; the next case gets the slot then."""
    rows = [(0, 0, 0, 0, 30), (0, 0, 0, 0, 10)]
    stages = ([1, 0], [[100.0], [0.0]], [1])
    allocated, worked, finalised, _, wait = run(rows, cap=1, stages=stages)
    assert list(finalised) == [160.0, 170.0]
    assert list(worked) == [160.0, 170.0]
    assert list(allocated) == [0.0, 160.0]
    assert list(wait) == [0.0, 0.0]


def test_kernel_stage_servers_queue_first_come() -> None:
    """One server: two cases reach the stage together at 10; the lower id is served first
    (10-110), the other waits 100 minutes (110-210); each then works its last spell."""
    rows = [(0, 0, 0, 0, 10), (0, 0, 0, 0, 10)]
    stages = ([1, 1], [[100.0], [100.0]], [1])
    _, _, finalised, who, wait = run(rows, n_inv=2, cap=1, stages=stages)
    assert list(who) == [0.0, 1.0]
    assert list(wait) == [0.0, 100.0]
    assert list(finalised) == [120.0, 220.0]

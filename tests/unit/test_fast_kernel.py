"""The fast engine's kernels on cases small enough to compute by hand.

Zero-spread durations make every allocation time exact (no tolerance). The same tests run
compiled and under ``NUMBA_DISABLE_JIT=1`` (plain Python), which must agree.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from fmssim.engine.fast.compose import compose_into
from fmssim.engine.fast.dispatch import dispatch_pool
from fmssim.engine.fast.heap import heap_pop, heap_push, heap_replace_top

NAN = np.nan


def run(
    created: list[float],
    job: list[float],
    level: list[int] | None = None,
    roster: tuple[list[float], list[int]] = ([0.0], [1]),
    horizon: float = 1e9,
    travel: list[float] | None = None,
    write_up: list[float] | None = None,
) -> NDArray[np.float64]:
    """Allocation times for incidents with on-scene time ``job`` (travel, write-up zero)."""
    n = len(created)
    zero = [0.0] * n
    levels = np.array(level if level is not None else [0] * n, dtype=np.int64)
    return dispatch_pool(
        np.array(created, dtype=np.float64),
        levels,
        np.array(travel if travel is not None else zero, dtype=np.float64),
        np.array(job, dtype=np.float64),
        np.array(write_up if write_up is not None else zero, dtype=np.float64),
        int(levels.max()) + 1 if n else 1,
        np.array(roster[0], dtype=np.float64),
        np.array(roster[1], dtype=np.int64),
        horizon,
    )


def same(actual: NDArray[np.float64], expected: list[float]) -> bool:
    return np.array_equal(actual, np.array(expected, dtype=np.float64), equal_nan=True)


# --- dispatch_pool ----------------------------------------------------------------------------


def test_one_unit_serves_in_creation_order() -> None:
    # Jobs of 10: the unit is busy [0, 10), [10, 20), [20, 30).
    assert same(run([0.0, 1.0, 2.0], [10.0, 10.0, 10.0]), [0.0, 10.0, 20.0])


def test_travel_and_write_up_hold_the_unit() -> None:
    # The unit is busy for travel + on scene + write-up = 2 + 5 + 3 = 10 minutes.
    got = run([0.0, 0.0], [5.0, 5.0], travel=[2.0, 2.0], write_up=[3.0, 3.0])
    assert same(got, [0.0, 10.0])


def test_higher_priority_overtakes_waiting_lower() -> None:
    # Incident 2 (level 0) arrives last but is served before incident 1 (level 1).
    got = run([0.0, 1.0, 2.0], [10.0, 10.0, 10.0], level=[1, 1, 0])
    assert same(got, [0.0, 20.0, 10.0])


def test_non_preemptive_priority() -> None:
    # A level-0 arrival waits for the level-1 job in progress to finish.
    assert same(run([0.0, 5.0], [10.0, 10.0], level=[1, 0]), [0.0, 10.0])


def test_fifo_within_level_at_equal_creation_times() -> None:
    # Three simultaneous incidents of one level: incident id order.
    assert same(run([0.0, 0.0, 0.0], [4.0, 4.0, 4.0]), [0.0, 4.0, 8.0])


def test_release_and_arrivals_at_one_instant() -> None:
    # At t = 10 the unit is released and two incidents arrive: both are seen before the
    # allocation, so the level-0 one (id 2) goes first although id 1 is older.
    got = run([0.0, 10.0, 10.0], [10.0, 5.0, 5.0], level=[1, 1, 0])
    assert same(got, [0.0, 15.0, 10.0])


def test_roster_drop_while_busy_finishes_the_job() -> None:
    # One unit until 60, none from 60 to 120, one again from 120. The job started at 30
    # runs to 90 (shift end is non-preemptive); incident 1 waits for the next unit at 120.
    roster = ([0.0, 60.0, 120.0], [1, 0, 1])
    assert same(run([30.0, 40.0], [60.0, 10.0], roster=roster), [30.0, 120.0])


def test_units_over_roster_leave_only_when_free() -> None:
    # Two units until 60, one after. Ids 0 and 1 start at 0 (busy to 50 and 100). At 50 the
    # roster is still two: id 2 starts (busy to 80). At 80 its unit frees, but one unit is
    # still busy and the roster is one: none free. At 100 id 1's unit frees: id 3 starts.
    roster = ([0.0, 60.0], [2, 1])
    got = run([0.0, 0.0, 10.0, 10.0], [50.0, 100.0, 30.0, 30.0], roster=roster)
    assert same(got, [0.0, 0.0, 50.0, 100.0])


def test_roster_down_then_up_with_units_that_never_worked() -> None:
    # Three units from 0 (two never used), one from 60, two from 120. Id 0 holds a unit
    # to 200. Id 1 (at 70) finds one on duty and one busy: waits until the rise at 120.
    # Id 2 (at 125) finds two busy, two on duty: waits for id 1's release at 130.
    roster = ([0.0, 60.0, 120.0], [3, 1, 2])
    got = run([0.0, 70.0, 125.0], [200.0, 10.0, 5.0], roster=roster)
    assert same(got, [0.0, 120.0, 130.0])


def test_roster_rise_coinciding_with_arrival() -> None:
    # No units until 60; incidents at 0 and 60 both start at 60 when two units come on.
    roster = ([0.0, 60.0], [0, 2])
    assert same(run([0.0, 60.0], [5.0, 5.0], roster=roster), [60.0, 60.0])


def test_release_coinciding_with_roster_drop() -> None:
    # The unit frees at 60 exactly as the roster drops to zero: the waiting incident stays.
    roster = ([0.0, 60.0], [1, 0])
    assert same(run([0.0, 1.0], [60.0, 5.0], roster=roster), [0.0, NAN])


def test_zero_length_jobs_free_the_unit_at_once() -> None:
    # One unit, four zero-length jobs at 5: the unit is released and reallocated at 5.
    assert same(run([5.0] * 4, [0.0] * 4, level=[1, 0, 1, 0]), [5.0] * 4)


def test_zero_length_job_reallocates_in_priority_order() -> None:
    # One unit, four incidents at 5. First allocation: id 1 (level 0, zero job), which frees
    # the unit at 5; second allocation at 5: id 3 (level 0, job 7, busy to 12). At 12: id 0
    # (level 1, zero job), then id 2 in another allocation at 12.
    got = run([5.0] * 4, [0.0, 0.0, 0.0, 7.0], level=[1, 0, 1, 0])
    assert same(got, [12.0, 5.0, 12.0, 5.0])


def test_nothing_at_or_after_the_horizon() -> None:
    # The unit frees at 100 = horizon: incident 1 is never allocated.
    assert same(run([0.0, 50.0], [100.0, 1.0], horizon=100.0), [0.0, NAN])
    assert same(run([0.0, 50.0], [99.0, 1.0], horizon=100.0), [0.0, 99.0])


def test_no_units_no_allocation() -> None:
    assert same(run([0.0, 1.0], [1.0, 1.0], roster=([0.0], [0])), [NAN, NAN])
    assert same(run([0.0, 1.0], [1.0, 1.0], roster=([], [])), [NAN, NAN])


def test_no_incidents() -> None:
    assert run([], []).shape == (0,)


def test_many_units_serve_at_once() -> None:
    # Three units, five incidents at 0 with jobs 3, 1, 2, 9, 9: ids 0-2 at 0; id 3 at 1
    # (first release); id 4 at 2.
    got = run([0.0] * 5, [3.0, 1.0, 2.0, 9.0, 9.0], roster=([0.0], [3]))
    assert same(got, [0.0, 0.0, 0.0, 1.0, 2.0])


# --- crews_into (incidents needing several units) ------------------------------------------


def crews(
    created: list[float],
    job: list[float],
    units: list[int],
    level: list[int] | None = None,
    roster: tuple[list[float], list[int]] = ([0.0], [2]),
    horizon: float = 1e9,
) -> NDArray[np.float64]:
    """Allocation times with ``units`` needed per incident (travel and write-up zero)."""
    n = len(created)
    levels = np.array(level if level is not None else [0] * n, dtype=np.int64)
    zero = np.zeros(n)
    n_levels = int(levels.max()) + 1 if n else 1
    assigned, _ = one_pool(
        (np.array(created, dtype=np.float64), levels, np.array(units, dtype=np.int64)),
        (zero, np.array(job, dtype=np.float64), zero),
        (n_levels, -1),
        (np.array(roster[0], dtype=np.float64), np.array(roster[1], dtype=np.int64)),
        horizon,
    )
    return assigned


def one_pool(
    incidents: tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64]],
    jobs: tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]],
    queues: tuple[int, int],
    roster: tuple[NDArray[np.float64], NDArray[np.int64]],
    horizon: float,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Allocation and last diversion times from the composing kernel for one pool, no
    lending; ``incidents`` is (created, level, units); ``queues`` (levels, level of a P1
    that may take an en-route unit, or -1)."""
    created, levels, units = incidents
    n = len(created)
    out = tuple(np.full(n, np.nan) for _ in range(4))
    p1_level = queues[1]
    compose_into(
        out,
        np.empty(n, np.int64),
        (created, np.arange(n, dtype=np.int64)),  # a grade per incident
        (np.zeros(n, np.int64), levels, units),
        jobs,
        (queues[0], np.zeros((1, queues[0]), np.bool_)),
        (roster[0], roster[1], np.array([0, len(roster[0])], np.int64)),
        None,
        (0, p1_level) if p1_level >= 0 else None,
        horizon,
    )
    return out[0], out[2]


def test_two_unit_incident_waits_for_two_free_units() -> None:
    # Two units. Id 0 (one unit) busy to 10; id 1 needs two: it waits until 10.
    assert same(crews([0.0, 1.0], [10.0, 5.0], [1, 2]), [0.0, 10.0])


def test_strict_queue_no_overtaking() -> None:
    # Two units. Id 0 holds one to 10. Id 1 (two units) heads the queue at 1; id 2 (one unit,
    # same level) would fit the free unit but must not overtake: both wait; at 10 id 1 takes
    # both units (to 15), then id 2 at 15.
    assert same(crews([0.0, 1.0, 2.0], [10.0, 5.0, 5.0], [1, 2, 1]), [0.0, 10.0, 15.0])


def test_units_are_freed_together() -> None:
    # Three units. Id 0 takes two to 10; id 1 takes the third to 4; id 2 needs three: 10.
    assert same(crews([0.0, 0.0, 1.0], [10.0, 4.0, 1.0], [2, 1, 3], roster=([0.0], [3])),
                [0.0, 0.0, 10.0])  # fmt: skip


def test_more_units_than_on_duty_wait_for_the_roster() -> None:
    # Needs three, two on duty until 60, three from then.
    assert same(crews([0.0], [5.0], [3], roster=([0.0, 60.0], [2, 3])), [60.0])
    assert same(crews([0.0], [5.0], [3], roster=([0.0], [2])), [NAN])


def test_zero_length_multi_unit_jobs_free_at_once() -> None:
    # Two units; four zero-length two-unit jobs at 5, then one of 7: all at 5.
    assert same(crews([5.0] * 5, [0.0] * 4 + [7.0], [2] * 5), [5.0] * 5)


@pytest.mark.parametrize("seed", range(5))
def test_one_unit_each_equals_the_single_unit_kernel(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 300
    created = np.sort(rng.integers(0, 2000, n) * 1.0).tolist()
    job = rng.choice([0.0, 10.0, 30.0, 60.0], n).tolist()
    level = rng.integers(0, 3, n).tolist()
    roster = ([0.0, 300.0, 900.0, 1500.0], [2, 0, 3, 1])
    want = run(created, job, level=level, roster=roster, horizon=1800.0)
    got = crews(created, job, [1] * n, level=level, roster=roster, horizon=1800.0)
    assert same(got, want.tolist())


# --- heap ---------------------------------------------------------------------------------


def fill(values: list[float]) -> tuple[NDArray[np.float64], int]:
    heap = np.empty(max(len(values), 1), dtype=np.float64)
    size = 0
    for v in values:
        size = heap_push(heap, size, v)
    return heap, size


def is_heap(heap: NDArray[np.float64], size: int) -> bool:
    return all(heap[(i - 1) // 2] <= heap[i] for i in range(1, size))


def test_heap_push_keeps_order() -> None:
    heap, size = fill([5.0, 3.0, 8.0, 1.0, 1.0, 9.0, 0.5])
    assert size == 7
    assert heap[0] == 0.5
    assert is_heap(heap, size)


@pytest.mark.parametrize("seed", range(5))
def test_heap_pops_in_sorted_order(seed: int) -> None:
    values = list(np.random.default_rng(seed).integers(0, 20, 50).astype(float))
    heap, size = fill(values)
    popped = []
    while size:
        popped.append(heap[0])
        size = heap_pop(heap, size)
        assert is_heap(heap, size)
    assert popped == sorted(values)


@pytest.mark.parametrize("seed", range(3))
def test_heap_replace_top_equals_pop_then_push(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = list(rng.integers(0, 20, 30).astype(float))
    heap, size = fill(values)
    for new in rng.integers(0, 30, 40).astype(float):
        heap_replace_top(heap, size, new)
        assert is_heap(heap, size)
        values.remove(min(values))
        values.append(new)
        assert sorted(heap[:size]) == sorted(values)


def test_heap_pop_to_empty() -> None:
    heap, size = fill([2.0])
    assert heap_pop(heap, size) == 0


def diversion(
    created: list[float],
    level: list[int],
    travel: list[float],
    on_scene: list[float],
    units: int,
) -> tuple[list[float], list[float]]:
    """Allocation and last diversion times from the en-route kernel (level 0 is P1; one
    unit per incident; no write-up; ``units`` on duty from 0)."""
    n = len(created)
    assigned, diverted = one_pool(
        (
            np.array(created, dtype=np.float64),
            np.array(level, dtype=np.int64),
            np.ones(n, np.int64),
        ),
        (np.array(travel, dtype=np.float64), np.array(on_scene, dtype=np.float64), np.zeros(n)),
        (3, 0),
        (np.array([0.0]), np.array([units], dtype=np.int64)),
        1e9,
    )
    return np.nan_to_num(assigned, nan=-1).tolist(), np.nan_to_num(diverted, nan=-1).tolist()


def test_en_route_kernel_p1_takes_the_least_urgent_travelling_unit() -> None:
    """P3 and P2 leave at 0; a P1 at 5 takes the P3's unit, which queues again and gets the
    P1's unit back when the P1's job ends (5 + 10 + 20 = 35)."""
    assigned, diverted = diversion([0, 0, 5], [2, 1, 0], [30, 20, 10], [60, 60, 20], 2)
    assert assigned == [35.0, 0.0, 5.0]
    assert diverted == [5.0, -1.0, -1.0]


def test_en_route_kernel_never_takes_a_unit_on_scene() -> None:
    """The P2's unit arrives at 20: a P1 at 20 finds it on scene and waits until 80."""
    assigned, diverted = diversion([0, 20], [1, 0], [20, 5], [60, 5], 1)
    assert assigned == [0.0, 80.0]
    assert diverted == [-1.0, -1.0]


def test_en_route_kernel_zero_length_p1_gives_the_unit_back_at_once() -> None:
    """A P1 of zero length takes the P3's unit at 10 and frees it at 10; the P3 gets it
    again in the next allocation round of that instant."""
    assigned, diverted = diversion([0, 10], [2, 0], [30, 0], [60, 0], 1)
    assert assigned == [10.0, 10.0]
    assert diverted == [10.0, -1.0]

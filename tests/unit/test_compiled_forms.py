"""Compiled passes that replaced vectorised numpy give exactly the vectorised result.

Each of these walks sorted data once instead of calling ``searchsorted`` or one numpy pass
per planning year; the KPIs and draws must not move by a bit, so each is checked for exact
equality against the formula it replaced, on data with ties, zero-rate hours, NaNs and
unsorted input.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from fmssim.analytics.windows import _busy_totals
from fmssim.engine.fast.keyed_heap import ipop, ipush, tpop, tpush
from fmssim.model.arrivals import _mapped
from fmssim.model.contact_draws import _step_values

times_st = st.lists(st.integers(0, 40).map(float), min_size=0, max_size=60)


@settings(max_examples=200, deadline=None)
@given(times_st, st.lists(st.booleans(), min_size=0, max_size=120))
def test_inline_heap_pops_as_the_indexed_heap(times: list[float], pops: list[bool]) -> None:
    """Pushes and pops interleaved (many equal times): both heaps give the same sequence,
    which is (time, index) order."""
    n = len(times)
    key = np.asarray(times)
    indexed, inline_key, inline_idx = (np.empty(max(n, 1), t) for t in (np.int32, float, np.int32))
    size_a = size_b = pushed = 0
    live: list[tuple[float, int]] = []  # the reference: what is in the heap
    for pop in [*pops, *([False] * n), *([True] * n)]:
        if pop and live:
            first = min(live)
            live.remove(first)
            assert int(indexed[0]) == int(inline_idx[0]) == first[1]
            assert inline_key[0] == first[0]
            size_a = tpop(indexed, size_a, key)
            size_b = ipop(inline_key, inline_idx, size_b)
        elif not pop and pushed < n:
            size_a = tpush(indexed, size_a, pushed, key)
            size_b = ipush(inline_key, inline_idx, size_b, key[pushed], pushed)
            live.append((times[pushed], pushed))
            pushed += 1
        assert size_a == size_b == len(live)
    assert not live


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from([0.0, 0.5, 3.0, 17.25, 60.0]), min_size=1, max_size=40),
    st.lists(st.floats(0.0, 1.0), min_size=0, max_size=80),
    st.booleans(),
)
def test_arrival_hours_walked_forward_equal_searchsorted(
    rate: list[float], unit: list[float], ascending: bool
) -> None:
    """Λ⁻¹ through the forward walk equals the vectorised ``searchsorted`` form bit for bit,
    zero-rate hours included (and unsorted points, walked again)."""
    rate_per_hour = np.asarray(rate)
    edges = np.minimum(np.arange(len(rate) + 1) * 60.0, len(rate) * 60.0 - 7.5)
    mass = rate_per_hour * np.diff(edges) / 60.0
    cumulative = np.concatenate(([0.0], np.cumsum(mass)))
    if cumulative[-1] <= 0.0:
        return
    points = np.asarray(unit) * cumulative[-1] * (1 - 1e-12)
    if ascending:
        points = np.sort(points)
    hour = np.clip(np.searchsorted(cumulative, points, side="right") - 1, 0, len(rate) - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        within = (points - cumulative[hour]) / mass[hour]
        expected = edges[hour] + within * (edges[hour + 1] - edges[hour])
    got = _mapped(points, cumulative, mass, edges)
    np.testing.assert_array_equal(got, expected)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 30), min_size=1, max_size=6), min_size=1, max_size=3),
    st.lists(st.tuples(st.integers(-1, 3), st.integers(-5, 40)), min_size=0, max_size=60),
    st.booleans(),
)
def test_step_values_equal_searchsorted(
    steps: list[list[int]], contacts: list[tuple[int, int]], ascending: bool
) -> None:
    """Each contact's room factor at its arrival: ``values[searchsorted − 1]`` (the first
    before the first step; 1 for rooms with no steps), ties at step times included."""
    if ascending:
        contacts = sorted(contacts, key=lambda c: c[1])
    per_room = [(np.unique(np.asarray(s, float)), None) for s in steps]
    per_room = [(t, 1.0 + np.arange(len(t)) / 10 + r) for r, (t, _) in enumerate(per_room)]
    room = np.asarray([c[0] for c in contacts], np.int64)
    at = np.asarray([float(c[1]) for c in contacts])
    expected = np.ones(len(at))
    for r, (t, v) in enumerate(per_room):
        mine = room == r
        expected[mine] = v[np.maximum(np.searchsorted(t, at[mine], side="right") - 1, 0)]
    starts = np.cumsum([0] + [len(t) for t, _ in per_room]).astype(np.int64)
    times = np.concatenate([t for t, _ in per_room])
    values = np.concatenate([v for _, v in per_room])
    np.testing.assert_array_equal(_step_values(at, room, times, values, starts), expected)


def _vectorised_busy(
    codes: NDArray[np.int64],
    start: NDArray[np.float64],
    end: NDArray[np.float64],
    bounds: NDArray[np.float64],
    weight: NDArray[np.float64],
    n: int,
) -> NDArray[np.float64]:
    """The numpy form ``busy_from_codes`` used before (one pass per planning year)."""
    end = np.nan_to_num(end, nan=float(bounds[-1]))
    rows = []
    for k in range(len(bounds) - 1):
        lo, hi = float(bounds[k]), float(bounds[k + 1])
        overlap = np.nan_to_num(np.clip(np.minimum(end, hi) - np.maximum(start, lo), 0.0, None))
        rows.append(np.bincount(codes, weights=overlap * weight / (hi - lo), minlength=n))
    return np.array(rows)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**31), st.integers(0, 400))
def test_busy_totals_equal_the_vectorised_sums(seed: int, n_rows: int) -> None:
    """Time held per planning year and group: identical sums (same order of addition),
    with rows never held (NaN start), held to the horizon (NaN end) and spanning years."""
    rng = np.random.default_rng(seed)
    bounds = np.array([-100.0, 0.0, 525600.0, 1051200.0, 1576800.0])
    start = rng.uniform(-200.0, 1.6e6, n_rows)
    end = start + rng.exponential(rng.choice([30.0, 3e5]), n_rows)
    start[rng.random(n_rows) < 0.1] = np.nan
    end[rng.random(n_rows) < 0.1] = np.nan
    codes = rng.integers(0, 5, n_rows)
    weight = rng.choice([1.0, 2.0, 0.5], n_rows)
    got = _busy_totals(codes, start, end, bounds, weight, 5)
    np.testing.assert_array_equal(got, _vectorised_busy(codes, start, end, bounds, weight, 5))
    one = np.array([0.5])  # one weight for every row
    got = _busy_totals(codes, start, end, bounds, one, 5)
    np.testing.assert_array_equal(got, _vectorised_busy(codes, start, end, bounds, one, 5))

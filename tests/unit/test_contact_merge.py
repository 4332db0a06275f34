"""Merging the channels' sorted arrival lists: the same order as a stable sort, ties included."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from fmssim.model.contact_draws import _merge, _merge_runs


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(0, 20), max_size=30), min_size=1, max_size=5))
def test_kernel_merge_equals_a_stable_sort(runs: list[list[int]]) -> None:
    """Small integer times: many ties within and across runs."""
    parts = [np.sort(np.array(r, dtype=np.float64)) for r in runs]
    times = np.concatenate(parts)
    bounds = np.cumsum([0] + [len(p) for p in parts]).astype(np.int64)
    place = _merge_runs(times, bounds)
    order = np.empty_like(place)
    order[place] = np.arange(len(place))
    assert order.tolist() == np.argsort(times, kind="stable").tolist()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.integers(0, 20), max_size=30), min_size=1, max_size=5))
def test_merged_columns_follow_the_stable_sort(runs: list[list[int]]) -> None:
    """Every column (float, integer, boolean) goes where its contact's time goes."""
    parts = [np.sort(np.array(r, dtype=np.float64)) for r in runs]
    times = np.concatenate(parts)
    tag = np.arange(len(times))
    order = np.argsort(times, kind="stable")
    cut = np.cumsum([0] + [len(p) for p in parts])
    arrays = [
        {"created_min": p, "id": tag[a:b], "odd": tag[a:b] % 2 == 1}
        for p, a, b in zip(parts, cut[:-1], cut[1:], strict=True)
    ]
    merged = _merge(arrays)
    assert merged["created_min"].tolist() == times[order].tolist()
    assert merged["id"].tolist() == order.tolist()
    assert merged["odd"].tolist() == (order % 2 == 1).tolist()

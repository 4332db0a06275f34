"""Merging the channels' sorted arrival lists: the same order as a stable sort, ties included."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from fmssim.model.contact_draws import _merge_runs


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(0, 20), max_size=30), min_size=1, max_size=5))
def test_kernel_merge_equals_a_stable_sort(runs: list[list[int]]) -> None:
    """Small integer times: many ties within and across runs."""
    parts = [np.sort(np.array(r, dtype=np.float64)) for r in runs]
    times = np.concatenate(parts)
    bounds = np.cumsum([0] + [len(p) for p in parts]).astype(np.int64)
    got = _merge_runs(times, bounds)
    assert got.tolist() == np.argsort(times, kind="stable").tolist()

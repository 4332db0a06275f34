"""``model.sorting.lexsort`` is ``np.lexsort``, permutation for permutation."""

from __future__ import annotations

import numpy as np
import pytest

from fmssim.model.sorting import lexsort


@pytest.mark.parametrize("seed", range(40))
def test_lexsort_is_numpys(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 400))
    distinct = int(rng.integers(1, 50))
    primary = rng.integers(0, distinct, n).astype(np.float64) / 7.0
    primary[rng.random(n) < 0.05] = np.nan
    primary[rng.random(n) < 0.05] = -0.0
    keys = [
        rng.integers(0, 3, n),
        rng.integers(0, 4, n).astype(np.float64),
        rng.integers(-1, 5, n),
        primary,
    ][int(rng.integers(0, 3)) :]
    assert np.array_equal(lexsort(keys), np.lexsort(keys))


def test_lexsort_unique_primary_and_empty() -> None:
    times = np.random.default_rng(1).random(1000)
    grade = np.zeros(1000, np.int64)
    assert np.array_equal(lexsort([grade, times]), np.lexsort([grade, times]))
    empty = np.zeros(0)
    assert np.array_equal(lexsort([empty, empty]), np.lexsort([empty, empty]))

"""Every distribution's samples agree with its analytic mean and variance.

The eleven checks below form one family at the 99% level (Bonferroni: each check at
1 − 0.01/11), so a correct sampler fails this file with probability at most 1%.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from fmssim.model.durations import duration_spec
from fmssim.model.streams import StreamKind, generator
from fmssim.scenario.distributions import (
    Empirical,
    Exponential,
    Fixed,
    Gamma,
    Lognormal,
    Mixture,
)

N = 200_000
CHECKS = 11
LEVEL = 1.0 - 0.01 / CHECKS
Z = stats.norm.ppf(0.5 + LEVEL / 2)

CASES = [
    Fixed(value=7.0),
    Exponential(mean=12.0),
    Lognormal(mean=60.0, cv=0.8),
    Gamma(mean=30.0, cv=1.5),
    Empirical(values=[1.0, 5.0, 20.0], weights=[3, 1, 1]),
    Mixture.model_validate(
        {
            "parts": [
                {"share": 0.6, "dist": {"kind": "lognormal", "mean": 5.0, "cv": 1.0}},
                {"share": 0.4, "dist": {"kind": "exponential", "mean": 300.0}},
            ]
        }
    ),
]


@pytest.mark.parametrize("dist", CASES, ids=lambda d: d.kind)
def test_sample_mean_matches_analytic_mean(dist: object) -> None:
    rng = generator(7, 0, StreamKind.ON_SCENE, "test")
    x = duration_spec(dist).sample(rng, N)  # type: ignore[arg-type]
    mean, var = dist.mean(), dist.variance()  # type: ignore[attr-defined]
    half = Z * math.sqrt(var / N)
    assert abs(x.mean() - mean) <= half + 1e-12
    assert np.all(x >= 0)


@pytest.mark.parametrize("dist", CASES[1:], ids=lambda d: d.kind)
def test_sample_variance_matches_analytic_variance(dist: object) -> None:
    """Batch means of squared deviations from the true mean estimate the variance."""
    rng = generator(8, 0, StreamKind.ON_SCENE, "test")
    x = duration_spec(dist).sample(rng, N)  # type: ignore[arg-type]
    batches = (x.reshape(100, -1) - dist.mean()) ** 2  # type: ignore[attr-defined]
    per_batch = batches.mean(axis=1)
    half = stats.t.ppf(0.5 + LEVEL / 2, 99) * per_batch.std(ddof=1) / 10
    assert abs(per_batch.mean() - dist.variance()) <= half  # type: ignore[attr-defined]


def test_scale_multiplies_values() -> None:
    spec = duration_spec(Lognormal(mean=2.0, cv=0.5), scale=60.0)
    assert spec.mean == 120.0 and spec.cv == 0.5


def test_empirical_weights_must_match_values() -> None:
    with pytest.raises(ValueError, match="weights has 1 entries"):
        Empirical(values=[1.0, 2.0], weights=[1.0])


def test_mixture_shares_must_add_up_to_one() -> None:
    parts = [{"share": 0.5, "dist": {"kind": "fixed", "value": 1.0}}] * 2
    Mixture.model_validate({"parts": parts})
    with pytest.raises(ValueError, match=r"add up to 1\.2"):
        Mixture.model_validate(
            {"parts": [*parts, {"share": 0.2, "dist": {"kind": "fixed", "value": 1}}]}
        )

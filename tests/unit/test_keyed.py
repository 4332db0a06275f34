"""Keyed draws are pure functions of (key, counter) with the laws of their distributions.

Keys and counters are fixed, so every check is deterministic; the levels say how often a
correct generator would fail a check for a key picked at random. Each KS, chi-square and
z check is at 1 − 1e-3 (z: 4 standard errors, 1 − 6e-5) and each correlation check at 5
standard errors (1 − 6e-7): with the 20-odd checks below, a correct generator fails this file
for fewer than 3% of seeds.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from numba import njit
from numpy.typing import NDArray
from scipy import special, stats

from fmssim.model.durations import DurationSpec, duration_spec
from fmssim.model.keyed import (
    counter,
    keyed_sample,
    normal_ppf,
    sample_keyed,
    spec_table,
    stream_key,
    uniform,
)
from fmssim.model.streams import StreamKind, entity_key
from fmssim.scenario.distributions import (
    Distribution,
    Empirical,
    Exponential,
    Fixed,
    Gamma,
    Lognormal,
    Mixture,
)

# With NUMBA_DISABLE_JIT=1, numpy warns of the uint64 products that wrap, as they should.
pytestmark = pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
ALPHA = 1e-3
N = 200_000
KEY = stream_key(2024, 0, StreamKind.CONTACT_REDIALS, "999")
OTHER = stream_key(2024, 1, StreamKind.CONTACT_REDIALS, "999")
BASES = np.array([counter(c, 0, 0) for c in range(N)], np.uint64)


@njit(cache=True)
def _uniforms(keys: np.ndarray, ctrs: np.ndarray) -> np.ndarray:
    out = np.empty(len(ctrs))
    for i in range(len(ctrs)):
        out[i] = uniform(keys[i], ctrs[i])
    return out


def _u(keys: int | NDArray[np.uint64], ctrs: NDArray[np.uint64]) -> NDArray[np.float64]:
    keys = np.broadcast_to(np.asarray(keys, np.uint64), ctrs.shape)
    return np.asarray(_uniforms(np.ascontiguousarray(keys), ctrs))


def _draws(dist: Distribution | DurationSpec | None, n: int = N) -> NDArray[np.float64]:
    spec = dist if dist is None or isinstance(dist, DurationSpec) else duration_spec(dist)
    table, roots = spec_table([spec])
    out: NDArray[np.float64] = sample_keyed(table, int(roots[0]), KEY, BASES[:n])
    return out


def test_stream_key_is_the_seed_sequence_of_the_stream() -> None:
    seq = np.random.SeedSequence(entropy=7, spawn_key=(3, 7, entity_key("phone")))
    assert stream_key(7, 3, 7, "phone") == int(seq.generate_state(1, np.uint64)[0])
    keys = {stream_key(7, rep, 7, "phone") for rep in range(100)}
    assert len(keys) == 100


def test_counter_fields_do_not_overlap() -> None:
    top = 2**40 - 1
    assert int(counter(top, 255, 15)) == ((top * 256 + 255) * 16 + 15) * 4096
    assert int(counter(top, 255, 15)) + 4095 == 2**64 - 1
    assert int(counter(5, 3, 2)) + 4096 == int(counter(5, 3, 3))
    assert int(counter(5, 3, 15)) + 4096 == int(counter(5, 4, 0))
    assert int(counter(5, 255, 15)) + 4096 == int(counter(6, 0, 0))


def test_a_draw_depends_only_on_key_and_counter() -> None:
    ctrs = np.arange(1_000_000, dtype=np.uint64)
    u = _u(KEY, ctrs)
    assert u.min() > 0.0 and u.max() < 1.0
    assert uniform(np.uint64(KEY), np.uint64(12345)) == u[12345]
    assert np.array_equal(_u(KEY, ctrs[::-1]), u[::-1])  # order does not matter
    # Python ints, as the reference engine may pass them, give the same value.
    assert uniform(KEY, 2**64 - 1) == uniform(np.uint64(KEY), np.uint64(2**64 - 1))  # type: ignore[arg-type]


@pytest.mark.parametrize("layout", ["consecutive", "contact", "key"])
def test_uniforms_are_uniform(layout: str) -> None:
    """KS against U(0, 1) at level ALPHA, for counters that differ in j only, in the contact
    field only, or for keys that differ in the replication only."""
    if layout == "consecutive":
        u = _u(KEY, np.arange(1_000_000, dtype=np.uint64))
    elif layout == "contact":
        u = _u(KEY, BASES)
    else:
        keys = np.array([stream_key(2024, r, 7, "999") for r in range(50_000)], np.uint64)
        u = _u(keys, np.full(len(keys), counter(42, 1, 3), np.uint64))
    assert stats.kstest(u, "uniform").pvalue > ALPHA


@pytest.mark.parametrize("pair", ["lag 1", "keys", "nearby keys", "contacts"])
def test_uniforms_are_uncorrelated(pair: str) -> None:
    """|r| < 5/sqrt(n) between neighbouring counters, two replications' keys on the same
    counters, keys one bit apart, and neighbouring contacts."""
    ctrs = np.arange(N + 1, dtype=np.uint64)
    if pair == "lag 1":
        x, y = _u(KEY, ctrs[:-1]), _u(KEY, ctrs[1:])
    elif pair == "keys":
        x, y = _u(KEY, ctrs), _u(OTHER, ctrs)
    elif pair == "nearby keys":
        x, y = _u(KEY, ctrs), _u(KEY ^ 1, ctrs)
    else:
        x, y = _u(KEY, BASES[:-1]), _u(KEY, BASES[1:])
    assert abs(np.corrcoef(x, y)[0, 1]) < 5.0 / math.sqrt(len(x))


def test_as241_matches_ndtri() -> None:
    p = np.concatenate(
        [
            np.logspace(-300, -1, 400),
            np.linspace(0.01, 0.99, 999),
            [1e-300, 1e-10, 0.5, 0.5 + 1e-10, 1 - 1e-10, 1 - 1e-16],
            1.0 - np.logspace(-16, -1, 200),
        ]
    )
    ours = np.array([normal_ppf(x) for x in p])
    ref = special.ndtri(p)
    assert np.all(np.abs(ours - ref) <= 1e-14 * np.abs(ref))


@pytest.mark.parametrize(
    ("dist", "frozen"),
    [
        (Exponential(mean=12.0), stats.expon(scale=12.0)),
        (Lognormal(mean=60.0, cv=0.8), stats.lognorm(s=math.sqrt(math.log1p(0.64)),
                                                     scale=60.0 / math.sqrt(1.64))),
        (Gamma(mean=30.0, cv=0.5), stats.gamma(a=4.0, scale=7.5)),
        (Gamma(mean=30.0, cv=2.0), stats.gamma(a=0.25, scale=120.0)),
    ],
)  # fmt: skip
def test_families_follow_their_scipy_law(dist: Distribution, frozen: stats.rv_frozen) -> None:
    """KS against the scipy distribution with the same parameters, at level ALPHA."""
    assert stats.kstest(_draws(dist), frozen.cdf).pvalue > ALPHA


def test_fixed_and_infinite_are_exact() -> None:
    assert np.all(_draws(Fixed(value=7.5), 1000) == 7.5)
    assert np.all(np.isposinf(_draws(None, 1000)))


def test_empirical_frequencies() -> None:
    """Chi-square of the value counts against the probabilities, at level ALPHA."""
    dist = Empirical(values=[1.0, 5.0, 20.0, 60.0], weights=[3, 1, 1, 5])
    x = _draws(dist)
    observed = np.array([np.sum(x == v) for v in dist.values])
    assert observed.sum() == N
    assert stats.chisquare(observed, N * np.array(dist.probabilities())).pvalue > ALPHA


def _mixture(shares: tuple[float, ...], *parts: DurationSpec) -> DurationSpec:
    mean = sum(share * part.mean for share, part in zip(shares, parts, strict=True))
    return DurationSpec("mixture", mean, 0.0, (), shares, parts)


NESTED = _mixture(
    (0.3, 0.7),
    DurationSpec("exponential", 5.0),
    _mixture((0.5, 0.5), DurationSpec("lognormal", 20.0, 0.5), DurationSpec("gamma", 40.0, 2.0)),
)
NESTED_VARIANCE = 0.3 * 2 * 5.0**2 + 0.7 * (0.5 * 500.0 + 0.5 * 8000.0) - 22.5**2
"""E[X²] − E[X]²: the parts' second moments are 2·mean², and mean²·(1 + cv²)."""


def _nested_cdf(x: NDArray[np.float64]) -> NDArray[np.float64]:
    s = math.sqrt(math.log1p(0.25))
    lognormal = stats.lognorm(s=s, scale=20.0 * math.exp(-(s**2) / 2))
    parts = 0.5 * lognormal.cdf(x) + 0.5 * stats.gamma(a=0.25, scale=160.0).cdf(x)
    return np.asarray(0.3 * stats.expon(scale=5.0).cdf(x) + 0.7 * parts)


def test_nested_mixture_follows_its_law() -> None:
    """Mean within 4 standard errors of the analytic mean; KS against the mixture CDF."""
    x = _draws(NESTED)
    assert NESTED.mean == 22.5
    assert abs(x.mean() - NESTED.mean) < 4.0 * math.sqrt(NESTED_VARIANCE / N)
    assert stats.kstest(x, _nested_cdf).pvalue > ALPHA


CASES: list[tuple[DurationSpec, float]] = [
    *(
        (duration_spec(d), d.variance())
        for d in (
            Fixed(value=7.0),
            Lognormal(mean=60.0, cv=0.8),
            Mixture.model_validate(
                {
                    "parts": [
                        {"share": 0.6, "dist": {"kind": "lognormal", "mean": 5.0, "cv": 1.0}},
                        {"share": 0.4, "dist": {"kind": "fixed", "value": 30.0}},
                    ]
                }
            ),
            Empirical(values=[1.0, 5.0, 20.0], weights=[3, 1, 1]),
            Gamma(mean=30.0, cv=1.5),
            Exponential(mean=12.0),
        )
    ),
    (NESTED, NESTED_VARIANCE),
]
"""Specs with their analytic variances."""


def test_roots_map_back_to_their_specs() -> None:
    """Sampling row roots[i] gives spec i's mean within 4 standard errors."""
    table, roots = spec_table([None, *(spec for spec, _ in CASES)])
    assert np.isposinf(sample_keyed(table, int(roots[0]), KEY, BASES[:10])).all()
    for (spec, variance), root in zip(CASES, roots[1:], strict=True):
        x = sample_keyed(table, int(root), KEY, BASES)
        assert abs(x.mean() - spec.mean) <= 4.0 * math.sqrt(variance / N) + 1e-12


def test_sample_keyed_is_a_loop_over_keyed_sample() -> None:
    table, roots = spec_table([spec for spec, _ in CASES])
    bases = BASES[::997]
    for root in roots:
        loop = [keyed_sample(*table.arrays, int(root), np.uint64(KEY), np.uint64(b)) for b in bases]
        assert np.array_equal(sample_keyed(table, int(root), KEY, bases), np.array(loop))

"""The queueing formulas of :mod:`fmssim.analytics.theory` against known special cases.

Exact checks (no simulation, no randomness): each test names the law and the tolerance,
which is numerical (floating point, truncation below 1e-16), not statistical.

- Erlang C by hand for M/M/1 (C = ρ).
- Erlang A (M/M/c+M) as θ → 0 is Erlang C; with θ = μ the number in system is Poisson(λ/μ)
  (every caller leaves at rate μ, as in M/M/∞); as θ → ∞ it is Erlang B (waiters leave at once).
- The birth–death (PASTA) and the incomplete-gamma closed forms give the same numbers.
- Conservation: P(Ab) = θ E[W]; λ (1 − P(Ab)) = μ E[busy servers].
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from fmssim.analytics.theory import (
    erlang_a,
    erlang_a_answered_within,
    erlang_a_closed_answered_within,
    erlang_a_closed_form,
    erlang_a_closed_offered_wait_tail,
    erlang_a_offered_wait_tail,
    erlang_b,
    erlang_c,
    erlang_c_mean_wait,
    erlang_c_service_level,
    erlang_c_wait_tail,
    mmcm_stationary,
)

EXACT = 1e-12
"""Relative tolerance for the same quantity computed two ways."""
CASES = [
    # c, λ, μ, θ: the validation scenario (per minute), small and large pools, light to heavy
    (10, 2.0, 0.25, 0.5),
    (1, 0.7, 1.0, 0.3),
    (1, 3.0, 1.0, 2.0),
    (3, 2.0, 1.0, 0.1),
    (5, 8.0, 1.0, 1.0),
    (50, 60.0, 1.0, 3.0),
    (100, 95.0, 1.0, 0.2),
    (100, 110.0, 1.0, 0.05),
]
ERLANG_C_CASES = [(1, 0.7, 1.0), (2, 1.0, 1.0), (10, 2.0, 0.25), (20, 16.0, 1.0), (40, 35.0, 1.0)]
TIMES = [0.0, 1.0 / 6.0, 0.5, 1.0, 3.0]


def test_erlang_c_mm1_by_hand() -> None:
    """M/M/1: C = ρ, P(W > t) = ρ e^{−(μ−λ)t}, E[W] = ρ / (μ − λ) (exact)."""
    lam, mu = 0.7, 1.0
    assert erlang_c(1, lam / mu) == pytest.approx(0.7, rel=EXACT)
    for t in TIMES:
        assert erlang_c_wait_tail(t, 1, lam, mu) == pytest.approx(0.7 * math.exp(-0.3 * t))
        assert erlang_c_service_level(t, 1, lam, mu) == pytest.approx(1 - 0.7 * math.exp(-0.3 * t))
    assert erlang_c_mean_wait(1, lam, mu) == pytest.approx(0.7 / 0.3, rel=EXACT)


@pytest.mark.parametrize(("c", "lam", "mu"), ERLANG_C_CASES)
@pytest.mark.parametrize("theta", [0.0, 1e-10])
def test_erlang_a_without_patience_is_erlang_c(c: int, lam: float, mu: float, theta: float) -> None:
    """θ → 0: P(W > 0) = C(c, a), E[W] = C / (cμ − λ), P(W ≤ t) = 1 − C e^{−(cμ−λ)t}
    (to 1e-6: θ = 1e-10 moves them by about θ E[W²])."""
    a = erlang_a(c, lam, mu, theta)
    assert a.p_wait == pytest.approx(erlang_c(c, lam / mu), rel=1e-6)
    assert a.mean_wait == pytest.approx(erlang_c_mean_wait(c, lam, mu), rel=1e-6)
    assert a.mean_wait_served == pytest.approx(erlang_c_mean_wait(c, lam, mu), rel=1e-6)
    assert a.p_abandon == pytest.approx(0.0, abs=1e-6)
    for t in TIMES:
        expected = erlang_c_service_level(t, c, lam, mu)
        assert erlang_a_answered_within(t, c, lam, mu, theta) == pytest.approx(expected, rel=1e-6)
        tail = erlang_c_wait_tail(t, c, lam, mu)
        assert erlang_a_offered_wait_tail(t, c, lam, mu, theta) == pytest.approx(tail, rel=1e-6)


@pytest.mark.parametrize(("c", "lam"), [(1, 1.0), (1, 2.5), (4, 3.0), (20, 25.0)])
def test_patience_rate_equal_to_service_rate_is_poisson(c: int, lam: float) -> None:
    """θ = μ: death rate nμ in every state, so π = Poisson(λ/μ) (M/M/∞, exact);
    P(W > 0) = P(N ≥ c) and P(Ab) = E[(N − c)⁺] / a."""
    mu = 1.0
    pi = mmcm_stationary(c, lam, mu, mu)
    n = np.arange(len(pi))
    np.testing.assert_allclose(pi, stats.poisson.pmf(n, lam / mu), rtol=1e-10, atol=1e-300)
    a = erlang_a(c, lam, mu, mu)
    assert a.p_wait == pytest.approx(float(stats.poisson.sf(c - 1, lam / mu)), rel=EXACT)
    excess = float(np.maximum(n - c, 0) @ stats.poisson.pmf(n, lam / mu))
    assert a.p_abandon == pytest.approx(excess / (lam / mu), rel=1e-10)


def test_single_server_unit_rates_by_hand() -> None:
    """c = 1, λ = μ = θ = 1: N ~ Poisson(1), so P(W > 0) = 1 − e⁻¹ and
    P(Ab) = E[(N − 1)⁺] = E[N] − P(N ≥ 1) = e⁻¹ = E[W] (exact)."""
    for a in (erlang_a(1, 1.0, 1.0, 1.0), erlang_a_closed_form(1, 1.0, 1.0, 1.0)):
        assert a.p_wait == pytest.approx(1 - math.exp(-1), rel=EXACT)
        assert a.p_abandon == pytest.approx(math.exp(-1), rel=1e-10)
        assert a.mean_wait == pytest.approx(math.exp(-1), rel=1e-10)


def test_single_server_answered_after_a_wait_by_hand() -> None:
    """c = 1: an arrival who finds the server busy and nobody waiting is answered with
    probability μ / (μ + θ) after Exp(μ + θ); the answered-within curve rises from
    π₀ by exactly that mass: P(answered, W ≤ t) − π₀ → Σ_q π_{1+q} Π p_i (exact)."""
    lam, mu, theta = 0.5, 1.0, 3.0
    pi = mmcm_stationary(1, lam, mu, theta)
    served = np.cumprod([(mu + i * theta) / (mu + (i + 1) * theta) for i in range(len(pi) - 1)])
    expected = pi[0] + pi[1:] @ served
    assert erlang_a_answered_within(50.0, 1, lam, mu, theta) == pytest.approx(expected, rel=1e-10)
    assert served[0] == pytest.approx(mu / (mu + theta))


@pytest.mark.parametrize("c", [1, 3, 10])
def test_impatient_limit_is_erlang_b(c: int) -> None:
    """θ → ∞: callers who find every server busy leave at once: P(Ab) → B(c, a)
    (θ = 1e7 leaves a relative error of about a/θ)."""
    lam, mu = 2.0 * c, 1.0
    a = erlang_a(c, lam, mu, 1e7)
    assert a.p_abandon == pytest.approx(erlang_b(c, lam / mu), rel=1e-5)
    assert a.p_wait == pytest.approx(erlang_b(c, lam / mu), rel=1e-5)


@pytest.mark.parametrize(("c", "lam", "mu", "theta"), CASES)
def test_closed_forms_equal_birth_death(c: int, lam: float, mu: float, theta: float) -> None:
    """Mandelbaum–Zeltyn closed forms = birth–death with PASTA (to 1e-9 relative)."""
    bd, cf = erlang_a(c, lam, mu, theta), erlang_a_closed_form(c, lam, mu, theta)
    for field in ("p_wait", "p_abandon", "mean_wait", "mean_wait_served", "mean_queue"):
        assert getattr(cf, field) == pytest.approx(getattr(bd, field), rel=1e-9), field
    for t in TIMES:
        assert erlang_a_closed_answered_within(t, c, lam, mu, theta) == pytest.approx(
            erlang_a_answered_within(t, c, lam, mu, theta), rel=1e-9
        )
        assert erlang_a_closed_offered_wait_tail(t, c, lam, mu, theta) == pytest.approx(
            erlang_a_offered_wait_tail(t, c, lam, mu, theta), rel=1e-7, abs=1e-13
        )


@pytest.mark.parametrize(("c", "lam", "mu", "theta"), CASES)
def test_conservation_laws(c: int, lam: float, mu: float, theta: float) -> None:
    """P(Ab) = θ E[W]; λ (1 − P(Ab)) = μ E[busy]; the answered-within curve starts at
    1 − P(W > 0) and ends at 1 − P(Ab); the offered-wait tail starts at P(W > 0) (exact)."""
    a = erlang_a(c, lam, mu, theta)
    pi = mmcm_stationary(c, lam, mu, theta)
    busy = float(np.minimum(np.arange(len(pi)), c) @ pi)
    assert a.p_abandon == pytest.approx(theta * a.mean_wait, rel=EXACT)
    assert lam * (1 - a.p_abandon) == pytest.approx(mu * busy, rel=1e-10)
    assert erlang_a_answered_within(0.0, c, lam, mu, theta) == pytest.approx(1 - a.p_wait)
    stages = c * mu + np.arange(1, len(pi) - c + 1) * theta
    long = 3.0 * float((1.0 / stages).sum()) + 40.0 / stages[0]  # every caller done by then
    assert erlang_a_answered_within(long, c, lam, mu, theta) == pytest.approx(1 - a.p_abandon)
    assert erlang_a_offered_wait_tail(0.0, c, lam, mu, theta) == pytest.approx(a.p_wait)
    curve = [erlang_a_answered_within(t, c, lam, mu, theta) for t in TIMES]
    assert np.all(np.diff(curve) >= 0)


def test_no_stationary_distribution_without_patience_when_overloaded() -> None:
    """θ = 0 and λ ≥ cμ: the queue grows without bound; the formula refuses."""
    with pytest.raises(ValueError, match="no stationary distribution"):
        mmcm_stationary(2, 2.0, 1.0, 0.0)


def test_closed_form_refuses_when_it_underflows() -> None:
    """Tiny θ makes γ(x, y) underflow: the closed form says so instead of returning NaN."""
    with pytest.raises(ValueError, match="birth–death"):
        erlang_a_closed_answered_within(0.5, 10, 2.0, 0.25, 1e-6)

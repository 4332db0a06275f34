"""Exact queueing results the simulation is checked against.

Erlang B and C (M/M/c), Cobham's priority waits, and Erlang A (M/M/c+M: exponential
patience, Palm 1943; Garnett, Mandelbaum and Reiman 2002; Mandelbaum and Zeltyn 2007).
Erlang A is computed twice: from the birth–death stationary distribution with PASTA (exact
up to a truncation below 1e-16) and from the closed forms with incomplete gamma functions;
unit tests hold the two to each other. Rates share one time unit (e.g. per minute).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import integrate, sparse, special
from scipy.sparse import linalg as sparse_linalg


def erlang_b(c: int, a: float) -> float:
    """Blocking probability of M/M/c/c with offered load ``a`` (stable recursion)."""
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(c: int, a: float) -> float:
    """Probability that an arrival waits in M/M/c with offered load ``a`` = λ/μ < c."""
    if a >= c:
        return 1.0
    b = erlang_b(c, a)
    rho = a / c
    return b / (1.0 - rho * (1.0 - b))


def cobham_waits(rates: Sequence[float], mu: float, c: int) -> list[float]:
    """Mean wait per class, highest priority first, in non-preemptive priority M/M/c.

    All classes share the exponential service rate ``mu``; ``rates`` are arrival rates.
    W_k = C(c, a) / (c μ) / ((1 − σ_{k−1})(1 − σ_k)), σ_k = Σ_{i≤k} λ_i / (c μ).
    """
    a = sum(rates) / mu
    w0 = erlang_c(c, a) / (c * mu)
    waits = []
    sigma_prev = 0.0
    for rate in rates:
        sigma = sigma_prev + rate / (c * mu)
        waits.append(w0 / ((1.0 - sigma_prev) * (1.0 - sigma)))
        sigma_prev = sigma
    return waits


def top_class_wait_tail(t: float, rates: Sequence[float], mu: float, c: int) -> float:
    """P(W₁ > t) for the top class: C(c, a) · exp(−(c μ − λ₁) t)."""
    a = sum(rates) / mu
    return erlang_c(c, a) * math.exp(-(c * mu - rates[0]) * t)


# --- Erlang C (M/M/c) ---------------------------------------------------------------------


def erlang_c_wait_tail(t: float, c: int, lam: float, mu: float) -> float:
    """P(W > t) in M/M/c: C(c, a) · e^{−(cμ − λ) t}, a = λ/μ < c (FCFS, infinite patience)."""
    return erlang_c(c, lam / mu) * math.exp(-(c * mu - lam) * t)


def erlang_c_service_level(t: float, c: int, lam: float, mu: float) -> float:
    """P(W ≤ t) in M/M/c: 1 − C(c, a) · e^{−(cμ − λ) t} (share answered within ``t``)."""
    return 1.0 - erlang_c_wait_tail(t, c, lam, mu)


def erlang_c_mean_wait(c: int, lam: float, mu: float) -> float:
    """E[W] in M/M/c: C(c, a) / (cμ − λ)."""
    return erlang_c(c, lam / mu) / (c * mu - lam)


# --- Erlang A (M/M/c+M): birth–death stationary distribution and PASTA --------------------

TAIL = 1e-16
"""Stationary mass the truncated state space may leave out."""
MAX_STATES = 10_000_000


@dataclass(frozen=True)
class ErlangA:
    """Steady-state measures of M/M/c+M, as seen by an arrival (PASTA)."""

    p_wait: float
    """P(W > 0): all c servers busy on arrival."""
    p_abandon: float
    """P(Ab): the caller hangs up before an answer."""
    mean_wait: float
    """E[W] over all arrivals, W = time in queue until answered or hung up (= E[Q] / λ)."""
    mean_wait_served: float
    """E[W | answered]."""
    mean_queue: float
    """E[Q], callers waiting."""


def mmcm_stationary(c: int, lam: float, mu: float, theta: float) -> NDArray[np.float64]:
    """π_n, n = 0..N, of the number in system of M/M/c+M, truncated where negligible.

    Birth–death chain with birth rate λ and death rate min(n, c) μ + (n − c)⁺ θ:
    π_n ∝ Π_{k=1}^{n} λ / (min(k, c) μ + (k − c)⁺ θ). Beyond c the ratios decrease, so the
    mass left out past N is at most π_N r / (1 − r), r = λ / (cμ + (N + 1 − c) θ); N is grown
    until that bound is below ``TAIL``. θ = 0 is M/M/c (needs λ < cμ).
    """
    if theta <= 0.0 and lam >= c * mu:
        raise ValueError(f"no stationary distribution: λ={lam} ≥ cμ={c * mu} and θ=0")
    n = 2 * c + 64
    while n <= MAX_STATES:
        log_w = _log_weights(c, lam, mu, theta, n)
        r = lam / (c * mu + (n + 1 - c) * theta)
        if r < 1.0 and log_w[-1] + math.log(r / (1.0 - r)) < log_w.max() + math.log(TAIL):
            w = np.exp(log_w - log_w.max())
            pi: NDArray[np.float64] = w / w.sum()
            return pi
        n *= 2
    raise ValueError(f"no stationary distribution: λ={lam} ≥ cμ={c * mu} and θ={theta}")


def _log_weights(c: int, lam: float, mu: float, theta: float, n: int) -> NDArray[np.float64]:
    k = np.arange(1, n + 1)
    death = np.minimum(k, c) * mu + np.maximum(k - c, 0) * theta
    return np.concatenate(([0.0], np.cumsum(math.log(lam) - np.log(death))))


def erlang_a(c: int, lam: float, mu: float, theta: float) -> ErlangA:
    """Erlang A measures from the stationary distribution (PASTA: arrivals see π).

    P(W > 0) = Σ_{n≥c} π_n; E[Q] = Σ (n − c)⁺ π_n; E[W] = E[Q] / λ (Little);
    P(Ab) = θ E[Q] / λ (abandonment flow over arrival flow). An arrival that finds q callers
    waiting passes stages i = q, ..., 0 (i callers ahead), each ending after Exp(cμ + (i+1)θ)
    with progress (rather than its own hang-up) with probability (cμ + iθ) / (cμ + (i+1)θ);
    so P(answered | q) = Π p_i and E[W | answered, q] = Σ 1 / (cμ + (i+1)θ).
    """
    pi = mmcm_stationary(c, lam, mu, theta)
    ahead = pi[c:]
    queue = float(ahead @ np.arange(len(ahead)))
    rate = c * mu + (np.arange(len(ahead)) + 1) * theta
    served = np.cumprod((rate - theta) / rate)
    p_served = float(pi[:c].sum() + ahead @ served)
    return ErlangA(
        p_wait=float(ahead.sum()),
        p_abandon=theta * queue / lam,
        mean_wait=queue / lam,
        mean_wait_served=float(ahead @ (served * np.cumsum(1.0 / rate))) / p_served,
        mean_queue=queue,
    )


def erlang_a_answered_within(t: float, c: int, lam: float, mu: float, theta: float) -> float:
    """P(answered and W ≤ t): the service level counted over all arrivals (abandoners miss).

    Arrivals finding a free server (n < c) are answered at once; the others follow the stage
    chain of :func:`erlang_a`, absorbed as answered at rate cμ from stage 0 and lost at rate
    θ from every stage; the answered mass by ``t`` comes from the chain's matrix exponential.
    """
    pi = mmcm_stationary(c, lam, mu, theta)
    return float(pi[:c].sum()) + _stage_chain(pi[c:], c, mu, theta, theta, t)


def erlang_a_offered_wait_tail(t: float, c: int, lam: float, mu: float, theta: float) -> float:
    """P(V > t), V the offered wait: the wait of a caller who would never hang up."""
    pi = mmcm_stationary(c, lam, mu, theta)
    return float(pi[c:].sum()) - _stage_chain(pi[c:], c, mu, theta, 0.0, t)


def _stage_chain(
    start: NDArray[np.float64], c: int, mu: float, theta: float, kill: float, t: float
) -> float:
    """Mass of the stage chain started in ``start`` (stage i = i callers ahead) that reaches
    a server by ``t``; stage i moves on at rate cμ + iθ, and is lost at rate ``kill``."""
    keep = np.flatnonzero(start > TAIL * start.sum())
    k = int(keep[-1]) + 1 if len(keep) else 1
    progress = c * mu + np.arange(k) * theta
    # States 0..k-1 are stages, state k is "answered"; Gᵀ so that p(t) = e^{Gᵀ t} p(0).
    rows = np.concatenate((np.arange(k), np.arange(k - 1), [k]))
    cols = np.concatenate((np.arange(k), np.arange(1, k), [0]))
    rates = np.concatenate((-(progress + kill), progress[1:], progress[:1]))
    generator_t = sparse.csr_matrix((rates, (rows, cols)), shape=(k + 1, k + 1))
    p0 = np.concatenate((start[:k], [0.0]))
    return float(sparse_linalg.expm_multiply(generator_t * t, p0)[-1])


# --- Erlang A: closed forms (Mandelbaum and Zeltyn 2007, incomplete gamma) ---------------


def _a_function(x: float, y: float) -> float:
    """A(x, y) = x e^y y^{−x} γ(x, y) = Σ_{j≥0} y^j / Π_{k=1}^{j} (x + k)."""
    p = float(special.gammainc(x, y))
    if p > 1e-300:
        return math.exp(math.log(x) + y - x * math.log(y) + float(special.gammaln(x)) + math.log(p))
    total, term, j = 1.0, 1.0, 0
    while term > 1e-17 * total:
        j += 1
        term *= y / (x + j)
        total += term
    return total


def _pi_c(c: int, lam: float, mu: float, theta: float) -> tuple[float, float]:
    """(π_c, A): π_c = B / (1 + (A − 1) B), B = Erlang B(c, λ/μ), A = A(cμ/θ, λ/θ)."""
    b = erlang_b(c, lam / mu)
    a_fn = _a_function(c * mu / theta, lam / theta)
    return b / (1.0 + (a_fn - 1.0) * b), a_fn


def erlang_a_closed_form(c: int, lam: float, mu: float, theta: float) -> ErlangA:
    """Erlang A in closed form (θ > 0); Mandelbaum and Zeltyn (2007), appendix.

    P(W > 0) = A B / (1 + (A − 1) B); P(Ab | W > 0) = 1 / (ρ A) + 1 − 1/ρ, ρ = λ / (cμ);
    E[W] = P(Ab) / θ; E[W; answered] = ∫ t g(t) dt with the answered-wait density
    g(t) = π_c cμ exp(λ/θ (1 − e^{−θt}) − (cμ + θ) t).
    """
    pi_c, a_fn = _pi_c(c, lam, mu, theta)
    rho = lam / (c * mu)
    p_wait = pi_c * a_fn
    p_abandon = p_wait * (1.0 / (rho * a_fn) + 1.0 - 1.0 / rho)
    log_scale = math.log(pi_c * c * mu)

    def weighted(s: float) -> float:
        return s * math.exp(
            log_scale + lam / theta * -math.expm1(-theta * s) - (c * mu + theta) * s
        )

    waited_served = float(integrate.quad(weighted, 0.0, math.inf, epsabs=1e-14, limit=200)[0])
    return ErlangA(
        p_wait=p_wait,
        p_abandon=p_abandon,
        mean_wait=p_abandon / theta,
        mean_wait_served=waited_served / (1.0 - p_abandon),
        mean_queue=lam * p_abandon / theta,
    )


def erlang_a_closed_answered_within(t: float, c: int, lam: float, mu: float, theta: float) -> float:
    """P(answered and W ≤ t) = P(N < c) + π_c x e^y y^{−x−1} [γ(x+1, y) − γ(x+1, y e^{−θt})],

    x = cμ/θ, y = λ/θ, P(N < c) = π_c (1/B − 1); the integral of g (see
    :func:`erlang_a_closed_form`) from 0 to t.
    """
    pi_c, _ = _pi_c(c, lam, mu, theta)
    b = erlang_b(c, lam / mu)
    x, y = c * mu / theta, lam / theta
    log_k = math.log(pi_c * x) + y - (x + 1.0) * math.log(y) + float(special.gammaln(x + 1.0))
    upper = float(special.gammainc(x + 1.0, y))
    lower = float(special.gammainc(x + 1.0, y * math.exp(-theta * t)))
    _require_representable(upper)
    if lower >= upper:
        return pi_c * (1.0 / b - 1.0)
    waited = math.exp(log_k + math.log(upper) + math.log1p(-lower / upper))
    return pi_c * (1.0 / b - 1.0) + waited


def erlang_a_closed_offered_wait_tail(
    t: float, c: int, lam: float, mu: float, theta: float
) -> float:
    """P(V > t) = P(W > 0) · γ(x, y e^{−θt}) / γ(x, y), x = cμ/θ, y = λ/θ."""
    x, y = c * mu / theta, lam / theta
    pi_c, a_fn = _pi_c(c, lam, mu, theta)
    whole = float(special.gammainc(x, y))
    _require_representable(whole)
    ratio = float(special.gammainc(x, y * math.exp(-theta * t))) / whole
    return pi_c * a_fn * ratio


def _require_representable(p: float) -> None:
    """The closed forms lose all precision when γ(x, y) underflows (θ tiny next to cμ)."""
    if p < 1e-290:
        raise ValueError("closed form underflows for this small θ: use the birth–death form")


def lps_wait_probability(lam: float, mu: float, k: int) -> float:
    """Limited processor sharing, one server, cap ``k``, Poisson arrivals, exponential work:
    an arrival waits for a slot with probability ρ^k (the number present is M/M/1's, PASTA)."""
    return float((lam / mu) ** k)


def lps_mean_sojourn(lam: float, mu: float) -> float:
    """Mean time in system (wait for a slot plus shared service) of that queue: 1/(μ − λ),
    the M/M/1 value, whatever the cap (the server works at full rate whenever busy)."""
    if lam >= mu:
        raise ValueError("unstable: lambda >= mu")
    return 1.0 / (mu - lam)

"""Exact queueing results the simulation is checked against."""

from __future__ import annotations

import math
from collections.abc import Sequence


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

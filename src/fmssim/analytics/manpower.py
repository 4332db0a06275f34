"""Textbook results for an officer pipeline: Markov manpower chains and Mt/G/∞ occupancy.

Both are in discrete time (one step = one month) so they can be compared with the pipeline
exactly: a Markov manpower model moves a stock vector n by n(t+1) = n(t) P + R r, where P
holds the step's transition probabilities between states (the rest of each row leaves) and
R r is the recruitment into each state; its steady state is n* = R r (I − P)⁻¹ (Bartholomew,
Forbes and McClean, *Statistical Techniques for Manpower Planning*). With no capacity limit,
the number in a phase is Mt/G/∞: m(t) = Σ_j λ(t − j) P(S > j) for entries λ into the phase
and time-in-phase S (Eick, Massey and Whitt 1993, in discrete time).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Floats = NDArray[np.float64]


def markov_step(stock: Floats, transitions: Floats, recruits: Floats) -> Floats:
    """n(t+1) = n(t) P + R r."""
    out: Floats = stock @ transitions + recruits
    return out


def markov_steady_state(transitions: Floats, recruits: Floats) -> Floats:
    """n* = R r (I − P)⁻¹, the fixed point of :func:`markov_step` (every state must leak)."""
    size = transitions.shape[0]
    out = np.linalg.solve((np.eye(size) - transitions).T, recruits)
    return np.asarray(out, dtype=np.float64)


def mt_g_inf_mean(entries: Floats, survival: Floats) -> Floats:
    """Mean number in a phase at each step: m(t) = Σ_{j=0}^{t} λ(t − j) P(S > j).

    ``entries[u]`` enter the phase at step u; ``survival[j]`` = P(still in the phase j steps
    after entering) (``survival[0]`` = 1 for a phase of at least one step).
    """
    steps = len(entries)
    tail = np.zeros(steps)
    tail[: min(steps, len(survival))] = survival[:steps]
    return np.array([float(np.dot(entries[t::-1], tail[: t + 1])) for t in range(steps)])

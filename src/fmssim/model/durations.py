"""Engine-independent duration specs and how to sample them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from fmssim.scenario.distributions import (
    Distribution,
    Empirical,
    Exponential,
    Fixed,
    Gamma,
    Lognormal,
    Mixture,
)


@dataclass(frozen=True)
class DurationSpec:
    """A duration distribution as plain numbers (the engines never see pydantic)."""

    kind: str
    mean: float
    cv: float = 0.0
    values: tuple[float, ...] = ()
    probabilities: tuple[float, ...] = ()
    parts: tuple[DurationSpec, ...] = ()
    """Components of a mixture (their shares are ``probabilities``)."""

    def sample(self, rng: np.random.Generator, n: int) -> NDArray[np.float64]:
        """``n`` independent draws."""
        if self.kind == "fixed":
            return np.full(n, self.mean)
        if self.kind == "exponential":
            return rng.exponential(self.mean, n)
        if self.kind == "lognormal":
            sigma2 = np.log1p(self.cv**2)
            mu = np.log(self.mean) - sigma2 / 2.0
            return rng.lognormal(mu, np.sqrt(sigma2), n)
        if self.kind == "gamma":
            shape = 1.0 / self.cv**2
            return rng.gamma(shape, self.mean / shape, n)
        if self.kind == "mixture":
            return self._mixture(rng, n)
        if self.kind == "empirical":
            values = np.asarray(self.values)
            return values[rng.choice(len(values), size=n, p=np.asarray(self.probabilities))]
        raise ValueError(f"unknown duration kind {self.kind!r}")

    def _mixture(self, rng: np.random.Generator, n: int) -> NDArray[np.float64]:
        """Pick each draw's component by one uniform, then draw every component's values in
        order from the same generator."""
        which = np.searchsorted(np.cumsum(self.probabilities), rng.random(n), side="right")
        which = np.minimum(which, len(self.parts) - 1)
        out = np.empty(n)
        for k, part in enumerate(self.parts):
            mine = which == k
            out[mine] = part.sample(rng, int(mine.sum()))
        return out


def duration_spec(dist: Distribution, scale: float = 1.0) -> DurationSpec:
    """Plain spec of a scenario distribution, with values multiplied by ``scale``."""
    if isinstance(dist, Fixed):
        return DurationSpec("fixed", dist.value * scale)
    if isinstance(dist, Exponential):
        return DurationSpec("exponential", dist.mean() * scale)
    if isinstance(dist, Lognormal | Gamma):
        return DurationSpec(dist.kind, dist.mean() * scale, dist.cv)
    if isinstance(dist, Mixture):
        parts = tuple(duration_spec(p.dist, scale) for p in dist.parts)
        shares = tuple(p.share for p in dist.parts)
        return DurationSpec("mixture", dist.mean() * scale, 0.0, (), shares, parts)
    if isinstance(dist, Empirical):
        values = tuple(v * scale for v in dist.values)
        return DurationSpec(
            "empirical", dist.mean() * scale, 0.0, values, tuple(dist.probabilities())
        )
    raise TypeError(f"not a distribution: {dist!r}")

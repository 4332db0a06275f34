"""Duration distributions a scenario may use, each knowing its analytic mean and variance.

All are non-negative. The unit is given by the field that holds the distribution
(``on_scene_min`` is in minutes, ``handling_sec`` in seconds).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from fmssim.scenario.base import Model

MAX_DURATION = 1e7
"""Largest mean accepted for any duration (about 19 years in minutes): guards against typos."""

Magnitude = Annotated[float, Field(ge=0.0, le=MAX_DURATION, allow_inf_nan=False)]
PositiveMagnitude = Annotated[float, Field(gt=0.0, le=MAX_DURATION, allow_inf_nan=False)]
Cv = Annotated[float, Field(gt=0.0, le=100.0, allow_inf_nan=False)]


class Fixed(Model):
    """Always the same value (zero spread): makes timings exact in tests."""

    kind: Literal["fixed"] = "fixed"
    """Which distribution: ``fixed``."""
    value: Magnitude
    """The value every draw takes."""

    def mean(self) -> float:
        return self.value

    def variance(self) -> float:
        return 0.0


class Exponential(Model):
    """Memoryless durations: the textbook queueing case."""

    kind: Literal["exponential"] = "exponential"
    """Which distribution: ``exponential``."""
    mean_value: PositiveMagnitude = Field(alias="mean")
    """Mean duration."""

    def mean(self) -> float:
        return self.mean_value

    def variance(self) -> float:
        return self.mean_value**2


class Lognormal(Model):
    """Right-skewed durations given by their mean and coefficient of variation (sd / mean)."""

    kind: Literal["lognormal"] = "lognormal"
    """Which distribution: ``lognormal``."""
    mean_value: PositiveMagnitude = Field(alias="mean")
    """Mean duration (of the lognormal itself, not of its logarithm)."""
    cv: Cv
    """Coefficient of variation: standard deviation divided by the mean."""

    def mean(self) -> float:
        return self.mean_value

    def variance(self) -> float:
        return (self.cv * self.mean_value) ** 2


class Gamma(Model):
    """Gamma durations given by mean and coefficient of variation (shape = 1 / cv²)."""

    kind: Literal["gamma"] = "gamma"
    """Which distribution: ``gamma``."""
    mean_value: PositiveMagnitude = Field(alias="mean")
    """Mean duration."""
    cv: Cv
    """Coefficient of variation: standard deviation divided by the mean."""

    def mean(self) -> float:
        return self.mean_value

    def variance(self) -> float:
        return (self.cv * self.mean_value) ** 2


class Empirical(Model):
    """Draws one of the listed values, with the given weights (equal weights if none)."""

    kind: Literal["empirical"] = "empirical"
    """Which distribution: ``empirical``."""
    values: list[Magnitude] = Field(min_length=1, max_length=100_000)
    """Observed durations to resample."""
    weights: list[Annotated[float, Field(ge=0.0, allow_inf_nan=False)]] | None = None
    """Relative weight of each value; need not sum to 1. Same length as ``values``."""

    @model_validator(mode="after")
    def _weights_match(self) -> Empirical:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError(
                    f"weights has {len(self.weights)} entries but values has {len(self.values)}"
                )
            if sum(self.weights) <= 0.0:
                raise ValueError("weights must not all be zero")
        return self

    def probabilities(self) -> list[float]:
        """Normalised weights."""
        w = self.weights or [1.0] * len(self.values)
        total = sum(w)
        return [x / total for x in w]

    def mean(self) -> float:
        return sum(p * v for p, v in zip(self.probabilities(), self.values, strict=True))

    def variance(self) -> float:
        m = self.mean()
        return sum(p * (v - m) ** 2 for p, v in zip(self.probabilities(), self.values, strict=True))


Simple = Annotated[Fixed | Exponential | Lognormal | Gamma | Empirical, Field(discriminator="kind")]
"""A duration distribution that is not a mixture."""


class Part(Model):
    """One component of a mixture: its share of draws and its distribution."""

    share: Annotated[float, Field(gt=0.0, le=1.0)]
    """Share of draws taken from this component."""
    dist: Simple
    """The component's distribution."""


class Mixture(Model):
    """A draw comes from one of the parts, chosen by their shares (which add up to 1): e.g.
    incidents dispatched at once or deferred until the caller can be seen."""

    kind: Literal["mixture"] = "mixture"
    """Which distribution: ``mixture``."""
    parts: list[Part] = Field(min_length=2, max_length=10)
    """The components, each with its share."""

    @model_validator(mode="after")
    def _shares(self) -> Mixture:
        total = sum(p.share for p in self.parts)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"part shares add up to {total:.4g}, not 1")
        return self

    def mean(self) -> float:
        return sum(p.share * p.dist.mean() for p in self.parts)

    def variance(self) -> float:
        m = self.mean()
        second = sum(p.share * (p.dist.variance() + p.dist.mean() ** 2) for p in self.parts)
        return second - m**2


Distribution = Annotated[
    Fixed | Exponential | Lognormal | Gamma | Empirical | Mixture, Field(discriminator="kind")
]
"""Any duration distribution; ``kind`` says which."""

ZERO = Fixed(value=0.0)

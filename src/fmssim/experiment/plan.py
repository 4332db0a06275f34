"""A sweep's plan: which variants ("arms"), how many replications, cut into which chunks.

The plan is written to ``plan.json`` in the sweep folder before any work starts. ``--resume``
continues a sweep only when the plan it would run is the same, so finished chunks are never
mixed with chunks of a different sweep.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from fmssim.report.runfolder import scenario_hash
from fmssim.scenario.errors import ScenarioError
from fmssim.scenario.loader import LoadedScenario, load_scenario
from fmssim.scenario.overrides import parse_assignment

BASE = "base"
"""The name of the scenario as written, without any variant."""
CHUNKS_PER_ARM = 20
"""Default chunking: about this many result files per arm (at least one replication each)."""


@dataclass(frozen=True)
class Arm:
    """One variant of a sweep: a named variant of the file (or none) and extra overrides."""

    name: str
    variant: str | None = None
    sets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Chunk:
    """Replications ``start`` to ``stop - 1`` of arm number ``arm``."""

    arm: int
    start: int
    stop: int

    @property
    def file_name(self) -> str:
        return f"{self.arm:04d}-{self.start:06d}-{self.stop:06d}.parquet"


@dataclass(frozen=True)
class Plan:
    """Everything that decides a sweep's results (and nothing that does not, like workers)."""

    scenario: str
    arms: tuple[Arm, ...]
    replications: int
    chunk: int
    seed: int
    engine: str
    hashes: tuple[str, ...] = field(default=())
    """SHA-256 of each arm's resolved scenario: a resume must see the same files."""

    def chunks(self) -> list[Chunk]:
        """Every chunk, arm by arm, in replication order."""
        return [
            Chunk(a, start, min(start + self.chunk, self.replications))
            for a in range(len(self.arms))
            for start in range(0, self.replications, self.chunk)
        ]

    def as_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"

    @staticmethod
    def from_json(text: str) -> Plan:
        raw: dict[str, Any] = json.loads(text)
        arms = tuple(Arm(a["name"], a["variant"], tuple(a["sets"])) for a in raw.pop("arms"))
        return Plan(arms=arms, hashes=tuple(raw.pop("hashes")), **raw)

    def differences(self, other: Plan) -> list[str]:
        """What differs from ``other``, one phrase per field (empty when the same)."""
        mine, theirs = asdict(self), asdict(other)
        return [
            f"{k} {theirs[k]!r} here, {mine[k]!r} requested" for k in mine if mine[k] != theirs[k]
        ]


def load_arms(path: Path, arms: Sequence[Arm], sets: Sequence[str] = ()) -> list[LoadedScenario]:
    """Each arm's scenario, validated; the first problem raises :class:`ScenarioError`."""
    return [load_scenario(path, variant=a.variant, sets=[*sets, *a.sets]) for a in arms]


def make_plan(
    path: Path, arms: Sequence[Arm], loaded: Sequence[LoadedScenario], chunk: int | None
) -> Plan:
    """The plan for ``arms``; seed, replications and engine come from the first arm."""
    experiment = loaded[0].scenario.experiment
    for arm, scenario in zip(arms, loaded, strict=True):
        other = scenario.scenario.experiment
        if (other.seed, other.replications) != (experiment.seed, experiment.replications):
            message = "a variant cannot change the seed or replications of a comparison"
            raise ScenarioError(str(path), 0, f"variants.{arm.name}.set.experiment", message)
    reps = experiment.replications
    size = chunk if chunk is not None else max(1, math.ceil(reps / CHUNKS_PER_ARM))
    return Plan(
        scenario=str(path),
        arms=tuple(arms),
        replications=reps,
        chunk=size,
        seed=experiment.seed,
        engine=experiment.engine,
        hashes=tuple(scenario_hash(s.document) for s in loaded),
    )


def variant_arms(names: Sequence[str]) -> list[Arm]:
    """Arms for named variants of the file; ``base`` is the file as written."""
    if len(set(names)) != len(names):
        raise ScenarioError("--variants", 0, "variants", "each variant may be named only once")
    return [Arm(n, None if n == BASE else n) for n in names]


def grid_arms(grid: Sequence[str]) -> list[Arm]:
    """Arms for every combination of ``KEY=V1,V2,...`` values (the last key varies fastest).

    Each value is read as YAML, as with ``--set``; an arm is named by its assignments,
    e.g. ``pools.response.roster.on_duty=8``.
    """
    axes: list[list[str]] = []
    keys: list[str] = []
    for text in grid:
        key, value = parse_assignment(text)
        raw = text.partition("=")[2]
        values = [v.strip() for v in raw.split(",")]
        if value is None or any(not v for v in values):
            raise ScenarioError("--grid", 0, key, "expected KEY=V1,V2,... with no empty value")
        if key in keys:
            raise ScenarioError("--grid", 0, key, "this key is given twice")
        keys.append(key)
        axes.append([f"{key}={v}" for v in values])
    arms = [Arm(" ".join(combo), None, combo) for combo in itertools.product(*axes)]
    if len({a.name for a in arms}) != len(arms):
        raise ScenarioError("--grid", 0, keys[-1] if keys else "grid", "a value is repeated")
    return arms

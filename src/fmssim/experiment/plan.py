"""A sweep's plan: which variants ("arms"), how many replications, cut into which chunks.

The plan is written to ``plan.json`` in the sweep folder before any work starts. ``--resume``
continues a sweep only when the plan it would run is the same, so finished chunks are never
mixed with chunks of a different sweep.
"""

from __future__ import annotations

import hashlib
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
        """The plan written by :meth:`as_json`; ``ValueError`` if it is not one."""
        try:
            raw: dict[str, Any] = json.loads(text)
            arms = tuple(Arm(a["name"], a["variant"], tuple(a["sets"])) for a in raw.pop("arms"))
            plan = Plan(arms=arms, hashes=tuple(raw.pop("hashes")), **raw)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise ValueError("not a sweep plan") from exc
        types = (str, int, int, int, str)
        values = (plan.scenario, plan.replications, plan.chunk, plan.seed, plan.engine)
        if not all(type(v) is t for v, t in zip(values, types, strict=True)):
            raise ValueError("not a sweep plan")
        return plan

    @property
    def identity(self) -> str:
        """SHA-256 of everything that decides the results (not the spelling of the path)."""
        fields = asdict(self)
        fields.pop("scenario")
        return hashlib.sha256(json.dumps(fields, sort_keys=True).encode("utf-8")).hexdigest()

    def differences(self, other: Plan) -> list[str]:
        """What differs from ``other`` (the earlier plan), in words (empty when the same)."""
        changes = []
        if _where(self.scenario) != _where(other.scenario):
            changes.append(f"the scenario file is {self.scenario}, not {other.scenario}")
        for name in ("replications", "chunk", "seed", "engine"):
            mine, theirs = getattr(self, name), getattr(other, name)
            if mine != theirs:
                changes.append(f"{name} {theirs!r} here, {mine!r} requested")
        if [a.name for a in self.arms] != [a.name for a in other.arms]:
            were = ", ".join(a.name for a in other.arms)
            changes.append(f"the variants were {_short(were)}")
        elif self.arms != other.arms:
            changes.append("a variant's overrides differ")
        elif self.hashes != other.hashes and not changes:
            changed = [
                a.name
                for a, h, k in zip(self.arms, self.hashes, other.hashes, strict=False)
                if h != k
            ]
            changes.append(f"the scenario of {_short(', '.join(changed))} changed since")
        return changes


def _where(path: str) -> Path:
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError):
        return Path(path)


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
        _refuse_repeats(key, values)
        axes.append([f"{key}={v}" for v in values])
    arms = [Arm(" ".join(combo), None, combo) for combo in itertools.product(*axes)]
    if len({a.name for a in arms}) != len(arms):
        raise ScenarioError("--grid", 0, keys[-1] if keys else "grid", "a value is repeated")
    return arms


def _refuse_repeats(key: str, values: Sequence[str]) -> None:
    """Two values that read as the same (``6`` and ``6.0``) would run the same arm twice."""
    read = [parse_assignment(f"{key}={v}")[1] for v in values]
    for i, value in enumerate(read):
        for j in range(i):
            numbers = {type(value), type(read[j])} <= {int, float}
            if (type(value) is type(read[j]) or numbers) and value == read[j]:
                message = f"values {values[j]} and {values[i]} are the same value"
                raise ScenarioError("--grid", 0, key, message)

"""Searching allocations of extra officers: greedy marginal allocation with common random numbers.

Start from the scenario as written. At each step, every lever (a department's or pool's
staffing) gets ``step`` more officers in turn; every candidate runs on the same replications,
so candidates differ only by their allocation, and the one with the best mean objective is
kept. After ``officers / step`` steps, an exchange check moves one step of the added officers
from each lever to each other one: if greedy allocation was not optimal for this objective,
an exchange shows it. Each step is a sweep of its own (``step-NN/`` in the result folder),
so an interrupted search resumes with ``--resume``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from fmssim.analytics.objective import (
    Term,
    as_long,
    missing_terms,
    objective_per_replication,
    ranked,
)
from fmssim.analytics.paired import paired_comparison
from fmssim.experiment.executors import Executor
from fmssim.experiment.plan import Arm
from fmssim.experiment.sweep import run_sweep
from fmssim.report.files import atomic_csv
from fmssim.report.folders import folder_lock
from fmssim.scenario.errors import ScenarioError
from fmssim.scenario.loader import load_scenario

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Lever:
    """Where added officers go: ``key`` (a dotted scenario key) holds ``start`` officers."""

    name: str
    key: str
    start: float


@dataclass(frozen=True)
class Step:
    """One greedy step: the allocation kept, its objective and its gain over the last step."""

    number: int
    added_to: str
    allocation: tuple[float, ...]
    objective: float
    gain: float
    gain_low: float
    gain_high: float


@dataclass(frozen=True)
class Search:
    """What to search: levers, how many officers in steps of how many, and the objective."""

    path: Path
    levers: tuple[Lever, ...]
    officers: int
    step: int
    terms: tuple[Term, ...]
    sets: tuple[str, ...] = ()

    def arm(self, allocation: Sequence[float]) -> Arm:
        pairs = list(zip(self.levers, allocation, strict=True))
        name = " ".join(f"{lv.name}={_number(n)}" for lv, n in pairs)
        sets = tuple(f"{lv.key}={_number(n)}" for lv, n in pairs)
        return Arm(name, None, sets)


def _number(n: float) -> str:
    """A whole number without a decimal point (a headcount), else the shortest exact text."""
    return str(int(n)) if float(n).is_integer() else repr(float(n))


@dataclass(frozen=True)
class SearchResult:
    steps: tuple[Step, ...]
    ranking: pl.DataFrame
    """The final allocation and its exchanges, best first, with paired differences to the best."""
    objectives: pl.DataFrame = field(repr=False)
    """``variant, replication, objective`` of every allocation evaluated."""


def levers_for(path: Path, names: Sequence[str], sets: Sequence[str] = ()) -> tuple[Lever, ...]:
    """Each name as a lever: a dispatch pool, a contact handler pool, a workforce department
    (officers added beyond its rosters, ``extra_fte``), or a dotted key."""
    document = load_scenario(path, sets=sets).document
    levers = []
    for name in names:
        key, default = _lever_key(document, name)
        value = _dotted(document, key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            message = f"{name}: expected a number of officers at {key}, found {value!r}"
            raise ScenarioError("--over", 0, key, message)
        levers.append(Lever(name, key, value))
    if len({lv.key for lv in levers}) != len(levers):
        raise ScenarioError("--over", 0, "over", "each department may be named only once")
    return tuple(levers)


def _lever_key(document: dict[str, Any], name: str) -> tuple[str, Any]:
    """The dotted key a lever moves, and its value when the scenario leaves it out."""
    if "." in name:
        return name, None
    if name in ((document.get("workforce") or {}).get("departments") or {}):
        return f"workforce.departments.{name}.extra_fte", 0  # no officers added yet
    if name in (document.get("pools") or {}):
        return f"pools.{name}.roster.on_duty", None
    if name in ((document.get("contact") or {}).get("pools") or {}):
        return f"contact.pools.{name}.roster.on_duty", None
    message = "not a dispatch or handler pool, nor a workforce department, nor a dotted key"
    raise ScenarioError("--over", 0, name, message)


def _dotted(document: Any, key: str, default: Any = None) -> Any:
    node = document
    for part in key.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return default if node is None else node


def search(
    spec: Search,
    folder: Path,
    executor: Executor,
    resume: bool = False,
    chunk: int | None = None,
    progress: Progress | None = None,
) -> SearchResult:
    """Greedy marginal allocation of ``spec.officers``, then the exchange check (holding
    ``folder``'s lock: a second writer is refused)."""
    if spec.officers % spec.step:
        raise ScenarioError(
            "--officers", 0, "officers", f"must be a multiple of --step {spec.step}"
        )
    with folder_lock(folder):
        return _search(spec, folder, executor, resume, chunk, progress)


def _search(
    spec: Search,
    folder: Path,
    executor: Executor,
    resume: bool,
    chunk: int | None,
    progress: Progress | None,
) -> SearchResult:
    runner = _Runner(spec, folder, executor, resume, chunk, progress)
    current = tuple(lv.start for lv in spec.levers)
    known = runner.evaluate(0, [current])
    _check_terms(runner.last_reps, spec.terms)
    start = _mean(known, spec.arm(current).name)
    steps = [Step(0, "", current, start, math.nan, math.nan, math.nan)]
    for number in range(1, spec.officers // spec.step + 1):
        candidates = [_plus(current, k, spec.step) for k in range(len(spec.levers))]
        found = runner.evaluate(number, candidates)
        order = ranked(found)
        best = next(c for c in candidates if spec.arm(c).name == order["variant"][0])
        gain = _gain(pl.concat([known, found]), spec.arm(current).name, spec.arm(best).name)
        added = spec.levers[[b - c for b, c in zip(best, current, strict=True)].index(spec.step)]
        steps.append(Step(number, added.name, best, float(order["objective"][0]), *gain))
        known, current = found, best
    swaps = _exchanges(spec, current)
    final = runner.evaluate(len(steps), swaps) if swaps else known.head(0)
    pool = pl.concat([known.filter(pl.col("variant") == spec.arm(current).name), final])
    result = SearchResult(tuple(steps), ranked(pool), runner.objectives)
    _write(folder, spec, result)
    return result


class _Runner:
    """Runs one sweep per step, keeps every objective, and drives one overall progress bar."""

    def __init__(
        self,
        spec: Search,
        folder: Path,
        executor: Executor,
        resume: bool,
        chunk: int | None,
        progress: Progress | None,
    ) -> None:
        self.spec, self.folder, self.executor = spec, folder, executor
        self.resume, self.chunk, self.progress = resume, chunk, progress
        self.done = 0
        self.arms_now = 1
        self.objectives = pl.DataFrame()
        self.last_reps = pl.DataFrame()
        levers = len(spec.levers)
        self.arms_total = 1 + spec.officers // spec.step * levers + levers * (levers - 1)

    def evaluate(self, number: int, allocations: Sequence[tuple[float, ...]]) -> pl.DataFrame:
        arms = [self.spec.arm(a) for a in allocations]
        self.arms_now = len(arms)
        result = run_sweep(
            self.spec.path,
            arms,
            self.folder / f"step-{number:02d}",
            sets=self.spec.sets,
            executor=self.executor,
            resume=self.resume,
            chunk=self.chunk,
            progress=self._progress,
        )
        self.done += result.plan.replications * len(arms)
        self.last_reps = result.replications
        found = objective_per_replication(result.replications, self.spec.terms)
        self.objectives = pl.concat([self.objectives, found]) if self.objectives.width else found
        return found

    def _progress(self, done: int, total: int) -> None:
        if self.progress is not None:
            reps = total // max(1, self.arms_now)
            self.progress(self.done + done, reps * self.arms_total)


def _check_terms(reps: pl.DataFrame, terms: tuple[Term, ...]) -> None:
    missing = missing_terms(reps, terms)
    if missing:
        term = missing[0]
        message = f"{term.area}/{term.group}/{term.kpi} is not a KPI of this scenario's results"
        raise ScenarioError("--objective", 0, "objective", message)


def _plus(allocation: tuple[float, ...], k: int, step: int) -> tuple[float, ...]:
    return tuple(n + step if i == k else n for i, n in enumerate(allocation))


def _exchanges(spec: Search, current: tuple[float, ...]) -> list[tuple[float, ...]]:
    """Move one step of added officers from each lever to each other lever."""
    moves = []
    for a, lever in enumerate(spec.levers):
        if current[a] - lever.start < spec.step:
            continue
        for b in range(len(spec.levers)):
            if b != a:
                moves.append(_plus(_plus(current, a, -spec.step), b, spec.step))
    return moves


def _mean(objective: pl.DataFrame, variant: str) -> float:
    return float(objective.filter(pl.col("variant") == variant)["objective"].mean())  # type: ignore[arg-type]


def _gain(objective: pl.DataFrame, before: str, after: str) -> tuple[float, float, float]:
    """Paired difference of ``after`` over ``before`` with its 95% interval."""
    pair = as_long(objective.filter(pl.col("variant").is_in([before, after])))
    row = paired_comparison(pair, before).row(0, named=True)
    return row["difference"], row["ci_low"], row["ci_high"]


def _write(folder: Path, spec: Search, result: SearchResult) -> None:
    names = [lv.name for lv in spec.levers]
    steps = pl.DataFrame(
        {
            "step": [s.number for s in result.steps],
            "added_to": [s.added_to for s in result.steps],
            **{n: [s.allocation[i] for s in result.steps] for i, n in enumerate(names)},
            "objective": [s.objective for s in result.steps],
            "gain": [s.gain for s in result.steps],
            "gain_ci_low": [s.gain_low for s in result.steps],
            "gain_ci_high": [s.gain_high for s in result.steps],
        }
    )
    atomic_csv(steps, folder / "optimise_steps.csv")
    atomic_csv(result.ranking, folder / "optimise_ranking.csv")

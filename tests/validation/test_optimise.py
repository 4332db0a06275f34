"""Allocation search: greedy marginal allocation under common random numbers.

Laws checked (fixed seeds, deterministic): for a separable objective with diminishing returns
(each pool affects only its own grades), greedy marginal allocation is optimal (Fox, 1966), so
it must match an exhaustive search over every allocation; an officer added where the objective
cannot move gains exactly zero (common random numbers), so greedy never puts one there; every
step's paired gain interval lies above zero.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from fmssim.analytics.objective import Term, objective_per_replication, ranked
from fmssim.cli import main
from fmssim.experiment.executors import LocalExecutor
from fmssim.experiment.search import Search, levers_for, search
from fmssim.experiment.sweep import run_sweep
from fmssim.model.compile import compile_scenario
from fmssim.scenario import load_scenario

DISTRICT = Path(__file__).parents[2] / "scenarios" / "district_options.yaml"
SETS = ("calendar.end=2019-03-01", "experiment.replications=4")
SEPARABLE = (
    Term("dispatch", "P1", "attained_share", 1.0),
    Term("dispatch", "P3", "response_mean_min", -0.01),
)


def spec(officers: int, terms: tuple[Term, ...]) -> Search:
    levers = levers_for(DISTRICT, ["response", "neighbourhood"], SETS)
    return Search(DISTRICT, levers, officers, 1, terms, SETS)


def test_greedy_matches_exhaustive_search_on_a_separable_objective(tmp_path: Path) -> None:
    wanted = spec(3, SEPARABLE)
    result = search(wanted, tmp_path / "greedy", LocalExecutor())
    every = [
        wanted.arm((7 + r, 4 + 3 - r)) for r in range(4)
    ]  # response 7..10, neighbourhood 7..4: every way to place three officers
    sweep = run_sweep(DISTRICT, every, tmp_path / "all", sets=SETS)
    exhaustive = ranked(objective_per_replication(sweep.replications, SEPARABLE))
    assert result.ranking["variant"][0] == exhaustive["variant"][0]
    assert result.steps[-1].objective == pytest.approx(exhaustive["objective"][0], rel=1e-12)
    for step in result.steps[1:]:
        assert step.gain_low > 0.0, step


def test_an_officer_where_the_objective_cannot_move_gains_exactly_nothing(tmp_path: Path) -> None:
    """Only P3 counts; response officers never attend P3, so with common random numbers their
    gain is exactly zero and every officer goes to the neighbourhood pool."""
    only_p3 = (Term("dispatch", "P3", "response_mean_min", -1.0),)
    result = search(spec(2, only_p3), tmp_path, LocalExecutor())
    assert [s.added_to for s in result.steps[1:]] == ["neighbourhood", "neighbourhood"]
    steps = pl.read_csv(tmp_path / "optimise_steps.csv")
    assert steps["neighbourhood"].to_list() == [4, 5, 6]
    objectives = result.objectives
    start = objectives.filter(pl.col("variant") == "response=7 neighbourhood=4")["objective"]
    moved = objectives.filter(pl.col("variant") == "response=8 neighbourhood=4")["objective"]
    assert start.to_list() == moved.to_list()  # bit-identical, replication by replication


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--over", "response,detectives"], "--over: detectives: not a dispatch or handler pool"),
        (
            ["--over", "response", "--objective", "dispatch/P1"],
            "--objective: dispatch/P1: expected",
        ),
        (
            ["--over", "response", "--objective", "dispatch/P9/attained_share=1"],
            "dispatch/P9/attained_share is not a KPI of this scenario",
        ),
        (["--over", "response", "--step", "2"], "must be a multiple of --step 2"),
        (["--over", "response", "--resume"], "--resume: give the folder to continue with --out"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    base = [
        "optimise",
        str(DISTRICT),
        "--officers",
        "3",
        "--quiet",
        "--reps",
        "2",
        "--set",
        "calendar.end=2019-01-15",
    ]
    out = [] if "--resume" in args else ["--out", str(tmp_path / "o")]
    result = CliRunner().invoke(main, [*base, *args, *out])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], lines


def test_the_command_prints_the_path_and_the_best_allocations(tmp_path: Path) -> None:
    args = [
        "optimise",
        str(DISTRICT),
        "--officers",
        "2",
        "--over",
        "response,neighbourhood",
        "--reps",
        "3",
        "--set",
        "calendar.end=2019-02-01",
        "--out",
        str(tmp_path),
    ]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for text in (
        "objective (maximised, mean over years): 1 × dispatch/P1/attained_share",
        "Greedy allocation of 2 added (dispatch units on duty)",
        "Best allocations",
    ):
        assert text in result.stdout
    assert (tmp_path / "optimise_ranking.csv").is_file()
    assert sorted(p.name for p in tmp_path.glob("step-*")) == [
        "step-00",
        "step-01",
        "step-02",
        "step-03",
    ]
    assert not list(itertools.chain(tmp_path.rglob("*.tmp")))


WORKFORCE = Path(__file__).parents[2] / "scenarios" / "validation" / "workforce_pdu.yaml"


def test_a_workforce_department_is_a_lever_of_officers_beyond_its_rosters() -> None:
    """`--over response` on a workforce scenario adds officers to the response department
    (``extra_fte``): its rosters grow by their share of the department's effective strength."""
    (lever,) = levers_for(WORKFORCE, ["response"])
    assert (lever.key, lever.start) == ("workforce.departments.response.extra_fte", 0)
    short = "calendar.end=2019-02-01"
    base = compile_scenario(load_scenario(WORKFORCE, sets=[short]).scenario)
    more = compile_scenario(load_scenario(WORKFORCE, sets=[short, f"{lever.key}=6"]).scenario)
    # 60 officers at 95% availability, tutors abstracted: 6 more raise the 12 units by ~10%
    assert base.pools.change_units[0][0] == 12
    assert more.pools.change_units[0][0] == 13

"""Sweeps give the same numbers however they run: one process, local processes, a Dask
cluster, or killed with SIGKILL and resumed — and pairing sharpens comparisons.

Laws checked (all deterministic, fixed seeds): a sweep's variant block is bit-identical to
``fmssim run`` of that variant (apart from the distribution area only sweeps add); local
workers, a Dask LocalCluster on loopback and an interrupted-then-resumed sweep give
identical per-replication tables, summaries and comparisons; a resume reruns no finished
chunk and loses none; under common random numbers the paired 95% interval of a staffing
change is narrower than the unpaired one, and more officers never lower P1/P2 attainment
(direction).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from polars.testing import assert_frame_equal

from fmssim.analytics.paired import interval_ratio
from fmssim.cli import main
from fmssim.experiment import run_experiment
from fmssim.experiment.executors import DaskExecutor, LocalExecutor
from fmssim.experiment.plan import variant_arms
from fmssim.experiment.sweep import SweepResult, run_sweep
from fmssim.scenario import load_scenario

DISTRICT = Path(__file__).parents[2] / "scenarios" / "district_options.yaml"
SHORT = ["calendar.end=2019-03-01", "experiment.replications=6"]
ARMS = variant_arms(["base", "more_response", "fewer_response"])
FMSSIM = Path(sys.executable).parent / "fmssim"


def sweep(folder: Path, **kwargs: object) -> SweepResult:
    return run_sweep(DISTRICT, ARMS, folder, sets=SHORT, chunk=2, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> SweepResult:
    """The sweep on one process, uninterrupted: what every other way must reproduce."""
    return sweep(tmp_path_factory.mktemp("one"))


def assert_same(a: SweepResult, b: SweepResult) -> None:
    assert_frame_equal(a.replications, b.replications, check_exact=True)
    assert_frame_equal(a.summary, b.summary, check_exact=True)
    assert_frame_equal(a.comparison, b.comparison, check_exact=True)


def test_a_variant_block_equals_fmssim_run_of_that_variant(reference: SweepResult) -> None:
    loaded = load_scenario(DISTRICT, variant="more_response", sets=SHORT)
    run = run_experiment(loaded).summary
    block = reference.summary.filter(
        (pl.col("variant") == "more_response") & (pl.col("area") != "response_distribution")
    )
    assert_frame_equal(block, run, check_exact=True)
    reps = reference.replications
    assert reps.group_by("variant", "replication").len().height == 3 * 6


def test_local_processes_give_identical_results(reference: SweepResult, tmp_path: Path) -> None:
    assert_same(reference, sweep(tmp_path, executor=LocalExecutor(2)))


def test_a_dask_cluster_on_loopback_gives_identical_results(
    reference: SweepResult, tmp_path: Path
) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        protocol="tcp://",
        host="127.0.0.1",
        scheduler_port=0,
        dashboard_address=":0",
    ) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        result = sweep(tmp_path, executor=DaskExecutor(address))
        assert_same(reference, result)
        # Lose half the chunks (as an interrupted sweep would), resume on the cluster.
        lost = sorted((tmp_path / "chunks").glob("*.parquet"))[::2]
        for chunk in lost:
            chunk.unlink()
        resumed = sweep(tmp_path, executor=DaskExecutor(address), resume=True)
    assert (resumed.resumed_chunks, resumed.ran_chunks) == (9 - len(lost), len(lost))
    assert_same(reference, resumed)
    assert "dask" in (tmp_path / "manifest.json").read_text(encoding="utf-8")


def test_sigkill_then_resume_loses_and_repeats_nothing(
    reference: SweepResult, tmp_path: Path
) -> None:
    """A sweep killed (SIGKILL) after some chunks resumes to the uninterrupted result."""
    folder = tmp_path / "killed"
    # 40 replications a variant, one per chunk: long enough to be killed half-way.
    sets = ["--set", "calendar.end=2019-03-01", "--reps", "40", "--chunk", "1"]
    command = [
        str(FMSSIM),
        "compare",
        str(DISTRICT),
        "--variants",
        "base",
        "more_response",
        *sets,
        "--out",
        str(folder),
        "--quiet",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    chunks = tmp_path / ".killed.sweep-partial" / "chunks"  # staged until complete
    deadline = time.monotonic() + 120
    while len(list(chunks.glob("*.parquet"))) < 5 and time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    before = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in chunks.glob("*.parquet")}
    assert 5 <= len(before) < 80 and not folder.exists()

    resumed = CliRunner().invoke(main, [*command[1:], "--resume"], catch_exceptions=False)
    assert resumed.exit_code == 0, resumed.output
    assert f"resumed: {len(before)} chunks were finished already" in resumed.stderr
    chunks = folder / "chunks"
    after = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in chunks.glob("*.parquet")}
    assert len(after) == 80 and all(after[name] == seen for name, seen in before.items())
    assert not list(chunks.glob(".*.tmp"))  # a chunk half-written at the kill is cleared

    fresh = tmp_path / "fresh"
    clean = CliRunner().invoke(main, [*command[1:-3], "--out", str(fresh), "--quiet"])
    assert clean.exit_code == 0, clean.output
    for name in ("replications.parquet", "summary.parquet", "comparison.parquet"):
        a, b = pl.read_parquet(folder / name), pl.read_parquet(fresh / name)
        assert_frame_equal(a, b, check_exact=True)
    reps = pl.read_parquet(folder / "replications.parquet")
    counted = reps.group_by("variant", "replication").len()
    assert counted.height == 80 and counted["len"].n_unique() == 1


def test_resume_refuses_a_different_sweep(reference: SweepResult, tmp_path: Path) -> None:
    sweep(tmp_path)
    with pytest.raises(Exception, match=r"cannot resume a different sweep: .*replications"):
        run_sweep(
            DISTRICT,
            ARMS,
            tmp_path,
            sets=[SHORT[0], "experiment.replications=7"],
            chunk=2,
            resume=True,
        )


def test_pairing_narrows_the_interval_and_more_officers_never_hurt(
    reference: SweepResult,
) -> None:
    """Common random numbers: for P1 and P2 attainment, paired width < unpaired width."""
    rows = interval_ratio(reference.comparison).filter(
        (pl.col("area") == "dispatch")
        & pl.col("group").is_in(["P1", "P2"])
        & (pl.col("kpi") == "attained_share")
    )
    assert rows.height == 4
    assert (rows["width_ratio"] < 1.0).all(), rows
    more = rows.filter(pl.col("variant") == "more_response")
    fewer = rows.filter(pl.col("variant") == "fewer_response")
    assert (more["ci_low"] > 0).all() and (fewer["ci_high"] < 0).all()

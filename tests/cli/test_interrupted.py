"""A run killed outright (SIGKILL: no clean-up code runs) never leaves a corrupt run folder.

`fmssim run --out FOLDER` writes into a staging folder beside FOLDER and swaps it in only when
complete, so after a kill at any moment FOLDER holds either the earlier run, untouched, or the
new run, complete — never a mix, never a half-written file. The next run into FOLDER removes
the abandoned staging folder.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

SCENARIO = Path(__file__).parents[2] / "scenarios" / "validation" / "priority_mmc.yaml"
REPS = 4
ARGS = ["--reps", str(REPS), "--engine", "des", "--records", "--quiet"]


def fmssim(*args: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "fmssim", "run", str(SCENARIO), *args]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def complete(folder: Path) -> bool:
    """A whole run of REPS replications: manifest, both summaries and every record file."""
    manifest = json.loads((folder / "manifest.json").read_text())
    csv, parquet = pl.read_csv(folder / "summary.csv"), pl.read_parquet(folder / "summary.parquet")
    records = sorted((folder / "records").rglob("*.parquet"))
    for path in records:
        pl.read_parquet(path)  # not truncated
    return (
        manifest["replications"] == REPS
        and csv.height == parquet.height > 0
        and len(records) >= REPS
    )


@pytest.fixture(scope="module")
def earlier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete earlier run (2 replications) to be protected."""
    folder = tmp_path_factory.mktemp("runs") / "earlier"
    assert fmssim("--out", str(folder), "--reps", "2", "--records", "--quiet").wait() == 0
    return folder


@pytest.mark.parametrize("delay", [0.0, 0.3, 1.0, 2.0])
def test_sigkill_mid_run_leaves_the_earlier_run_or_a_complete_new_one(
    earlier: Path, delay: float
) -> None:
    before = snapshot(earlier)
    run = fmssim("--out", str(earlier), *ARGS)
    deadline = time.monotonic() + 60
    while not list(earlier.parent.glob(".earlier.*.partial")) and run.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    time.sleep(delay)
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    after = snapshot(earlier)
    assert after == before or complete(earlier), "a mix of two runs, or a half-written file"
    visible = [p.name for p in earlier.parent.iterdir() if not p.name.startswith(".")]
    assert visible == ["earlier"]


def test_the_next_run_removes_abandoned_staging_folders(earlier: Path) -> None:
    run = fmssim("--out", str(earlier), *ARGS)
    while not list(earlier.parent.glob(".earlier.*.partial")):
        assert run.poll() is None, "the run ended before it could be killed"
        time.sleep(0.02)
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    assert fmssim("--out", str(earlier), *ARGS).wait() == 0
    assert complete(earlier)
    assert sorted(p.name for p in earlier.parent.iterdir()) == ["earlier"]

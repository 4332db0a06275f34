"""Bounded resources, one-line messages, infrastructure faults and capacity warnings.

Laws checked: every read is bounded by the bytes actually read (a FIFO or a device is
refused before reading, a long file is refused at its limit, a document of very many values
before it is parsed) in well under a second and a few megabytes; a command-line mistake is
one ``error:`` line, never click's usage block, and no line runs on; a full disk or a lost
cluster during a sweep exits 1 with the resume hint, and the resume then completes; worker
processes die with their parent; and a pool that can never keep up, or is used by nothing,
is named by a warning from ``validate``, ``run`` and ``sweep`` alike.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from fmssim.cli import main
from fmssim.scenario import ScenarioError, load_scenario

ROOT = Path(__file__).parents[2]
VALID = ROOT / "tests" / "cli" / "corpus" / "bases" / "valid_base.yaml"
MMC = ROOT / "scenarios" / "validation" / "priority_mmc.yaml"
ERLANG_A = ROOT / "scenarios" / "validation" / "erlang_a.yaml"
SHORT = ["--set", "calendar.end=2019-01-15", "--set", "calendar.warmup_days=1"]


def invoke(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def one_line(result: Result, code: int = 2) -> str:
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Usage:" not in result.output and "Traceback" not in result.output
    return lines[0]


# --- Bounded reads ---------------------------------------------------------------------------


def bounded(path: Path, seconds: float = 2.0, megabytes: float = 40.0) -> ScenarioError:
    """Load ``path``: refused, within ``seconds`` and ``megabytes`` of Python memory."""
    tracemalloc.start()
    start = time.monotonic()
    try:
        with pytest.raises(ScenarioError) as refused:
            load_scenario(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.monotonic() - start < seconds
    assert peak < megabytes * 1e6, peak
    return refused.value


def test_a_megabyte_of_list_items_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "items.yaml"
    path.write_text("name: x\nitems:\n" + "- 0\n" * 260_000)
    error = bounded(path)
    assert "too many lines and list items" in error.message


def test_a_flow_list_of_many_items_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "flow.yaml"
    path.write_text("name: x\nitems: [" + "0," * 300_000 + "0]\n")
    assert "the limit is 200,000" in bounded(path).message


def test_a_long_profile_is_refused_at_its_limit(tmp_path: Path) -> None:
    (tmp_path / "big.csv").write_text("1.0\n" * 1_000_000)  # 4 MB
    path = tmp_path / "s.yaml"
    path.write_text(VALID.read_text() + "profiles:\n  big:\n    file: big.csv\n")
    error = bounded(path, megabytes=10)
    assert error.key == "profiles.big.file" and "larger than the limit" in error.message


def test_a_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    assert "not a regular file" in bounded(fifo).message
    profile = tmp_path / "pipe.csv"
    os.mkfifo(profile)
    path = tmp_path / "s.yaml"
    path.write_text(VALID.read_text() + "profiles:\n  p:\n    file: pipe.csv\n")
    assert "not a regular file" in bounded(path).message


def test_an_excel_profile_with_a_byte_order_mark_and_no_header_is_read(tmp_path: Path) -> None:
    """Accepted, rightly: Excel writes UTF-8 CSV with a BOM; it is not a 169th row."""
    rows = "\r\n".join(f"{1.0 + (h % 24) / 24:.4f}" for h in range(168))
    (tmp_path / "excel.csv").write_bytes(b"\xef\xbb\xbf" + rows.encode() + b"\r\n")
    path = tmp_path / "s.yaml"
    text = VALID.read_text().replace("P1: {annual_volume: 1000}", "P1: {annual_volume: 1000, "
                                     "profile: excel}")  # fmt: skip
    path.write_text(text + "profiles:\n  excel:\n    file: excel.csv\n")
    loaded = load_scenario(path)
    assert len(loaded.scenario.profiles["excel"].values or []) == 168


def test_a_run_too_large_for_memory_is_refused_up_front() -> None:
    sets = ["--set", "calendar.end=2023-01-01", "--set", "demand.incidents.P1.annual_volume=1e8"]
    line = one_line(invoke("run", VALID, *sets, "--reps", "1", "--quiet"))
    assert "GB of memory needed" in line and "available" in line


# --- Messages --------------------------------------------------------------------------------

USAGE = {
    "reps_zero": (["run", VALID, "--reps", "0"], "invalid value for '--reps'"),
    "workers_zero": (["sweep", VALID, "--grid", "x=1", "--workers", "0"], "'--workers'"),
    "seed_negative": (["run", VALID, "--seed", "-1"], "invalid value for '--seed'"),
    "engine_unknown": (["run", VALID, "--engine", "warp"], "'warp' is not one of"),
    "option_unknown": (["run", VALID, "--bogus"], "no such option '--bogus'"),
    "command_unknown": (["frobnicate"], "no such command 'frobnicate'"),
    "argument_missing": (["run"], "missing argument 'SCENARIO'"),
    "group_option_unknown": (["--bogus"], "no such option '--bogus'"),
    "scheduler_bad_port": (
        ["compare", VALID, "--variants", "base", "x", "--scheduler", "tcp://127.0.0.1:99999"],
        "expected an address like tcp://HOST:PORT",
    ),
    "new_empty_name": (["new", ""], "give a file name"),
    "new_folder_name": (["new", "somewhere/"], "give a file name"),
}


@pytest.mark.parametrize("case", sorted(USAGE))
def test_a_command_line_mistake_is_one_line(case: str) -> None:
    args, message = USAGE[case]
    assert message in one_line(invoke(*args))


def test_error_lines_are_capped(tmp_path: Path) -> None:
    line = one_line(invoke("validate", VALID, "--set", "k" * 100_000 + "=1"))
    assert len(line) <= 620 and "…" in line


def test_run_variant_base_is_the_file_as_written(tmp_path: Path) -> None:
    """``base`` means one thing everywhere: the scenario as written."""
    a = invoke("run", MMC, *SHORT, "--reps", "2", "--variant", "base", "--out", tmp_path / "a")
    b = invoke("run", MMC, *SHORT, "--reps", "2", "--out", tmp_path / "b")
    assert a.exit_code == b.exit_code == 0, a.output + b.output
    assert (tmp_path / "a" / "summary.csv").read_bytes() == (
        tmp_path / "b" / "summary.csv"
    ).read_bytes()


# --- Infrastructure faults: exit 1 and the resume hint ---------------------------------------

GRID = ["--grid", "pools.response.roster.on_duty=5,6", "--engine", "des", "--reps", "3"]


def test_a_full_disk_mid_sweep_exits_1_with_the_resume_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import polars as pl
    from polars.exceptions import ComputeError

    from fmssim.experiment import chunks

    out = tmp_path / "s"
    written: list[int] = []
    real = chunks.atomic_parquet

    def fills_up(table: pl.DataFrame, target: Path) -> None:
        if len(written) >= 2:  # polars reports a full disk as its own error

            def fail(path: Path) -> None:
                raise ComputeError("failed to write: No space left on device (os error 28)")

            from fmssim.report.files import atomic_write

            atomic_write(target, fail)
        written.append(1)
        real(table, target)

    monkeypatch.setattr(chunks, "atomic_parquet", fills_up)
    result = invoke("sweep", MMC, *GRID, *SHORT, "--chunk", "1", "--out", out, "--quiet")
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("error: ") and "No space left on device" in lines[0]
    assert "--resume" in lines[1] and "Traceback" not in result.output
    assert not out.exists()  # nothing half-done where the results go
    monkeypatch.setattr(chunks, "atomic_parquet", real)
    resumed = invoke("sweep", MMC, *GRID, *SHORT, "--chunk", "1", "--out", out, "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert "resumed: 2 chunks were finished already, 4 run now" in resumed.stderr


def test_a_lost_cluster_exits_1_with_the_resume_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fmssim.experiment import sweep
    from fmssim.experiment.executors import ClusterLost, _lost

    class FutureCancelledError(Exception):
        pass

    assert _lost(FutureCancelledError()) and not _lost(ValueError("a task's own error"))

    def lost(*_: object, **__: object) -> None:
        raise ClusterLost("tcp://10.0.0.1:8786: lost the Dask cluster (FutureCancelledError)")

    monkeypatch.setattr(sweep, "run_sweep", lost)
    result = invoke("sweep", MMC, *GRID, *SHORT, "--out", tmp_path / "s")
    assert result.exit_code == 1
    assert "lost the Dask cluster" in result.stderr and "--resume" in result.stderr


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux")
def test_workers_die_with_a_killed_parent(tmp_path: Path) -> None:
    fmssim = str(Path(sys.executable).parent / "fmssim")
    out = str(tmp_path / "r")
    command = [fmssim, "run", str(MMC), "--reps", "8", "--workers", "2", "--engine", "des",
               "--out", out, "--quiet"]  # fmt: skip
    parent = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while len(workers) < 2 and time.monotonic() < deadline:  # two workers plus the tracker
        assert parent.poll() is None
        workers = {c for c in _children(parent.pid) if "spawn_main" in _cmdline(c)}
        time.sleep(0.05)
    assert len(workers) >= 2
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 30  # a worker still starting ends once it is up
    while any(map(_alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(_alive, workers))


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


# --- Warnings: parts that do nothing, pools that can never keep up ---------------------------

WARNINGS = {
    "unused_pool": (VALID, ["pools.extra={roster: {on_duty: 3}}"], "pools.extra: no grade"),
    "year_outside": (
        VALID,
        ["demand.incidents.P1.growth.volumes={2030: 5}"],
        "year 2030 is outside the planning years 2019",
    ),
    "zero_on_duty": (VALID, ["pools.response.roster.on_duty=0"], "no units on duty at any hour"),
    "all_zero_roster": (
        VALID,
        ["pools.response.roster={hour_of_week: [" + ",".join(["0"] * 168) + "]}"],
        "no units on duty at any hour",
    ),
    "crews_round_to_zero": (
        VALID,
        ["pools.response.roster.on_duty=1", "pools.response.double_crewed_share=1.0"],
        "no units on duty at any hour",
    ),
    "units_above_pool": (
        VALID,
        ["dispatch.grades.P1.units_needed=3"],
        "grade P1 needs 3 units at once but pool response never has more than 2",
    ),
    "dispatch_overload": (MMC, ["pools.response.roster.on_duty=3"], "pool response is offered"),
    "handler_overload": (
        ERLANG_A,
        ["contact.pools.handlers.roster.on_duty=1"],
        "contact pool handlers is offered",
    ),
}


@pytest.mark.parametrize("case", sorted(WARNINGS))
def test_validate_warns(case: str) -> None:
    scenario, sets, message = WARNINGS[case]
    result = invoke("validate", scenario, *(a for s in sets for a in ("--set", s)))
    assert result.exit_code == 0, result.output
    assert any(line.startswith("warning: ") and message in line
               for line in result.stderr.splitlines()), result.stderr  # fmt: skip


def test_run_and_sweep_warn_of_a_pool_with_no_capacity(tmp_path: Path) -> None:
    """The same warning from ``run`` (and in its manifest, for the report) and ``sweep``."""
    sets = [*SHORT, "--set", "pools.response.roster.on_duty=0", "--reps", "2", "--engine", "des"]
    run = invoke("run", MMC, *sets, "--out", tmp_path / "r", "--quiet")
    assert run.exit_code == 0, run.output
    assert "pool response has no units on duty at any hour" in run.stderr
    manifest = json.loads((tmp_path / "r" / "manifest.json").read_text())
    assert any("no units on duty" in w for w in manifest["warnings"])
    grid = ["--grid", "dispatch.grades.P1.target_min=15,20"]
    swept = invoke("sweep", MMC, *grid, *sets, "--out", tmp_path / "s", "--quiet")
    assert swept.exit_code == 0, swept.output
    assert "dispatch.grades.P1.target_min=15: pool response has no units" in swept.stderr
    manifest = json.loads((tmp_path / "s" / "manifest.json").read_text())
    assert len(manifest["warnings"]) == 2


def test_a_shipped_scenario_gives_no_warning() -> None:
    """No false alarm on the calibrated force (offered load below its units on duty)."""
    result = invoke("validate", ROOT / "scenarios" / "baseline_2019.yaml")
    assert result.exit_code == 0 and "warning" not in result.stderr, result.stderr


def test_enospc_from_the_os_is_kept_as_is(tmp_path: Path) -> None:
    from fmssim.report.files import atomic_write

    def full(path: Path) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    with pytest.raises(OSError) as raised:
        atomic_write(tmp_path / "x.parquet", full)
    assert raised.value.errno == errno.ENOSPC
    assert list(tmp_path.iterdir()) == []

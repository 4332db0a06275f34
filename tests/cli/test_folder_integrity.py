"""Result folders are transactions: one writer, complete or untouched, checked on resume.

Laws checked with real processes (the lock is the kernel's, the kill is SIGKILL):

* a second command writing the same ``--out`` is refused with one line while the first
  runs, and the first's folder then holds only its own results (one seed throughout);
* a new sweep into a finished sweep's folder, killed part-way, leaves that folder exactly
  as it was, and ``report`` still reads it; ``--resume`` then completes the new sweep;
* ``--resume`` reruns and names every chunk that fails its check (damaged, truncated,
  empty, random bytes, other columns, duplicated rows, edited values, another seed's chunk,
  no seal) and its result equals an uninterrupted run's, bit for bit;
* ``report`` refuses, with one line and exit 2, a folder that is unfinished or tampered.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from polars.testing import assert_frame_equal

from fmssim.cli import main
from fmssim.experiment.chunks import CHUNK_FOLDER
from fmssim.experiment.plan import grid_arms
from fmssim.experiment.sweep import SweepResult, run_sweep

SCENARIO = Path(__file__).parents[2] / "scenarios" / "validation" / "priority_mmc.yaml"
SHORT = ["--set", "calendar.end=2019-01-15", "--set", "calendar.warmup_days=1"]
GRID = ["--grid", "pools.response.roster.on_duty=5,6", "--engine", "des"]
FMSSIM = Path(sys.executable).parent / "fmssim"


def sweep_command(out: Path, *more: str) -> list[str]:
    return [str(FMSSIM), "sweep", str(SCENARIO), *GRID, *SHORT, "--out", str(out), *more]


def invoke(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(main, args[1:])
    return result.exit_code, result.stderr


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def wait_for(condition: object, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert process.poll() is None, "the sweep ended before the moment to test"
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_second_writer_is_refused_and_the_first_keeps_one_seed(tmp_path: Path) -> None:
    out = tmp_path / "shared"
    first = subprocess.Popen(
        sweep_command(out, "--reps", "24", "--chunk", "1", "--seed", "1", "--quiet"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    lock = tmp_path / ".shared.lock"
    wait_for(lock.exists, first)
    code, stderr = invoke(sweep_command(out, "--reps", "24", "--seed", "2", "--quiet"))
    assert code == 2
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    assert f"another fmssim process (pid {first.pid}) is writing this folder" in lines[0]
    assert first.wait(timeout=120) == 0
    assert json.loads((out / "manifest.json").read_text())["seed"] == 1
    seals = [json.loads(p.read_text()) for p in (out / CHUNK_FOLDER).glob("*.json")]
    assert len(seals) == 48 and {s["seed"] for s in seals} == {1}
    reps = pl.read_parquet(out / "replications.parquet")
    assert reps.group_by("variant", "replication").len()["len"].n_unique() == 1
    assert reps.select("variant", "replication").unique().height == 48
    assert not lock.exists()  # removed on release


def test_a_run_into_a_locked_folder_is_refused(tmp_path: Path) -> None:
    """``run`` takes the same lock: it cannot swap its folder in under a sweep."""
    out = tmp_path / "shared"
    first = subprocess.Popen(
        sweep_command(out, "--reps", "24", "--chunk", "1", "--quiet"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for((tmp_path / ".shared.lock").exists, first)
        code, stderr = invoke(["fmssim", "run", str(SCENARIO), *SHORT, "--out", str(out)])
        assert code == 2 and "is writing this folder" in stderr
    finally:
        first.kill()
        first.wait()


def test_a_killed_sweep_leaves_the_finished_folder_untouched(tmp_path: Path) -> None:
    out = tmp_path / "done"
    code, stderr = invoke(sweep_command(out, "--reps", "4", "--seed", "1", "--quiet"))
    assert code == 0, stderr
    before = snapshot(out)
    staged = tmp_path / ".done.sweep-partial" / CHUNK_FOLDER
    again = sweep_command(out, "--reps", "30", "--chunk", "1", "--seed", "2", "--quiet")
    process = subprocess.Popen(again, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: len(list(staged.glob("*.json"))) >= 3, process)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert snapshot(out) == before  # the earlier sweep, exactly
    assert CliRunner().invoke(main, ["report", str(out)]).exit_code == 0
    kept = len(list(staged.glob("*.json")))
    code, stderr = invoke([*again, "--resume"])
    assert code == 0, stderr
    assert f"resumed: {kept} chunks were finished already" in stderr
    assert json.loads((out / "manifest.json").read_text())["seed"] == 2
    assert not staged.parent.exists()
    assert pl.read_parquet(out / "replications.parquet")["replication"].max() == 29


# --- Resume checks every chunk --------------------------------------------------------------

ARMS = grid_arms(["pools.response.roster.on_duty=5,6"])
SETS = ["calendar.end=2019-01-15", "calendar.warmup_days=1", "experiment.engine=des"]


def library_sweep(folder: Path, seed: int, resume: bool = False) -> SweepResult:
    sets = [*SETS, f"experiment.seed={seed}", "experiment.replications=4"]
    return run_sweep(SCENARIO, ARMS, folder, sets=sets, chunk=1, resume=resume)


def reseal(chunk: Path) -> None:
    """Rewrite a chunk's checksum, as someone hiding an edit would."""
    import hashlib

    seal = json.loads(chunk.with_suffix(".json").read_text())
    seal["sha256"] = hashlib.sha256(chunk.read_bytes()).hexdigest()
    chunk.with_suffix(".json").write_text(json.dumps(seal))


def test_resume_reruns_and_names_every_chunk_that_fails_its_check(tmp_path: Path) -> None:
    clean = library_sweep(tmp_path / "clean", seed=1)
    library_sweep(tmp_path / "other", seed=2)
    folder = tmp_path / "damaged"
    shutil.copytree(tmp_path / "clean", folder)
    chunks, other = folder / CHUNK_FOLDER, tmp_path / "other" / CHUNK_FOLDER
    names = sorted(p.name for p in chunks.glob("*.parquet"))
    table = pl.read_parquet(chunks / names[0])
    damage = {
        names[0]: "changed",  # rows duplicated, not resealed
        names[1]: "duplicate rows",
        names[2]: "changed",  # a value edited
        names[3]: "another sweep",
        names[4]: "cannot be read",
        names[5]: "columns",
        names[6]: "no seal",
        names[7]: "changed",  # random bytes
    }
    pl.concat([table, table]).write_parquet(chunks / names[0])
    own = pl.read_parquet(chunks / names[1])
    pl.concat([own, own]).write_parquet(chunks / names[1])
    reseal(chunks / names[1])
    edited = pl.read_parquet(chunks / names[2]).with_columns(pl.col("value") * 2)
    edited.write_parquet(chunks / names[2])
    shutil.copy(other / names[3], chunks / names[3])
    shutil.copy((other / names[3]).with_suffix(".json"), (chunks / names[3]).with_suffix(".json"))
    data = (chunks / names[4]).read_bytes()
    (chunks / names[4]).write_bytes(data[: len(data) // 2])
    reseal(chunks / names[4])
    pl.read_parquet(chunks / names[5]).drop("kpi").write_parquet(chunks / names[5])
    reseal(chunks / names[5])
    (chunks / names[6]).with_suffix(".json").unlink()
    (chunks / names[7]).write_bytes(os.urandom(300))

    resumed = library_sweep(folder, seed=1, resume=True)
    rejected = dict(resumed.rejected)
    assert sorted(rejected) == sorted(damage)
    for name, why in damage.items():
        assert why in rejected[name], (name, rejected[name])
    assert (resumed.resumed_chunks, resumed.ran_chunks) == (0, 8)
    assert_frame_equal(resumed.replications, clean.replications, check_exact=True)
    assert_frame_equal(resumed.summary, clean.summary, check_exact=True)


def test_resume_of_a_damaged_plan_is_one_line(tmp_path: Path) -> None:
    out = tmp_path / "s"
    assert invoke(sweep_command(out, "--reps", "2", "--quiet"))[0] == 0
    (out / "plan.json").write_text("{not json")
    code, stderr = invoke(sweep_command(out, "--reps", "2", "--quiet", "--resume"))
    assert code == 2 and stderr.count("\n") == 1
    assert "plan.json: plan: is damaged; run again without --resume" in stderr


def test_resume_by_another_spelling_of_the_path_is_the_same_sweep(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "s"
    assert invoke(sweep_command(out, "--reps", "2", "--quiet"))[0] == 0
    monkeypatch.chdir(SCENARIO.parent)
    relative = [a if a != str(SCENARIO) else SCENARIO.name for a in sweep_command(out)]
    code, stderr = invoke([*relative, "--reps", "2", "--quiet", "--resume"])
    assert code == 0, stderr
    assert "resumed: 4 chunks were finished already, 0 run now" in stderr


def test_resume_refusal_says_what_changed_in_words(tmp_path: Path) -> None:
    out = tmp_path / "s"
    assert invoke(sweep_command(out, "--reps", "2", "--quiet"))[0] == 0
    changed = sweep_command(out, "--reps", "2", "--quiet", "--resume")
    changed[changed.index("calendar.end=2019-01-15")] = "calendar.end=2019-01-16"
    code, stderr = invoke(changed)
    assert code == 2
    assert "the scenario of pools.response.roster.on_duty=5, pools.response.roster." in stderr
    assert len(stderr) < 400 and "sha" not in stderr


# --- report refuses what is not a finished, consistent run ------------------------------------


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report") / "run"
    code, stderr = invoke(["fmssim", "run", str(SCENARIO), *SHORT, "--reps", "2", "--out",
                           str(folder), "--quiet"])  # fmt: skip
    assert code == 0, stderr
    return folder


TAMPER = {
    "manifest_not_json": ("manifest.json", b"{nope", "not a JSON manifest"),
    "manifest_utf16": ("manifest.json", '{"seed": 1}'.encode("utf-16"), "not a JSON manifest"),
    "manifest_wrong_types": (
        "manifest.json",
        b'{"scenario": 1, "variant": "base", "scenario_sha256": "", "seed": "1",'
        b' "replications": 2, "engine": "des"}',
        "scenario is missing or of the wrong type",
    ),
    "resolved_not_yaml": ("scenario.resolved.yaml", b"a: [1\n", "not the resolved scenario"),
    "resolved_python_tag": (
        "scenario.resolved.yaml",
        b"name: !!python/object/apply:os.getcwd []\n",
        "not the resolved scenario",
    ),
    "summary_truncated": ("summary.parquet", None, "cannot be read"),
    "summary_missing": ("summary.parquet", b"", "cannot be read"),
}


@pytest.mark.parametrize("case", sorted(TAMPER))
def test_report_refuses_a_tampered_folder(finished_run: Path, tmp_path: Path, case: str) -> None:
    folder = tmp_path / "run"
    shutil.copytree(finished_run, folder)
    name, content, message = TAMPER[case]
    target = folder / name
    target.write_bytes(target.read_bytes()[:100] if content is None else content)
    result = CliRunner().invoke(main, ["report", str(folder)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], lines


def test_report_refuses_other_columns_and_a_mixed_folder(
    finished_run: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "run"
    shutil.copytree(finished_run, folder)
    summary = pl.read_parquet(folder / "summary.parquet")
    summary.drop("ci_low").write_parquet(folder / "summary.parquet")
    result = CliRunner().invoke(main, ["report", str(folder)])
    assert result.exit_code == 2 and "does not have the columns" in result.stderr
    summary.with_columns(pl.lit("other").alias("variant")).write_parquet(folder / "summary.parquet")
    result = CliRunner().invoke(main, ["report", str(folder)])
    assert result.exit_code == 2 and "not the manifest's (mixed runs)" in result.stderr


def test_report_refuses_an_unfinished_sweep(tmp_path: Path) -> None:
    """The old way a killed sweep looked: a plan and chunks, no results."""
    folder = tmp_path / "partial"
    (folder / CHUNK_FOLDER).mkdir(parents=True)
    (folder / "plan.json").write_text("{}")
    result = CliRunner().invoke(main, ["report", str(folder)])
    assert result.exit_code == 2
    assert f"{folder}: (top level): no manifest.json: not a finished fmssim run folder" in (
        result.stderr
    )

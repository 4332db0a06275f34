"""The happy paths of every command: validate, run, schema and new.

Most run in-process through click's runner; one ``fmssim run`` goes through the real console
script. Runs are kept small (one month, three replications) so the file stays fast.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import polars as pl
import pytest
from click.testing import CliRunner, Result
from ruamel.yaml import YAML

from fmssim.cli import main
from fmssim.scenario import load_scenario

ROOT = Path(__file__).parents[2]
SHIPPED = sorted(p for p in (ROOT / "scenarios").rglob("*") if p.suffix in (".yaml", ".yml"))
SMALL = ["--set", "calendar.end=2019-02-01", "--reps", "3", "--quiet"]
"""One simulated month, three replications: enough to see every file a run writes."""


def invoke(*args: str) -> Result:
    """Run ``fmssim ARGS`` in-process; fail loudly if the command failed."""
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scenario ``fmssim new`` writes (with its profile file), in a folder of its own."""
    folder = tmp_path_factory.mktemp("new")
    invoke("new", folder / "force")
    return folder / "force.yaml"


@pytest.fixture(scope="module")
def base_run(template: Path) -> Path:
    """A small run of the template, seed 7, with records."""
    out = template.parent / "run-seed7"
    invoke("run", template, *SMALL, "--seed", "7", "--records", "--out", out)
    return out


def resolved(folder: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = YAML(typ="safe", pure=True).load(
        (folder / "scenario.resolved.yaml").read_text(encoding="utf-8")
    )
    return loaded


def manifest(folder: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return loaded


# --- validate -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_validate_accepts_every_shipped_scenario(path: Path) -> None:
    result = invoke("validate", path)
    assert result.stdout.startswith(f"{path}: valid (")


def test_validate_counts_the_variants_it_checked(template: Path) -> None:
    assert invoke("validate", template).stdout.strip() == f"{template}: valid (1 variant)"


def test_validate_applies_set(template: Path) -> None:
    result = CliRunner().invoke(
        main, ["validate", str(template), "--set", "pools.response.roster.on_duty=-1"]
    )
    assert result.exit_code == 2
    assert "--set: pools.response.roster.on_duty:" in result.stderr


# --- schema -------------------------------------------------------------------------------


def _as_json(node: Any) -> Any:
    """YAML data as JSON would hold it: dates as ISO strings, keys as strings."""
    if isinstance(node, dict):
        return {str(k): _as_json(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_as_json(v) for v in node]
    return node.isoformat() if isinstance(node, dt.date) else node


@pytest.fixture(scope="module")
def schema_validator() -> jsonschema.Draft202012Validator:
    document = json.loads(invoke("schema").stdout)
    jsonschema.Draft202012Validator.check_schema(document)
    return jsonschema.Draft202012Validator(document)


@pytest.mark.parametrize("path", [*SHIPPED, None], ids=lambda p: str(p) if p else "template")
def test_shipped_scenarios_match_the_printed_schema(
    path: Path | None, template: Path, schema_validator: jsonschema.Draft202012Validator
) -> None:
    """Editors given ``fmssim schema`` accept every file fmssim ships or writes.

    Profile ``file:`` entries carry no ``values`` (the loader reads them); the schema allows it.
    A file that ``extends`` a base holds only its overrides, so it is checked as the loader
    resolves it (base merged in).
    """
    text = (path or template).read_text(encoding="utf-8")
    document = _as_json(YAML(typ="safe", pure=True).load(text))
    if path is not None and "extends" in document:
        document = _as_json(load_scenario(path).document)
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in schema_validator.iter_errors(document)
    ]
    assert errors == []


def test_schema_rejects_what_the_loader_rejects(
    schema_validator: jsonschema.Draft202012Validator,
) -> None:
    """The schema is strict too: unknown keys and shares over 1 are flagged in the editor."""
    text = (ROOT / "tests/cli/corpus/bases/valid_base.yaml").read_text(encoding="utf-8")
    document = _as_json(YAML(typ="safe", pure=True).load(text))
    assert schema_validator.is_valid(document)
    document["pools"]["response"]["double_crewed_share"] = 1.5
    assert not schema_validator.is_valid(document)
    document["pools"]["response"] = {"roster": {"on_duty": 2}, "rosta": {}}
    assert not schema_validator.is_valid(document)


# --- new ----------------------------------------------------------------------------------


def test_new_writes_a_valid_scenario_and_its_profile(template: Path) -> None:
    assert template.read_text(encoding="utf-8").count("name: force") == 1
    assert (template.parent / "data" / "hour_of_week_incidents.csv").is_file()


@pytest.mark.parametrize("name", ["2019", "north: east", "#7", "yes"])
def test_new_names_that_yaml_would_misread_still_validate(tmp_path: Path, name: str) -> None:
    invoke("new", tmp_path / name)
    target = tmp_path / f"{name}.yaml"
    invoke("validate", target)
    assert YAML(typ="safe", pure=True).load(target.read_text(encoding="utf-8"))["name"] == name


def test_new_force_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "mine.yaml"
    target.write_text("name: mine\n", encoding="utf-8")
    invoke("new", target, "--force")
    assert "name: mine" in target.read_text(encoding="utf-8")
    assert "dispatch:" in target.read_text(encoding="utf-8")


# --- run ----------------------------------------------------------------------------------


def test_run_writes_the_run_folder(base_run: Path) -> None:
    names = {p.name for p in base_run.iterdir()}
    assert names == {
        "scenario.resolved.yaml",
        "manifest.json",
        "summary.csv",
        "summary.parquet",
        "records",
    }
    facts = manifest(base_run)
    assert (facts["seed"], facts["replications"], facts["variant"]) == (7, 3, "base")
    assert pl.read_csv(base_run / "summary.csv").equals(
        pl.read_parquet(base_run / "summary.parquet")
    )
    records = sorted(p.name for p in (base_run / "records" / "incidents").glob("*.parquet"))
    assert records == ["rep=00000.parquet", "rep=00001.parquet", "rep=00002.parquet"]
    assert resolved(base_run)["calendar"]["end"] == dt.date(2019, 2, 1)
    assert len(resolved(base_run)["profiles"]["incidents"]["values"]) == 168


@pytest.fixture(scope="module")
def again_run(template: Path, base_run: Path) -> Path:
    """The run of ``base_run`` again, in the same process."""
    out = template.parent / "run-seed7-again"
    invoke("run", template, *SMALL, "--seed", "7", "--out", out)
    return out


def same_summary(one: Path, other: Path) -> None:
    """Identical summaries, to the last bit (KPIs are reduced group by group, in order)."""
    left, right = pl.read_csv(one / "summary.csv"), pl.read_csv(other / "summary.csv")
    assert left.equals(right)


def test_same_seed_gives_identical_summary(again_run: Path, base_run: Path) -> None:
    same_summary(again_run, base_run)


def test_different_seed_gives_different_results(template: Path, base_run: Path) -> None:
    other = template.parent / "run-seed8"
    invoke("run", template, *SMALL, "--seed", "8", "--out", other)
    assert (other / "summary.csv").read_bytes() != (base_run / "summary.csv").read_bytes()
    assert manifest(other)["scenario_sha256"] != manifest(base_run)["scenario_sha256"]


def test_variant_is_applied(template: Path) -> None:
    out = template.parent / "run-variant"
    invoke("run", template, *SMALL, "--variant", "more_officers", "--out", out)
    assert resolved(out)["pools"]["response"]["roster"]["on_duty"] == 10
    assert manifest(out)["variant"] == "more_officers"
    assert set(pl.read_csv(out / "summary.csv")["variant"]) == {"more_officers"}


def test_set_wins_over_the_variant(template: Path) -> None:
    out = template.parent / "run-variant-set"
    on_duty = "pools.response.roster.on_duty=12"
    invoke("run", template, *SMALL, "--variant", "more_officers", "--set", on_duty, "--out", out)
    assert resolved(out)["pools"]["response"]["roster"]["on_duty"] == 12


@pytest.mark.parametrize("engine", ["des", "fast"])
def test_engine_option_is_used(template: Path, engine: str) -> None:
    out = template.parent / f"run-{engine}"
    invoke("run", template, *SMALL, "--engine", engine, "--out", out)
    assert manifest(out)["engine"] == engine


@pytest.fixture(scope="module")
def workers_run(template: Path) -> Path:
    """The run of ``base_run`` again, on two worker processes."""
    out = template.parent / "run-workers"
    invoke("run", template, *SMALL, "--seed", "7", "--workers", "2", "--out", out)
    return out


def test_workers_do_not_change_results(workers_run: Path, base_run: Path) -> None:
    same_summary(workers_run, base_run)


def test_quiet_prints_no_table(template: Path) -> None:
    out = template.parent / "run-quiet"
    result = invoke("run", template, *SMALL, "--out", out)
    assert result.stdout == ""
    assert result.stderr.strip().endswith(f"run folder: {out}")


def test_loud_run_prints_a_summary(template: Path) -> None:
    out = template.parent / "run-loud"
    result = invoke(
        "run", template, "--set", "calendar.end=2019-02-01", "--reps", "2", "--out", out
    )
    assert "P1" in result.stdout and f"run folder: {out}" in result.stdout


def test_rerun_into_a_run_folder_replaces_it_whole(template: Path) -> None:
    """A rerun with fewer replications leaves no stale records of the earlier run."""
    out = template.parent / "run-rerun"
    invoke("run", template, *SMALL, "--records", "--out", out)
    invoke("run", template, *SMALL[:-3], "--reps", "1", "--records", "--quiet", "--out", out)
    assert len(list((out / "records" / "incidents").glob("*.parquet"))) == 1
    assert manifest(out)["replications"] == 1
    assert [p for p in out.parent.iterdir() if p.suffix in (".partial", ".old")] == []


def test_out_may_be_the_current_empty_folder(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    invoke(
        "run", template, "--set", "calendar.end=2019-01-08", "--reps", "1", "--quiet", "--out", "."
    )
    assert (tmp_path / "manifest.json").is_file()
    assert [p for p in tmp_path.parent.iterdir() if p.suffix in (".partial", ".old")] == []


def test_default_run_folders_never_collide(template: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(template.parent)
    args = ["run", str(template), "--set", "calendar.end=2019-01-08", "--reps", "1", "--quiet"]
    invoke(*args)
    invoke(*args)
    folders = sorted((template.parent / "runs").iterdir())
    assert len(folders) == 2 and all((f / "manifest.json").is_file() for f in folders)


def test_extends_merges_a_base_file(tmp_path: Path) -> None:
    """Mappings merge key by key, lists replace whole."""
    base = ROOT / "tests/cli/corpus/bases/valid_base.yaml"
    (tmp_path / "base.yaml").write_text(base.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "top.yaml").write_text(
        "extends: base.yaml\nname: top\npools: {response: {double_crewed_share: 0.5}}\n",
        encoding="utf-8",
    )
    out = tmp_path / "run"
    invoke("run", tmp_path / "top.yaml", *SMALL, "--out", out)
    document = resolved(out)
    assert document["name"] == "top"
    assert document["pools"]["response"] == {"roster": {"on_duty": 2}, "double_crewed_share": 0.5}
    assert "extends" not in document


# --- through the real console script ------------------------------------------------------


@pytest.fixture(scope="module")
def console_run(template: Path) -> Path:
    """The installed ``fmssim`` entry point run as a planner runs it (seed 7, records)."""
    script = Path(sys.executable).with_name("fmssim")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "fmssim"]
    out = template.parent / "run-subprocess"
    done = subprocess.run(
        [*command, "run", template.name, *SMALL, "--seed", "7", "--records", "--out", out.name],
        cwd=template.parent,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    return out


def test_console_script_run_end_to_end(console_run: Path, base_run: Path) -> None:
    assert len(list((console_run / "records" / "incidents").glob("*.parquet"))) == 3
    same_summary(console_run, base_run)


@pytest.mark.parametrize("other", ["again_run", "console_run", "workers_run"])
def test_same_seed_is_bit_identical_across_processes(
    other: str, base_run: Path, request: pytest.FixtureRequest
) -> None:
    """DESIGN 2: same seed, bit-identical results, in any process, with any number of workers."""
    folder: Path = request.getfixturevalue(other)
    assert (folder / "summary.csv").read_bytes() == (base_run / "summary.csv").read_bytes()


def test_python_dash_m_fmssim() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fmssim", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and "validate" in done.stdout

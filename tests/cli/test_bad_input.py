"""Bad input gives one line on stderr, exit code 2 and no traceback, never a crash.

The corpus under ``corpus/`` holds one small scenario per defect (its name says which), each
run through the command-line entry point in this process (click's runner: exit code, stdout
and stderr as a process would give them), and a sample of it (``IN_PROCESSES``) through the
real ``fmssim`` console script in its own process, which must give the same line and exit
code. ``EXPECTED`` states what each error must point at: the dotted key and the line
(``None``: no line can be known). Command-line mistakes (``--set``, ``--variant``, a missing
file, devices, link loops) all run as real processes. A
hypothesis fuzz test then checks the loader itself on random and mutated documents: it
either returns a scenario or raises :class:`ScenarioError`, nothing else.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from fmssim.cli import main
from fmssim.scenario import ScenarioError, load_scenario

CORPUS = Path(__file__).parent / "corpus"
SEEDS = sorted((Path(__file__).parents[2] / "scenarios" / "validation").glob("*.yaml"))
"""Valid, self-contained scenarios the fuzz tests mutate (priority M/M/c, Erlang A, ...)."""

EXPECTED: dict[str, tuple[str, int | None]] = {
    "alias_bomb.yaml": ("lol", 3),
    "assumptions_unknown_key.yaml": ("assumptions.pools.neighbourhood", 15),
    "bad_grade_name.yaml": ("dispatch.grades.Q7", 10),
    "comments_only.yaml": ("(top level)", None),
    "cyclic_extends.yaml": ("extends", 2),
    "deeply_nested.yaml": ("(top level)", None),
    "distribution_without_kind.yaml": ("dispatch.grades.P1.on_scene_min", 9),
    "duplicate_key.yaml": ("(top level)", 7),
    "empty_file.yaml": ("(top level)", None),
    "end_before_start.yaml": ("calendar", 3),
    "extends_base_error.yaml": ("experiment.replicatons", 14),
    "extends_not_a_path.yaml": ("extends", 2),
    "extends_override_error.yaml": ("pools.response.roster.on_duty", 5),
    "extends_self.yaml": ("extends", 2),
    "huge_float.yaml": ("demand.incidents.P1.annual_volume", 6),
    "huge_integer.yaml": ("pools.response.roster.on_duty", 12),
    "appointment_with_target.yaml": ("dispatch.grades.P4.target_min", 11),
    "appointment_day_backwards.yaml": ("dispatch.grades.P4.appointment", 11),
    "huge_seed.yaml": ("experiment.seed", 13),
    "integer_too_long.yaml": ("experiment.seed", 13),
    "invalid_date.yaml": ("calendar.end", 3),
    "key_not_a_name.yaml": ("(top level)", 3),
    "key_with_dot.yaml": ("calendar.warmup_days", 3),
    "malformed_yaml.yaml": ("(top level)", 13),
    "missing_extends.yaml": ("extends", 2),
    "missing_required_key.yaml": ("calendar", None),
    "negative_headcount.yaml": ("pools.response.roster.on_duty", 12),
    "negative_rate.yaml": ("demand.incidents.P1.annual_volume", 6),
    "not_a_number.yaml": ("demand.incidents.P1.annual_volume", 6),
    "investigation_department_without_workforce.yaml": (
        "investigations.departments.fcid.department",
        15,
    ),
    "crime_unknown_department.yaml": ("demand.crimes.burglary.department", 8),
    "crime_without_effort.yaml": ("demand.crimes.burglary.duration_days", 6),
    "crime_share_without_type.yaml": ("dispatch.grades.P1.crime_share", 9),
    "type_shares_not_one.yaml": ("dispatch.incident_types", 8),
    "type_route_unknown_grade.yaml": ("dispatch.incident_types.domestic_abuse.routing.P2.0.to", 12),
    "type_unknown_crime.yaml": ("dispatch.incident_types.domestic_abuse.crime_type", 12),
    "travel_scaling_zero_reference.yaml": (
        "pools.response.travel_scaling.reference_idle_units",
        13,
    ),
    "variant_misspelt_incident_type.yaml": (
        "dispatch.incident_types.domestc_abuse.on_scene_min",
        18,
    ),
    "mixture_share_negative.yaml": ("dispatch.grades.P1.pre_dispatch_min.parts.0.share", 15),
    "type_route_share_above_one.yaml": ("dispatch.incident_types.domestic_abuse.routing.P3", 12),
    "pre_dispatch_without_pool.yaml": ("dispatch.grades.P9", 9),
    "strength_unknown_profile.yaml": ("pools.response.roster.strength.follows", 16),
    "crime_share_above_one.yaml": ("dispatch.grades.P1.crime_share", 14),
    "case_stage_zero_servers.yaml": (
        "investigations.departments.fcid.stages.forensics.servers",
        19,
    ),
    "case_stage_unknown.yaml": ("demand.crimes.burglary.stages.forensic", 10),
    "eligibility_unknown_class.yaml": ("investigations.departments.ppu.eligibility.abuse.high", 20),
    "eligibility_unknown_crime_type.yaml": (
        "investigations.departments.ppu.eligibility.abuses",
        19,
    ),
    "not_supported_en_route_crew_p1.yaml": ("dispatch.grades.P1.units_needed", 9),
    "lending_unknown_pool.yaml": ("dispatch.options.lending.0.lender", 12),
    "lending_unknown_grade.yaml": ("dispatch.options.lending.0.grades", 12),
    "lending_negative_tipping_point.yaml": ("dispatch.options.lending.0.tipping_point", 13),
    "not_utf8.yaml": ("(top level)", 2),
    "profile_bad_number_csv.yaml": ("profiles.typo.file", 15),
    "profile_missing_file.yaml": ("profiles.gone.file", 15),
    "profile_negative_csv.yaml": ("profiles.neg.file", 15),
    "profile_without_values.yaml": ("profiles.nothing", 14),
    "profile_wrong_length_csv.yaml": ("profiles.daily.file", 15),
    "profile_wrong_length_inline.yaml": ("profiles.flat.values", 15),
    "roster_two_forms.yaml": ("pools.response.roster", 12),
    "roster_wrong_length.yaml": ("pools.response.roster.hour_of_week", 12),
    "share_as_percentage.yaml": ("pools.response.double_crewed_share", 13),
    "share_over_one.yaml": ("pools.response.double_crewed_share", 13),
    "sources_unknown_key.yaml": ("sources.demand.incidents.P3.annual_volume", 15),
    "tab_indentation.yaml": ("(top level)", 6),
    "top_level_list.yaml": ("(top level)", 1),
    "top_level_scalar.yaml": ("(top level)", 1),
    "unknown_distribution_key.yaml": ("dispatch.grades.P1.on_scene_min.meen", 9),
    "unknown_distribution_kind.yaml": ("dispatch.grades.P1.on_scene_min", 9),
    "unknown_grade_reference.yaml": ("demand.incidents.P2", 7),
    "unknown_key.yaml": ("descripton", 3),
    "unknown_nested_key.yaml": ("pools.response.rosta", 12),
    "unknown_pool_reference.yaml": ("dispatch.grades.P1.pool", 9),
    "unknown_profile_reference.yaml": ("demand.incidents.P1.profile", 6),
    "variant_bad_value.yaml": ("pools.response.roster.on_duty", 16),
    "variant_extends.yaml": ("extends", 15),
    "variant_unknown_key.yaml": ("pools.response.roster.on_dutty", 16),
    "wrong_type_mapping.yaml": ("calendar", 3),
    "wrong_type_name.yaml": ("name", 2),
    "wrong_type_number.yaml": ("pools.response.roster.on_duty", 12),
    "yaml_tag_custom.yaml": ("pools.response.roster", 12),
    "yaml_tag_omap.yaml": ("pools.response.roster", 12),
    "yaml_tag_python_object.yaml": ("name", 2),
    # contact handling
    "contact_channel_served_twice.yaml": ("contact.pools.second.channels", 10),
    "contact_channel_without_pool.yaml": ("demand.channels.101", 7),
    "contact_reserved_above_roster.yaml": ("contact.pools.handlers.reserved", 9),
    "contact_spill_share_above_one.yaml": ("demand.channels.101.spill.share", 11),
    "contact_room_without_demand_share.yaml": ("contact.pools.room_b.demand_share", 10),
    "contact_load_sharing_outside_calendar.yaml": ("contact.load_sharing_from", 8),
    "contact_grade_mix_unknown_grade.yaml": ("demand.channels.999.grade_mix.P8", 9),
    "contact_negative_volume.yaml": ("demand.channels.999.annual_volume", 6),
    "contact_pool_unknown_channel.yaml": ("contact.pools.handlers.channels", 11),
    "contact_profile_wrong_length.yaml": ("profiles.calls.values", 5),
    "contact_report_with_patience.yaml": ("demand.channels.online", 6),
    # workforce
    "workforce_allocation_sum.yaml": ("workforce", 14),
    "workforce_no_pdu.yaml": ("workforce.departments.response", 16),
    "workforce_unknown_department.yaml": ("pools.response.department", 13),
    "handler_proficiency_above_one.yaml": ("workforce.handlers.contact.proficiency.1", 17),
    "handler_drain_share_above_one.yaml": ("workforce.handlers.contact.to_officers_share", 17),
    "handler_department_on_dispatch_pool.yaml": ("pools.response.department", 13),
    "workforce_unknown_route.yaml": ("workforce.intake.0.route", 22),
    "workforce_posting_unknown_department.yaml": (
        "workforce.routes.pcda.postings.1.departments.responce",
        23,
    ),
    "workforce_posting_sum.yaml": ("workforce.routes.pcda.postings.1", 26),
    "workforce_growth_over_capacity.yaml": ("workforce.departments.response.growth.2019", 16),
    "workforce_negative_establishment.yaml": ("workforce.departments.response.growth.2020", 16),
    # strict types, YAML 1.2 only, names, bounded reads, control characters (issue 19)
    "strict_bool_headcount.yaml": ("pools.response.roster.on_duty", 12),
    "strict_bool_volume.yaml": ("demand.incidents.P1.annual_volume", 6),
    "strict_bool_share.yaml": ("pools.response.double_crewed_share", 13),
    "strict_bool_replications.yaml": ("experiment.replications", 13),
    "strict_bool_seed.yaml": ("experiment.seed", 13),
    "strict_bool_target.yaml": ("dispatch.grades.P1.target_min", 9),
    "strict_bool_hour_of_week.yaml": ("pools.response.roster.hour_of_week.5", 12),
    "strict_bool_month_factor.yaml": ("demand.incidents.P1.month_factors.0", 6),
    "strict_fraction_headcount.yaml": ("pools.response.roster.on_duty", 12),
    "strict_float_headcount.yaml": ("pools.response.roster.on_duty", 12),
    "strict_float_replications.yaml": ("experiment.replications", 13),
    "strict_float_seed.yaml": ("experiment.seed", 13),
    "strict_float_units_needed.yaml": ("dispatch.grades.P1.units_needed", 9),
    "strict_quoted_number.yaml": ("pools.response.roster.on_duty", 12),
    "date_integer_start.yaml": ("calendar.start", 3),
    "date_integer_end.yaml": ("calendar.end", 3),
    "date_with_time.yaml": ("calendar.start", 3),
    "date_not_iso.yaml": ("calendar.start", 3),
    "time_integer_shift_start.yaml": ("pools.response.roster.shifts.0.start", 12),
    "time_seconds_shift_start.yaml": ("pools.response.roster.shifts.0.start", 12),
    "time_hour_25.yaml": ("pools.response.roster.shifts.0.start", 12),
    "time_bool_shift_start.yaml": ("pools.response.roster.shifts.0.start", 12),
    "yaml11_sexagesimal_time.yaml": ("(top level)", 2),
    "yaml11_yes_boolean.yaml": ("(top level)", 2),
    "yaml13_directive.yaml": ("(top level)", 2),
    "time_integer_appointment.yaml": ("dispatch.grades.P4.appointment.day_start", 11),
    "inf_target.yaml": ("dispatch.grades.P1.target_min", 9),
    "nan_volume.yaml": ("demand.incidents.P1.annual_volume", 6),
    "inf_warmup.yaml": ("calendar.warmup_days", 3),
    "inf_target_days.yaml": ("investigations.target_days", 13),
    "variant_named_base.yaml": ("variants.base", 14),
    "variant_misspelt_pool.yaml": ("pools.respnse.roster.on_duty", 16),
    "variant_misspelt_grade.yaml": ("dispatch.grades.P7.target_min", 16),
    "variant_bool_value.yaml": ("pools.response.roster.on_duty", 16),
    "variant_integer_date.yaml": ("calendar.start", 16),
    "empty_scenario.yaml": ("demand", 4),
    "empty_streams.yaml": ("demand", 4),
    "month_factors_all_zero.yaml": ("demand.incidents.P1.month_factors", 6),
    "growth_overflow.yaml": ("demand.incidents.P1.growth", 6),
    "name_escape_codes.yaml": ("name", 2),
    "name_bell.yaml": ("name", 2),
    "description_escape.yaml": ("description", 13),
    "key_escape_codes.yaml": ("pools", 11),
    "raw_escape_character.yaml": ("(top level)", 6),
    "raw_nul_byte.yaml": ("(top level)", 2),
    "raw_bell_character.yaml": ("(top level)", 4),
    "huge_unknown_key.yaml": ("kkkk", 13),
    "profile_device.yaml": ("profiles.z.file", 15),
    "profile_folder.yaml": ("profiles.z.file", 15),
    "profile_link_loop.yaml": ("profiles.z.file", 15),
    "extends_device.yaml": ("extends", 2),
    "extends_folder.yaml": ("extends", 2),
    "extends_link_loop.yaml": ("extends", 2),
    "set_base_empty_name.yaml": ("name", 2),
    "units_needed_bool.yaml": ("dispatch.grades.P1.units_needed", 9),
    "bool_records_as_number.yaml": ("experiment.records", 13),
    "growth_year_bool.yaml": ("demand.incidents.P1.growth.volumes", 6),
    "date_as_volume.yaml": ("demand.incidents.P1.annual_volume", 6),
    "bool_double_crewed_number.yaml": ("pools.response.double_crewed_share", 13),
}

ERROR_FILE = {
    "cyclic_extends.yaml": "bases/cycle_b.yaml",
    "extends_base_error.yaml": "bases/base_with_error.yaml",
}
"""Cases whose error lies in a base file: the message must name that file, not the top one."""

VALID = "tests/cli/corpus/bases/valid_base.yaml"
ARG_CASES: dict[str, tuple[str, str, str]] = {
    # id: (arguments after `fmssim`, VALID standing for a valid scenario; file named; key named)
    "set_without_equals": ("validate VALID --set calendar.end", "--set", "calendar.end"),
    "set_unknown_key": ("validate VALID --set calendar.endd=2019-03-01", "--set", "calendar.endd"),
    "set_unknown_section": ("validate VALID --set calender.end=2019-03-01", "--set", "calender"),
    "set_wrong_type": ("validate VALID --set pools.response.roster.on_duty=lots", "--set",
                       "pools.response.roster.on_duty"),
    "set_negative": ("run VALID --set demand.incidents.P1.annual_volume=-5", "--set",
                     "demand.incidents.P1.annual_volume"),
    "set_huge": ("run VALID --set experiment.seed=1e400", "--set", "experiment.seed"),
    "set_bad_yaml": ("validate VALID --set calendar.end=[2019", "--set", "calendar.end"),
    "set_yaml_tag": ("validate VALID --set 'name=!!python/object/apply:os.getcwd []'", "--set",
                     "name"),
    "set_empty_key": ("validate VALID --set =3", "--set", "(empty)"),
    "set_empty_part": ("validate VALID --set calendar..end=2019-03-01", "--set", "calendar..end"),
    "set_through_scalar": ("validate VALID --set name.first=x", "--set", "name.first"),
    "set_extends": ("validate VALID --set extends=other.yaml", "--set", "extends"),
    "set_profile_file": ("validate VALID --set profiles.p.file=x.csv", "--set", "profiles.p.file"),
    "set_not_supported": ("run VALID --set dispatch.grades.P1.crime_share=0.5", "--set",
                          "dispatch.grades.P1.crime_share"),
    "unknown_variant": ("run VALID --variant nope", "valid_base.yaml", "variants.nope"),
    "missing_scenario": ("validate tests/cli/corpus/no_such_file.yaml", "no_such_file.yaml",
                         "(top level)"),
    "scenario_is_a_folder": ("run tests/cli/corpus", "corpus", "(top level)"),
    "set_on_empty_file": ("run tests/cli/corpus/empty_file.yaml --set name=x", "empty_file.yaml",
                          "(top level)"),
    # issue 19: strict values, names under mappings, grids, non-regular files
    "set_bool_headcount": ("validate VALID --set pools.response.roster.on_duty=true", "--set",
                           "pools.response.roster.on_duty"),
    "set_integer_date": ("validate VALID --set calendar.start=0", "--set", "calendar.start"),
    "set_misspelt_pool": ("validate VALID --set pools.respnse.roster.on_duty=9", "--set",
                          "pools.respnse.roster.on_duty"),
    "set_escape_name": ("validate VALID --set 'name=\"\\e[2J\"'", "--set", "name"),
    "grid_misspelt_pool": ("sweep VALID --grid pools.respnse.roster.on_duty=3,4", "--set",
                           "pools.respnse.roster.on_duty"),
    "grid_same_value_twice": ("sweep VALID --grid pools.response.roster.on_duty=6,6.0", "--grid",
                              "pools.response.roster.on_duty"),
    "grid_bool_value": ("sweep VALID --grid pools.response.roster.on_duty=true,3", "--set",
                        "pools.response.roster.on_duty"),
    "scenario_is_a_device": ("validate /dev/zero", "zero", "(top level)"),
    "scenario_is_a_link_loop": ("validate tests/cli/corpus/data/loop_a.yaml", "loop_a.yaml",
                                "(top level)"),
    "out_is_a_link_loop": ("run VALID --out tests/cli/corpus/data/loop_a.yaml/x",
                                   "loop_a.yaml/x", "--out"),
}  # fmt: skip
"""Command-line mistakes: the value's origin is ``--set`` and no line can be known."""

ERROR_LINE = re.compile(
    r"^error: (?P<file>[^:]+?)(?::(?P<line>\d+))?: (?P<key>\(top level\)|\S+): (?P<message>.+)$"
)


def _fmssim() -> list[str]:
    """The installed console script (the real entry point), else ``python -m fmssim``."""
    script = Path(sys.executable).with_name("fmssim")
    return [str(script)] if script.exists() else [sys.executable, "-m", "fmssim"]


def _run_all(
    jobs: dict[str, tuple[list[str], Path]],
) -> dict[str, subprocess.CompletedProcess[str]]:
    """Run every job (arguments, working folder) in its own process, two at a time."""

    def one(job: tuple[list[str], Path]) -> subprocess.CompletedProcess[str]:
        args, cwd = job
        return subprocess.run(
            [*_fmssim(), *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
        )

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(jobs, pool.map(one, jobs.values()), strict=True))


IN_PROCESSES = (
    "alias_bomb.yaml",
    "deeply_nested.yaml",
    "extends_base_error.yaml",
    "malformed_yaml.yaml",
    "not_utf8.yaml",
    "profile_device.yaml",
    "raw_nul_byte.yaml",
    "strict_bool_headcount.yaml",
    "unknown_key.yaml",
    "yaml_tag_python_object.yaml",
)
"""Corpus files also run through the console script in a process of their own: one of each
kind of failure (parser, size limits, encoding, devices, base files, types, names)."""


def _in_process(args: list[str]) -> subprocess.CompletedProcess[str]:
    """``fmssim ARGS`` through click's runner, as a process would report it."""
    result = CliRunner().invoke(main, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a crash the entry point let through: the test shows it
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


@pytest.fixture(scope="module")
def corpus_runs() -> dict[str, subprocess.CompletedProcess[str]]:
    """``fmssim validate NAME`` for every corpus file, run from inside the corpus."""
    with contextlib.chdir(CORPUS):
        return {name: _in_process(["validate", name]) for name in EXPECTED}


@pytest.fixture(scope="module")
def corpus_processes() -> dict[str, subprocess.CompletedProcess[str]]:
    """The same through the console script, for the files of ``IN_PROCESSES``."""
    return _run_all({name: (["validate", name], CORPUS) for name in IN_PROCESSES})


@pytest.fixture(scope="module")
def arg_runs() -> dict[str, subprocess.CompletedProcess[str]]:
    """Every command-line mistake of ``ARG_CASES``, run from the repository root."""
    root = Path(__file__).parents[2]
    jobs = {case: (_arguments(case), root) for case in ARG_CASES}
    return _run_all(jobs)


def _arguments(case: str) -> list[str]:
    return [VALID if a == "VALID" else a for a in shlex.split(ARG_CASES[case][0])]


def _one_clean_error(result: subprocess.CompletedProcess[str]) -> re.Match[str]:
    """Exit code 2, nothing on stdout, one ``error: ...`` line on stderr, no traceback."""
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].strip(), result.stderr
    match = ERROR_LINE.match(lines[0])
    assert match is not None, lines[0]
    return match


def test_every_corpus_file_states_what_it_expects() -> None:
    found = {p.name for p in CORPUS.glob("*.yaml")}
    assert found == set(EXPECTED)
    assert len(found) >= 30


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_gives_one_clean_line(
    name: str, corpus_runs: dict[str, subprocess.CompletedProcess[str]]
) -> None:
    match = _one_clean_error(corpus_runs[name])
    key, line = EXPECTED[name]
    assert match["file"] == ERROR_FILE.get(name, name)
    assert key in match["key"], match.string
    assert (int(match["line"]) if match["line"] else None) == line, match.string


@pytest.mark.parametrize("name", IN_PROCESSES)
def test_console_script_gives_the_same_line_as_the_entry_point(
    name: str,
    corpus_runs: dict[str, subprocess.CompletedProcess[str]],
    corpus_processes: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    process, entry = corpus_processes[name], corpus_runs[name]
    _one_clean_error(process)
    assert (process.returncode, process.stdout, process.stderr) == (
        entry.returncode,
        entry.stdout,
        entry.stderr,
    )


@pytest.mark.parametrize("case", sorted(ARG_CASES))
def test_command_line_mistake_gives_one_clean_line(
    case: str, arg_runs: dict[str, subprocess.CompletedProcess[str]]
) -> None:
    match = _one_clean_error(arg_runs[case])
    _, file, key = ARG_CASES[case]
    assert match["file"].endswith(file), match.string
    assert key in match["key"], match.string
    assert match["line"] is None, match.string


@pytest.mark.parametrize("case", ["set_wrong_type", "unknown_variant", "set_huge"])
def test_command_line_mistake_in_process(case: str) -> None:
    """The same through click's runner: the library raises nothing the CLI lets through."""
    result = CliRunner().invoke(main, _arguments(case))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert ERROR_LINE.match(result.stderr.strip())


# --- Nothing already written is lost -----------------------------------------------------


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def old_run(tmp_path: Path) -> Path:
    """A folder that looks like an earlier run's."""
    folder = tmp_path / "earlier"
    (folder / "records" / "incidents").mkdir(parents=True)
    (folder / "manifest.json").write_text('{"seed": 1}\n')
    (folder / "summary.csv").write_text("variant,kpi,mean\nbase,x,1\n")
    (folder / "records" / "incidents" / "rep=00000.parquet").write_bytes(b"old records")
    return folder


def test_bad_scenario_leaves_an_existing_run_folder_alone(old_run: Path) -> None:
    before = _snapshot(old_run)
    result = CliRunner().invoke(
        main, ["run", str(CORPUS / "negative_rate.yaml"), "--out", str(old_run)]
    )
    assert result.exit_code == 2
    assert _snapshot(old_run) == before
    assert sorted(p.name for p in old_run.parent.iterdir()) == ["earlier"]


def test_run_failing_midway_leaves_an_existing_run_folder_alone(
    old_run: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even a run that has started writing (then dies) leaves no trace in the old folder."""
    import fmssim.experiment

    def dies_midway(loaded: Any, out_dir: Path, **_: Any) -> None:
        (out_dir / "records" / "incidents").mkdir(parents=True)
        (out_dir / "records" / "incidents" / "rep=00000.parquet").write_bytes(b"new")
        (out_dir / "manifest.json").write_text("{}")
        raise OSError(28, "No space left on device", str(out_dir / "summary.csv"))

    monkeypatch.setattr(fmssim.experiment, "run_experiment", dies_midway)
    before = _snapshot(old_run)
    result = CliRunner().invoke(main, ["run", VALID, "--out", str(old_run), "--quiet"])
    assert result.exit_code == 2
    assert result.output.startswith("error: ") and "No space left" in result.output
    assert _snapshot(old_run) == before
    assert sorted(p.name for p in old_run.parent.iterdir()) == ["earlier"]


def test_run_refuses_a_folder_that_is_not_a_run_folder(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    result = CliRunner().invoke(main, ["run", VALID, "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "not an fmssim run folder" in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_new_refuses_to_overwrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("mine.yaml").write_text("name: mine\n")
    result = CliRunner().invoke(main, ["new", "mine"])
    assert result.exit_code == 2 and "exists already" in result.output
    assert Path("mine.yaml").read_text() == "name: mine\n"


def test_new_into_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["new", str(tmp_path / "no" / "such" / "x")])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and result.output.startswith("error: ")


# --- The loader never raises anything but ScenarioError ----------------------------------

YAML_CHARS = "abcPrx01259 .-_:,#&*!|>'\"%@`[]{}?\n\t~=<+e"


def _loads_or_refuses(path: Path, variant: str | None = None, sets: tuple[str, ...] = ()) -> None:
    """Load; a refusal must be a one-line :class:`ScenarioError` (anything else fails)."""
    try:
        load_scenario(path, variant=variant, sets=sets)
    except ScenarioError as exc:
        text = str(exc)
        assert text == exc.render() and text.strip()
        assert len(text.splitlines()) == 1, text


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    """One folder for the fuzz tests (function-scoped fixtures do not mix with hypothesis)."""
    folder = Path(tempfile.mkdtemp(prefix="fmssim-fuzz-"))
    (folder / "data").mkdir()
    shutil.copy(CORPUS / "data" / "profile_24_rows.csv", folder / "data" / "p.csv")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


FUZZ = settings(
    derandomize=True,
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@FUZZ
@given(text=st.one_of(st.text(alphabet=YAML_CHARS, max_size=120), st.text(max_size=60)))
def test_loader_on_random_text(scratch: Path, text: str) -> None:
    path = scratch / "random.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _loads_or_refuses(path)


@FUZZ
@given(data=st.data())
def test_loader_on_text_mutations_of_a_valid_scenario(scratch: Path, data: st.DataObject) -> None:
    text = data.draw(st.sampled_from(SEEDS)).read_text(encoding="utf-8")
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 8))
        insert = data.draw(st.text(alphabet=YAML_CHARS, max_size=8))
        text = text[:at] + insert + text[at + cut :]
    path = scratch / "mutated.yaml"
    path.write_text(text, encoding="utf-8")
    _loads_or_refuses(path)


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**18, max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["P1", "P9", "response", "exponential", "fixed", "data/p.csv", "1e400"]),
    st.dates(min_value=dt.date(1, 1, 1)),
)
NEW_KEYS = ["kind", "mean", "value", "file", "values", "set", "extends", "units_needed", "zz"]
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(NEW_KEYS), inner, max_size=3),
    ),
    max_leaves=8,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a key or list item in ``node``."""
    found: list[tuple[Any, ...]] = []
    if isinstance(node, list):
        node = dict(enumerate(node))
    if not isinstance(node, dict):
        return []
    for key, child in node.items():
        found.append((*prefix, key))
        found.extend(_paths(child, (*prefix, key)))
    return found


def _mutate(doc: dict[str, Any], data: st.DataObject) -> None:
    """Replace, delete or add one value somewhere in ``doc``."""
    path = data.draw(st.sampled_from(_paths(doc)))
    parent: Any = doc
    for part in path[:-1]:
        parent = parent[part]
    action = data.draw(st.sampled_from(["replace", "delete", "add"]))
    if action == "replace":
        parent[path[-1]] = data.draw(VALUES)
    elif action == "delete":
        del parent[path[-1]]
    elif isinstance(parent, dict):
        parent[data.draw(st.sampled_from(NEW_KEYS))] = data.draw(VALUES)


@FUZZ
@given(data=st.data())
def test_loader_on_value_mutations_of_a_valid_scenario(scratch: Path, data: st.DataObject) -> None:
    yaml = YAML(typ="safe", pure=True)
    doc = yaml.load(data.draw(st.sampled_from(SEEDS)).read_text(encoding="utf-8"))
    doc["variants"] = {"v": {"set": {"experiment.replications": 6}}}
    for _ in range(data.draw(st.integers(1, 3))):
        _mutate(doc, data)
    path = scratch / "mutated_values.yaml"
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(doc, handle)
    sets = tuple(data.draw(st.lists(st.text(alphabet=YAML_CHARS, max_size=20), max_size=2)))
    variant = data.draw(st.sampled_from([None, "v", "missing"]))
    _loads_or_refuses(path, variant=variant, sets=sets)

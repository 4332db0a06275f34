"""The scenario loader: layering (extends, variants, --set), origins, provenance and profiles."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from fmssim.scenario import LoadedScenario, ScenarioError, load_scenario

BASE = """\
name: base
calendar: {start: 2019-01-01, end: 2019-02-01, warmup_days: 1}
demand:
  incidents:
    P1: {annual_volume: 1000}
dispatch:
  grades:
    P1: {target_min: 15, pool: response}
pools:
  response:
    roster: {on_duty: 1}
    double_crewed_share: 0.25
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def refusal(path: Path, variant: str | None = None, sets: tuple[str, ...] = ()) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path, variant=variant, sets=sets)
    return caught.value


def on_duty(loaded: LoadedScenario) -> int | None:
    return loaded.scenario.pools["response"].roster.on_duty


# --- extends ------------------------------------------------------------------------------


def test_extends_merges_mappings_and_replaces_lists_and_values(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", BASE)
    write(
        tmp_path,
        "top.yaml",
        """\
        extends: base.yaml
        name: top
        pools:
          response:
            roster: {on_duty: 4}
        demand:
          incidents:
            P1: {annual_volume: 2000, month_factors: [2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}
        """,
    )
    loaded = load_scenario(tmp_path / "top.yaml")
    s = loaded.scenario
    assert s.name == "top"
    assert on_duty(loaded) == 4
    assert s.pools["response"].double_crewed_share == 0.25  # kept from the base mapping
    assert s.calendar.warmup_days == 1
    assert s.demand.incidents["P1"].annual_volume == 2000
    assert "extends" not in loaded.document


def test_extends_replaces_a_list_whole(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", BASE)
    write(
        tmp_path,
        "mid.yaml",
        """\
        extends: base.yaml
        demand:
          incidents:
            P1: {annual_volume: 1000, month_factors: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 5]}
        """,
    )
    write(
        tmp_path,
        "top.yaml",
        """\
        extends: mid.yaml
        demand:
          incidents:
            P1: {month_factors: [3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}
        """,
    )
    stream = load_scenario(tmp_path / "top.yaml").scenario.demand.incidents["P1"]
    assert stream.month_factors == [3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    assert stream.annual_volume == 1000  # from two levels down


def test_extends_path_is_relative_to_the_file_and_so_are_its_profiles(tmp_path: Path) -> None:
    rows = "".join(f"{h},{1 + h % 24}\n" for h in range(168))
    write(tmp_path, "shared/data/shape.csv", "hour,factor\n" + rows)
    write(tmp_path, "shared/base.yaml", BASE + "profiles:\n  shape: {file: data/shape.csv}\n")
    write(tmp_path, "plans/top.yaml", "extends: ../shared/base.yaml\nname: top\n")
    loaded = load_scenario(tmp_path / "plans" / "top.yaml")
    assert loaded.scenario.profiles["shape"].values is not None
    assert loaded.scenario.profiles["shape"].values[:3] == [1.0, 2.0, 3.0]


def test_error_in_a_base_file_names_the_base_file_and_line(tmp_path: Path) -> None:
    write(tmp_path, "bases/base.yaml", BASE + "experiment:\n  replicatons: 3\n")
    write(tmp_path, "top.yaml", "extends: bases/base.yaml\nname: top\n")
    error = refusal(tmp_path / "top.yaml")
    assert (error.file, error.line, error.key) == ("bases/base.yaml", 14, "experiment.replicatons")


def test_error_in_a_value_laid_over_a_base_names_the_top_file(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", BASE)
    write(
        tmp_path, "top.yaml", "extends: base.yaml\npools:\n  response:\n    roster: {on_duty: -2}\n"
    )
    error = refusal(tmp_path / "top.yaml")
    assert (error.file, error.line) == ("top.yaml", 4)
    assert error.key == "pools.response.roster.on_duty"


def test_top_file_errors_come_before_base_file_errors(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", BASE.replace("on_duty: 1", "on_duty: -1"))
    write(tmp_path, "top.yaml", "extends: base.yaml\nname: top\nexperiment: {seed: -1}\n")
    error = refusal(tmp_path / "top.yaml")
    assert (error.file, error.key) == ("top.yaml", "experiment.seed")
    assert error.message.endswith("(+1 more)")


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"a.yaml": "extends: a.yaml\n"}, ("a.yaml", "cycle")),
        ({"a.yaml": "extends: b.yaml\n", "b.yaml": "extends: a.yaml\n"}, ("b.yaml", "cycle")),
        ({"a.yaml": "extends: nowhere.yaml\n"}, ("a.yaml", "not found")),
        ({"a.yaml": "extends: 5\n"}, ("a.yaml", "expected the path")),
        ({"a.yaml": "extends: b.yaml\n", "b.yaml": "- a list\n"}, ("b.yaml", "must be a mapping")),
    ],
)
def test_bad_extends(tmp_path: Path, files: dict[str, str], expected: tuple[str, str]) -> None:
    for name, text in files.items():
        write(tmp_path, name, text)
    error = refusal(tmp_path / "a.yaml")
    assert error.file == expected[0]
    assert expected[1] in error.message


def test_extends_chain_depth_is_limited(tmp_path: Path) -> None:
    for i in range(12):
        write(tmp_path, f"f{i}.yaml", f"extends: f{i + 1}.yaml\n")
    write(tmp_path, "f12.yaml", BASE)
    assert "levels of extends" in refusal(tmp_path / "f0.yaml").message


# --- precedence: base < extends < variant < --set -----------------------------------------

LAYERED = """\
extends: base.yaml
name: layered
pools:
  response:
    roster: {on_duty: 2}
variants:
  more:
    description: More officers.
    set:
      pools.response.roster.on_duty: 3
      calendar.warmup_days: 5
"""


@pytest.fixture
def layered(tmp_path: Path) -> Path:
    write(tmp_path, "base.yaml", BASE)
    return write(tmp_path, "layered.yaml", LAYERED)


def test_each_layer_wins_over_the_one_below(layered: Path) -> None:
    assert on_duty(load_scenario(layered.with_name("base.yaml"))) == 1
    assert on_duty(load_scenario(layered)) == 2
    assert on_duty(load_scenario(layered, variant="more")) == 3
    cli = ("pools.response.roster.on_duty=4",)
    assert on_duty(load_scenario(layered, variant="more", sets=cli)) == 4
    assert on_duty(load_scenario(layered, sets=cli)) == 4


def test_layers_only_change_what_they_name(layered: Path) -> None:
    loaded = load_scenario(layered, variant="more", sets=("calendar.warmup_days=7",))
    assert loaded.variant == "more"
    assert loaded.scenario.calendar.warmup_days == 7  # --set over the variant's 5
    assert loaded.scenario.pools["response"].double_crewed_share == 0.25  # from the base
    assert load_scenario(layered).variant == "base"


def test_later_sets_win_over_earlier_ones(layered: Path) -> None:
    sets = ("pools.response.roster.on_duty=5", "pools.response.roster.on_duty=6")
    assert on_duty(load_scenario(layered, sets=sets)) == 6


def test_variant_from_a_base_file_can_be_chosen(tmp_path: Path) -> None:
    write(
        tmp_path, "base.yaml", BASE + "variants:\n  v: {set: {pools.response.roster.on_duty: 9}}\n"
    )
    write(tmp_path, "top.yaml", "extends: base.yaml\nname: top\n")
    assert on_duty(load_scenario(tmp_path / "top.yaml", variant="v")) == 9


def test_set_values_are_read_as_yaml(layered: Path) -> None:
    sets = (
        "calendar.end=2019-03-01",
        "demand.incidents.P1.month_factors=[1,1,1,1,1,1,1,1,1,1,1,2]",
        "dispatch.grades.P1.target_min=null",
        "pools.response.double_crewed_share=0.5",
    )
    s = load_scenario(layered, sets=sets).scenario
    assert str(s.calendar.end) == "2019-03-01"
    assert s.demand.incidents["P1"].month_factors is not None
    assert s.dispatch.grades["P1"].target_min is None
    assert s.pools["response"].double_crewed_share == 0.5


def test_errors_in_a_variant_point_at_the_variant_line(layered: Path) -> None:
    layered.write_text(LAYERED.replace("on_duty: 3", "on_duty: -3"), encoding="utf-8")
    load_scenario(layered)  # the base itself is fine
    error = refusal(layered, variant="more")
    assert (error.file, error.line, error.key) == (
        "layered.yaml",
        10,
        "pools.response.roster.on_duty",
    )


def test_errors_from_set_name_set_and_no_line(layered: Path) -> None:
    error = refusal(layered, sets=("pools.response.roster.on_duty=-3",))
    assert (error.file, error.line) == ("--set", 0)
    assert str(error).startswith("--set: pools.response.roster.on_duty: ")


def test_unknown_variant_lists_the_known_ones(layered: Path) -> None:
    error = refusal(layered, variant="fewer")
    assert error.key == "variants.fewer"
    assert "known: more" in error.message


@pytest.mark.parametrize(
    ("assignment", "key", "words"),
    [
        ("pools.response.roster.on_duty", "pools.response.roster.on_duty", "KEY=VALUE"),
        ("=1", "(empty)", "not a dotted key"),
        ("name.x=1", "name.x", "name is not a mapping"),
        ("calendar.end=[1", "calendar.end", "invalid YAML"),
        ("extends=other.yaml", "extends", "only a scenario file"),
        ("profiles.p={file: x.csv}", "profiles.p", "profile files"),
    ],
)
def test_bad_set(layered: Path, assignment: str, key: str, words: str) -> None:
    error = refusal(layered, sets=(assignment,))
    assert (error.file, error.key) == ("--set", key)
    assert words in error.message


# --- provenance: sources and assumptions name existing keys -------------------------------


def test_provenance_keys_may_name_any_existing_value(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", BASE)
    write(
        tmp_path,
        "top.yaml",
        """\
        extends: base.yaml
        sources:
          demand.incidents.P1.annual_volume: fms3_p1_volume
          calendar: fms3_period
        assumptions:
          pools.response.double_crewed_share: a quarter crewed in pairs (from base.yaml)
        """,
    )
    s = load_scenario(tmp_path / "top.yaml").scenario
    assert s.sources["calendar"] == "fms3_period"


@pytest.mark.parametrize("section", ["sources", "assumptions"])
def test_provenance_key_naming_nothing_is_refused_on_its_own_line(
    tmp_path: Path, section: str
) -> None:
    text = f"{section}:\n  calendar.start: ok\n  pools.response.roster.on_dutty: typo\n"
    path = write(tmp_path, "s.yaml", BASE + text)
    error = refusal(path)
    assert error.key == f"{section}.pools.response.roster.on_dutty"
    assert error.line == 15
    assert "names no value" in error.message


def test_provenance_keys_are_checked_after_the_variant(tmp_path: Path) -> None:
    """A key only a variant adds is fine in that variant, and refused without it."""
    text = (
        "variants:\n  fast:\n    set: {dispatch.grades.P1.travel_min: {kind: fixed, value: 5}}\n"
        "assumptions:\n  dispatch.grades.P1.travel_min: five minutes\n"
    )
    path = write(tmp_path, "s.yaml", BASE + text)
    load_scenario(path, variant="fast")
    assert refusal(path).key == "assumptions.dispatch.grades.P1.travel_min"


# --- hints ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "key", "hint"),
    [
        ("name: base", "nmae: base", "nmae", "did you mean 'name'?"),
        ("roster:", "rostr:", "pools.response.rostr", "did you mean 'roster'?"),
        ("warmup_days", "warmup_dayz", "calendar.warmup_dayz", "did you mean 'warmup_days'?"),
        ("pool: response", "pool: responce", "dispatch.grades.P1.pool", "did you mean 'response'?"),
        ("{target_min", "{targit_min", "dispatch.grades.P1.targit_min", "'target_min'"),
    ],
)
def test_did_you_mean(tmp_path: Path, old: str, new: str, key: str, hint: str) -> None:
    error = refusal(write(tmp_path, "s.yaml", BASE.replace(old, new, 1)))
    assert error.key == key
    assert hint in error.message


def test_no_close_match_lists_what_is_allowed(tmp_path: Path) -> None:
    error = refusal(write(tmp_path, "s.yaml", BASE + "experiment: {xyzzy: 1}\n"))
    assert error.key == "experiment.xyzzy"
    assert "expected one of: seed, replications, engine, records" in error.message


def test_distribution_without_kind_lists_the_kinds(tmp_path: Path) -> None:
    text = BASE.replace("pool: response}", "pool: response, travel_min: {mean: 5}}")
    error = refusal(write(tmp_path, "s.yaml", text))
    assert error.key == "dispatch.grades.P1.travel_min"
    assert "'exponential'" in error.message and "'lognormal'" in error.message


# --- profile CSV files ------------------------------------------------------------------------


def load_profile(tmp_path: Path, csv_text: str) -> list[float]:
    write(tmp_path, "data/p.csv", csv_text)
    path = write(tmp_path, "s.yaml", BASE + "profiles:\n  p: {file: data/p.csv}\n")
    values = load_scenario(path).scenario.profiles["p"].values
    assert values is not None
    return values


FACTORS = [float(1 + h % 7) for h in range(168)]


def test_profile_csv_with_header(tmp_path: Path) -> None:
    rows = "".join(f"{h},{f}\n" for h, f in enumerate(FACTORS))
    assert load_profile(tmp_path, "hour,factor\n" + rows) == FACTORS


def test_profile_csv_without_header(tmp_path: Path) -> None:
    assert load_profile(tmp_path, "".join(f"{f}\n" for f in FACTORS)) == FACTORS


def test_profile_csv_factor_column_found_by_name(tmp_path: Path) -> None:
    rows = "".join(f"{f},{h},x\n" for h, f in enumerate(FACTORS))
    assert load_profile(tmp_path, "Factor,hour,note\n" + rows) == FACTORS


def test_profile_csv_skips_comments_and_blank_lines(tmp_path: Path) -> None:
    rows = [f"{h},{f}\n" for h, f in enumerate(FACTORS)]
    rows.insert(100, "# a comment in the middle\n\n   \n")
    text = "# Hour-of-week factors\n# ASSUMPTION: illustrative\nhour,factor\n" + "".join(rows)
    assert load_profile(tmp_path, text) == FACTORS


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda rows: rows[:-1], "has 167 factors; need 168"),
        (lambda rows: [*rows, "168,1\n"], "has 169 factors; need 168"),
        (lambda rows: [*rows[:9], "9,nine\n", *rows[10:]], "p.csv line 12: expected a number"),
        (lambda rows: [*rows[:9], "9,-1\n", *rows[10:]], "p.csv line 12: expected a number >= 0"),
        (lambda rows: [*rows[:9], "9,inf\n", *rows[10:]], "p.csv line 12"),
        (lambda rows: [*rows[:9], "9\n", *rows[10:]], "p.csv line 12"),
    ],
)
def test_bad_profile_csv_points_at_the_file_key_and_the_csv_line(
    tmp_path: Path, change: Callable[[list[str]], list[str]], words: str
) -> None:
    rows = [f"{h},{f}\n" for h, f in enumerate(FACTORS)]
    write(tmp_path, "data/p.csv", "# comment\nhour,factor\n" + "".join(change(rows)))
    path = write(tmp_path, "s.yaml", BASE + "profiles:\n  p: {file: data/p.csv}\n")
    error = refusal(path)
    assert (error.file, error.line, error.key) == ("s.yaml", 14, "profiles.p.file")
    assert words in error.message


def test_missing_profile_file(tmp_path: Path) -> None:
    path = write(tmp_path, "s.yaml", BASE + "profiles:\n  p: {file: data/none.csv}\n")
    error = refusal(path)
    assert error.key == "profiles.p.file" and "file not found: none.csv" in error.message


def test_inline_profile_of_the_wrong_length(tmp_path: Path) -> None:
    path = write(tmp_path, "s.yaml", BASE + "profiles:\n  p: {values: [1, 2]}\n")
    error = refusal(path)
    assert (error.key, error.line) == ("profiles.p.values", 14)


# --- the one-line error format --------------------------------------------------------------


def test_error_text_is_one_line_even_for_odd_keys(tmp_path: Path) -> None:
    error = refusal(write(tmp_path, "s.yaml", BASE + '"bad\\nkey\\u2028": 1\n'))
    text = str(error)
    assert len(text.splitlines()) == 1
    assert text.startswith("s.yaml:13: bad\\nkey\\u2028: unknown key")


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("2019-02-30", "cannot read '2019-02-30' as a date"),
        ("!!int 1.5", "cannot read '1.5' as an integer"),
        ("!!bool perhaps", "cannot read 'perhaps' as true/false"),
    ],
)
def test_unreadable_scalar_is_named_by_key_and_line(tmp_path: Path, value: str, words: str) -> None:
    text = BASE.replace("end: 2019-02-01", f"end: {value}")
    error = refusal(write(tmp_path, "s.yaml", text))
    assert (error.line, error.key) == (2, "calendar.end")
    assert error.message == words

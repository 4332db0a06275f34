"""The generated reference pages match the code (regenerate: python -m fmssim.report.reference)."""

from __future__ import annotations

from pathlib import Path

from fmssim.analytics import contact, dispatch, investigation, pools, workforce
from fmssim.analytics.catalogue import AREAS
from fmssim.report.reference import (
    markdown_api,
    markdown_assumptions,
    markdown_cli,
    markdown_kpis,
    markdown_reference,
)

ROOT = Path(__file__).parents[2]


def test_scenario_reference_is_current() -> None:
    page = (ROOT / "docs" / "reference" / "scenario.md").read_text()
    assert page == markdown_reference(), "run: python -m fmssim.report.reference"


def test_assumptions_page_is_current() -> None:
    scenarios = sorted((ROOT / "scenarios").rglob("*.yaml"))
    page = (ROOT / "docs" / "assumptions.md").read_text()
    assert page == markdown_assumptions(scenarios, ROOT), "run: python -m fmssim.report.reference"


def test_api_reference_is_current() -> None:
    page = (ROOT / "docs" / "reference" / "api.md").read_text()
    assert page == markdown_api(), "run: python -m fmssim.report.reference"
    for name in ("fmssim.load(", "fmssim.run(", "fmssim.compare(", "RunResult.save("):
        assert name in page


def test_cli_reference_is_current() -> None:
    page = (ROOT / "docs" / "reference" / "cli.md").read_text()
    assert page == markdown_cli(), "run: python -m fmssim.report.reference"


def test_cli_reference_has_every_command_and_the_exit_codes() -> None:
    page = markdown_cli()
    for command in ("fmssim new", "fmssim run", "fmssim schema", "fmssim validate"):
        assert f"## `{command}`" in page
    for option in ("--reps", "--seed", "--variant", "--set", "--workers", "--records"):
        assert option in page
    assert "## Exit codes" in page and "| `2` |" in page


def test_every_model_field_is_documented() -> None:
    """Each key of the format has a docstring (the reference would show an empty cell)."""
    for line in markdown_reference().splitlines():
        if line.startswith("| `"):
            assert not line.rstrip().endswith("|  |"), line


def test_the_kpi_reference_is_current() -> None:
    page = (ROOT / "docs" / "reference" / "kpis.md").read_text()
    assert page == markdown_kpis(), "run: python -m fmssim.report.reference"


def test_the_catalogue_lists_exactly_the_kpis_each_area_produces() -> None:
    produced = {
        "contact": contact.KPIS,
        "dispatch": dispatch.KPIS,
        "incident_type": dispatch.TYPE_KPIS,
        "pools": pools.KPIS,
        "workforce": workforce.KPIS,
        "investigation": investigation.KPIS,
    }
    for area, kpis in produced.items():
        assert list(AREAS[area].kpis) == list(kpis), area
    assert set(AREAS) == {*produced, "response_distribution"}

"""The HTML report: self-contained, sections for the areas present, and it renders in a real
browser (Debian's chromium, driven by selenium) without console errors, charts visible.

The browser test skips only when chromium or its driver is missing (``.ci/run`` installs
them). Set ``FMSSIM_SCREENSHOT`` to a file name to keep the screenshot it takes.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from fmssim.cli import main
from fmssim.report.html import report_html

ROOT = Path(__file__).parents[2]
DISTRICT = ROOT / "scenarios" / "district_options.yaml"
CHROMIUM = Path("/usr/bin/chromium")
DRIVER = Path("/usr/bin/chromedriver")


def invoke(*args: object) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two planning years, three variants, three replications, and its report."""
    folder = tmp_path_factory.mktemp("compare") / "run"
    invoke(
        "compare",
        DISTRICT,
        "--variants",
        "base",
        "more_response",
        "fewer_response",
        "--reps",
        "3",
        "--out",
        folder,
        "--quiet",
    )
    assert "report.html" in invoke("report", folder)
    return folder


def test_the_page_is_self_contained(compared: Path) -> None:
    page = (compared / "report.html").read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    links = re.findall(r"""(?:src|href)\s*=\s*["']([^"'#][^"']*)""", page)
    assert links == [], links  # nothing fetched: no images, styles or scripts by address
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", page))
    # Only the XML namespaces of inline SVG, which are names, not fetched.
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, urls


def test_sections_for_the_areas_present(compared: Path) -> None:
    page = (compared / "report.html").read_text(encoding="utf-8")
    for heading in (
        "Verdicts against base",
        "Attendance within target",
        "Response time distribution by grade",
        "Response time median and 90th percentile by year",
        "Contact service level",
        "Backlog trajectories",
        "Paired differences",
        "Assumptions",
        "Every KPI",
    ):
        assert f">{heading}" in page, heading
    assert "Workforce" not in page  # this scenario has no workforce model
    assert "pools.response" in page  # the assumptions table, from the resolved scenario
    assert page.count("<svg") == 5  # attainment, distribution, percentiles, contact, backlog
    assert "fewer_response is lower than base" in page
    assert "P1, 2019: share attended within" in page and "P3, 2020: share attended within" in page
    assert ">target 15 min<" in page  # the P1 target marked on its distribution
    assert ">aspiration 90%<" in page and ">aspiration 70%<" in page  # P1 and P2, dashed
    assert ">target 90% in 10 s<" in page and ">target 80% in 60 s<" in page


def test_workforce_and_investigation_areas_get_their_charts(compared: Path, tmp_path: Path) -> None:
    """Areas other models add (issues 6 and 7) appear without any change to the report."""
    for name in ("summary.parquet", "scenario.resolved.yaml", "manifest.json"):
        shutil.copy(compared / name, tmp_path / name)
    summary = pl.read_parquet(compared / "summary.parquet")
    template = summary.filter(pl.col("kpi") == "attained_share", pl.col("group") == "P1")
    extra = [
        template.with_columns(
            pl.lit(area).alias("area"), pl.lit(group).alias("group"), pl.lit(kpi).alias("kpi")
        )
        for area, group, kpi in (
            ("workforce", "response", "effective_strength_fte"),
            ("workforce", "response", "tutors_in_use"),
            ("investigation", "PPU-DA", "open_cases"),
        )
    ]
    pl.concat([summary, *extra]).write_parquet(tmp_path / "summary.parquet")
    page = report_html(tmp_path)
    assert ">Workforce: effective strength, tutors and students" in page
    assert "response: effective_strength_fte" in page and "PPU-DA: open_cases" in page
    assert "Verdicts" not in page  # no comparison.parquet here


def test_a_single_run_folder_reports_too(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    invoke(
        "run",
        DISTRICT,
        "--set",
        "calendar.end=2019-02-01",
        "--reps",
        "2",
        "--out",
        folder,
        "--quiet",
    )
    invoke("report", folder, "--out", tmp_path / "elsewhere.html")
    page = (tmp_path / "elsewhere.html").read_text(encoding="utf-8")
    assert ">Attendance within target" in page and "Paired differences" not in page


def test_a_folder_without_results_is_bad_input(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["report", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.startswith(f"error: {tmp_path}: ") and "Traceback" not in result.output


@pytest.mark.skipif(
    not (CHROMIUM.exists() and DRIVER.exists()),
    reason="chromium or chromium-driver missing (apt-get install chromium chromium-driver)",
)
def test_the_report_renders_in_chromium_with_its_charts(compared: Path, tmp_path: Path) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1200,4200",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    try:
        driver.get((compared / "report.html").as_uri())
        assert driver.title == "District staffing options — fmssim report"
        charts = driver.find_elements("css selector", "div.chart svg")
        assert len(charts) == 5
        for chart in charts:  # laid out at a real size, with drawn lines and bands
            assert chart.size["width"] > 400 and chart.size["height"] > 150
            assert len(chart.find_elements("css selector", "path")) > 20
        logs = driver.get_log("browser")
        assert [e for e in logs if e["level"] in ("SEVERE", "WARNING")] == [], logs
        shot = Path(os.environ.get("FMSSIM_SCREENSHOT", tmp_path / "report.png"))
        assert driver.save_screenshot(str(shot))
    finally:
        driver.quit()
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000

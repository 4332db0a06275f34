"""The HTML report: self-contained, sections for the areas present, and it renders in a real
browser (Debian's chromium, driven by selenium) without console errors, charts visible.

The browser test skips only when chromium or its driver is missing (``.ci/run`` installs
them). Set ``FMSSIM_SCREENSHOT`` to a file name to keep the screenshot it takes.
"""

from __future__ import annotations

import html
import json
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
    assert "fewer_response -" in page and "— worse" in page  # a verdict, in plain words
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


@pytest.fixture(scope="module")
def single_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One planning year of the district run alone, with its report."""
    folder = tmp_path_factory.mktemp("single") / "run"
    invoke("run", DISTRICT, "--set", "calendar.end=2020-01-01", "--reps", "3", "--out", folder)
    invoke("report", folder)
    return folder


def test_the_first_screen_holds_the_headline_ranking_and_caveats(compared: Path) -> None:
    page = (compared / "report.html").read_text(encoding="utf-8")
    headline = page.index("<section id='headline'>")
    assert headline < page.index("<section id='ranking'>") < page.index("<section id='caveats'>")
    assert headline < page.index("<svg") and headline < page.index(">About these results")
    assert "more_response does best on the service-level targets" in page
    assert "better in every year" in page and "worse in every year" in page
    assert "(95% interval" in page or " to +" in page


def test_a_single_run_report_has_a_headline_and_bars_from_zero(single_run: Path) -> None:
    page = (single_run / "report.html").read_text(encoding="utf-8")
    assert "<section id='headline'><h2>Headline</h2>" in page
    assert "P1 attended within target" in page and "95% interval" in page
    assert "Ranking of allocations" not in page  # nothing to rank


def _panels(page: str) -> list[dict[str, object]]:
    found = re.findall(r'data-panels="([^"]*)"', page)
    return [p for text in found for p in json.loads(html.unescape(text))]


def test_no_chart_is_all_zero_and_every_axis_value_is_possible(compared: Path) -> None:
    panels = _panels((compared / "report.html").read_text(encoding="utf-8"))
    assert len(panels) > 10
    for panel in panels:
        assert not (panel["min"] == 0.0 and panel["max"] == 0.0), panel
        assert panel["min"] is None or float(panel["min"]) >= 0.0, panel  # type: ignore[arg-type]
        if panel["share"]:
            assert float(panel["max"]) <= 1.0, panel  # type: ignore[arg-type]


def test_an_overload_is_a_caveat_and_censored_statistics_are_not_charted(tmp_path: Path) -> None:
    """One neighbourhood unit for the district's P3s: its queue grows all year."""
    folder = tmp_path / "overloaded"
    invoke(
        "compare", DISTRICT, "--variants", "base", "more_response", "--reps", "2",
        "--set", "calendar.end=2019-04-01", "--set", "pools.neighbourhood.roster.on_duty=1",
        "--out", folder, "--quiet",
    )  # fmt: skip
    invoke("report", folder)
    page = (folder / "report.html").read_text(encoding="utf-8")
    start = page.index("<section id='caveats'>")
    caveats = page[start : page.index("</section>", start)]
    assert "more_response: pool neighbourhood looks overloaded in 2019" in caveats
    assert "statistics are censored" in caveats and "P3 median response" in caveats
    titles = [str(p["title"]) for p in _panels(page)]
    assert titles and not [t for t in titles if t.startswith(("P3 response", "P3, "))]
    assert "No value to chart (censored" in page
    verdicts = page[page.index(">Verdicts against base") : page.index(">Attendance within")]
    assert "P3" not in verdicts


def _in_range(text: str) -> None:
    """No percentage outside 0–100% (differences are in points), no negative mean or
    interval end in the table of every KPI."""
    percentages = [float(v) for v in re.findall(r"(-?\d+(?:\.\d+)?)%", text)]
    assert percentages and all(0.0 <= v <= 100.0 for v in percentages), percentages
    table = text[text.index("Every KPI") :]
    cells = re.findall(r"""<td class=["']n["']>([^<]*)</td>""", table)
    assert cells and not [c for c in cells if re.search(r"(^|– )-\d", c)]


@pytest.mark.skipif(
    not (CHROMIUM.exists() and DRIVER.exists()),
    reason="chromium or chromium-driver missing (apt-get install chromium chromium-driver)",
)
@pytest.mark.parametrize("which", ["compared", "single_run"])
def test_the_report_renders_in_chromium_with_the_headline_on_its_first_screen(
    which: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """At 1400 px wide, the headline table starts within the first 900 px; the charts are
    laid out and drawn; no console errors; no impossible number on the page. Screenshots of
    the first screen and the whole page go to ``FMSSIM_SCREENSHOTS`` (CI keeps them)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    folder: Path = request.getfixturevalue(which)
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,900",
        "--hide-scrollbars",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    shots = Path(os.environ.get("FMSSIM_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    try:
        driver.get((folder / "report.html").as_uri())
        assert driver.title == "District staffing options — fmssim report"
        table = driver.find_element("css selector", "#headline table")
        assert table.is_displayed() and table.location["y"] < 900, table.location
        first_row = table.find_elements("css selector", "tr")[1]
        assert first_row.location["y"] + first_row.size["height"] < 900
        assert driver.save_screenshot(str(shots / f"{which}-first-screen.png"))
        charts = driver.find_elements("css selector", "div.chart svg")
        assert len(charts) >= 3  # attainment, percentiles, contact (and more in a comparison)
        for chart in charts:  # laid out at a real size, with drawn lines and bands
            assert chart.size["width"] > 300 and chart.size["height"] > 150
            assert len(chart.find_elements("css selector", "path")) > 20
        logs = driver.get_log("browser")
        assert [e for e in logs if e["level"] in ("SEVERE", "WARNING")] == [], logs
        _in_range(driver.page_source)
        height = driver.execute_script("return document.body.scrollHeight")
        driver.set_window_size(1400, min(int(height) + 100, 16000))
        assert driver.save_screenshot(str(shots / f"{which}-page.png"))
    finally:
        driver.quit()
    first = (shots / f"{which}-first-screen.png").read_bytes()
    assert first[:8] == b"\x89PNG\r\n\x1a\n" and len(first) > 20_000

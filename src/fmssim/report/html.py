"""The report a leader opens: one self-contained HTML file written from a run folder.

No network, no script: charts are inline SVG (``report/charts.py``), styles are inline CSS,
so the file opens the same from a laptop, an e-mail attachment or an air-gapped machine.
Sections appear for the areas present in the results (contact, dispatch, pools, and the
investigation and workforce areas when a scenario has them) and are left out otherwise.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path
from typing import Any

import polars as pl

from fmssim.analytics.censoring import grade_pools, mark_censored, overload_flags, variant_warnings
from fmssim.analytics.distribution import AREA, threshold_of
from fmssim.report.charts import Line, Panel, colours, panels_svg
from fmssim.report.first_screen import caveats_html, headline_html, ranking_html
from fmssim.report.html_tables import (
    HEADLINE_KPIS,
    assumptions_table,
    comparison_table,
    summary_table,
)
from fmssim.report.html_tables import (
    mapping as _mapping,
)
from fmssim.report.units import year_labeller, year_note
from fmssim.report.uplift import uplift_gains_html
from fmssim.report.verdicts import verdicts

REPORT_FILE = "report.html"
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;
max-width:1100px;color:#222;line-height:1.45;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #1f5fa8;padding-bottom:.2em;
margin-top:2em}table{border-collapse:collapse;margin:.8em 0;font-size:.9em}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#eef3fa}td.n{text-align:right;font-variant-numeric:tabular-nums}
.meta{color:#555}.chart svg{max-width:100%;height:auto}.verdicts li{margin:.2em 0}
.note{color:#555;font-size:.9em}details{margin:1em 0}
.lead{font-size:1.1em;font-weight:600}table.headline td{padding:.15em .5em}
table.headline small{color:#555}.warning{color:#8a1c1c}td.censored{color:#8a1c1c}
ul.caveats li{margin:.25em 0}
"""


def write_report(folder: Path, target: Path | None = None) -> Path:
    """Write the report of run folder ``folder`` (default ``folder/report.html``)."""
    from fmssim.report.files import atomic_text

    target = target if target is not None else folder / REPORT_FILE
    atomic_text(target, report_html(folder))
    return target


def report_html(folder: Path) -> str:
    """The whole page for the run (or sweep, or comparison) in ``folder``."""
    from fmssim.report.reading import read_run_folder

    run = read_run_folder(folder)  # refuses a folder that is not a finished, consistent run
    summary, manifest, document, comparison = (
        run.summary,
        run.manifest,
        run.document,
        run.comparison,
    )
    pools = grade_pools(document)
    flags = overload_flags(summary, pools)
    # the capacity warnings the run wrote before simulating, then the overload found after
    stored = [str(w) for w in manifest.get("warnings", []) if isinstance(w, str)]
    warnings = list(dict.fromkeys([*stored, *variant_warnings(summary, pools)]))
    summary = mark_censored(summary, flags)
    comparison = mark_censored(comparison, flags) if comparison is not None else None
    label = year_labeller(document)
    variants = list(dict.fromkeys(summary["variant"].to_list()))
    palette = colours(variants)
    shown = _uncensored(summary)
    sections = [
        _header(document),
        headline_html(summary, comparison, label),
        ranking_html(summary, comparison),
        caveats_html(
            warnings,
            [t for t in (summary, comparison) if t is not None],
            document,
            label,
            year_note(document),
        ),
        _verdicts(comparison, label),
        _attainment(shown, document, palette),
        _distribution(shown, document, palette),
        _response(shown, palette),
        _contact(shown, document, palette),
        _backlogs(shown, palette),
        _workforce(shown, palette),
        comparison_table(comparison, label),
        uplift_gains_html(comparison),
        assumptions_table(document),
        _about(manifest, variants),
        summary_table(summary, label),
    ]
    title = html.escape(str(document.get("name", folder.name)))
    body = "\n".join(s for s in sections if s)
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title} — fmssim report</title><style>{CSS}</style></head>\n"
        f"<body>\n{body}\n</body></html>\n"
    )


def _header(document: dict[str, Any]) -> str:
    name = html.escape(str(document.get("name", "fmssim run")))
    described = html.escape(" ".join(str(document.get("description", "")).split()))
    return f"<h1>{name}</h1><p class='meta'>{described}</p>"


def _about(manifest: dict[str, Any], variants: list[str]) -> str:
    """How the results were made: enough to reproduce them."""
    facts = [
        ("variants", ", ".join(variants)),
        ("replications per variant", manifest.get("replications", "")),
        ("seed", manifest.get("seed", "")),
        ("engine", manifest.get("engine", "")),
        ("scenario", manifest.get("scenario", "")),
        ("scenario SHA-256", str(manifest.get("scenario_sha256", ""))[:16]),
        ("fmssim", manifest.get("packages", {}).get("fmssim", "")),
        ("report written", dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")),
    ]
    rows = "".join(f"<tr><th>{k}</th><td>{html.escape(str(v))}</td></tr>" for k, v in facts)
    return (
        f"<h2>About these results</h2><table>{rows}</table>"
        "<p class='note'>Every figure is a mean over replications with its 95% interval "
        "(bands and bars). Variants share their random numbers replication by replication "
        "(common random numbers), so differences between them are measured sharply.</p>"
    )


def _uncensored(summary: pl.DataFrame) -> pl.DataFrame:
    """The summary with censored statistics blanked (NaN), so charts leave them out."""
    blank = pl.col("censored")
    return summary.with_columns(
        pl.when(blank).then(float("nan")).otherwise(pl.col(c)).alias(c)
        for c in ("mean", "ci_low", "ci_high")
    )


def _verdicts(comparison: pl.DataFrame | None, label: Any) -> str:
    if comparison is None or comparison.is_empty():
        return ""
    lines = verdicts(comparison.filter(pl.col("kpi").is_in(HEADLINE_KPIS)), label)
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines) or (
        "<li>No headline KPI differs beyond its 95% interval.</li>"
    )
    reference = html.escape(str(comparison["reference"][0]))
    return (
        f"<h2>Verdicts against {reference}</h2><p class='note'>Service levels only, where the "
        "paired 95% interval of the difference excludes zero (variant − reference); censored "
        f"statistics get none; every KPI is in comparison.csv.</p><ul class='verdicts'>{items}</ul>"
    )


def _kpi_panels(
    summary: pl.DataFrame, area: str, kpi: str, title: str, lines: dict[str, tuple[Line, ...]]
) -> list[Panel]:
    """One panel per group of ``area`` having ``kpi`` (groups in summary order)."""
    rows = summary.filter((pl.col("area") == area) & (pl.col("kpi") == kpi))
    panels = []
    for (group,), part in rows.group_by(["group"], maintain_order=True):
        if _not_produced(part):
            continue
        name = str(group)
        panels.append(
            Panel(title.format(group=name), part, kpi.endswith("_share"), lines.get(name, ()))
        )
    return panels


def _section(heading: str, note: str, panels: list[Panel], palette: dict[str, str]) -> str:
    """A titled set of charts; a panel with nothing to draw (censored or not produced) or
    zero in every variant and year is named in a note instead of charted."""
    drawn = [p for p in panels if _range(p)["min"] is not None and _range(p)["max"] != 0.0]
    zero = [p.title for p in panels if _range(p)["min"] == 0.0 and _range(p)["max"] == 0.0]
    empty = [p.title for p in panels if _range(p)["min"] is None]
    notes = [f"<p class='note'>{note}</p>"]
    if zero:
        notes.append(
            "<p class='note'>Zero in every variant and year, so not charted: "
            f"{html.escape('; '.join(zero))}.</p>"
        )
    if empty:
        notes.append(
            "<p class='note warning'>No value to chart (censored: an overloaded pool or "
            f"department, see the caveats): {html.escape('; '.join(empty))}.</p>"
        )
    if not drawn:
        return f"<h2>{heading}</h2>{''.join(notes)}" if zero or empty else ""
    svg = panels_svg(drawn, palette)
    ranges = html.escape(json.dumps([_range(p) for p in drawn]), quote=True)
    return (
        f"<h2>{heading}</h2>{''.join(notes)}<div class='chart' data-panels=\"{ranges}\">{svg}</div>"
    )


def _not_produced(rows: pl.DataFrame) -> bool:
    """No value in any variant or year, and not because it is censored (e.g. the response
    times of a grade no pool attends)."""
    censored = "censored" in rows.columns and bool(rows["censored"].any())
    return bool(rows["mean"].is_nan().all()) and not censored


def _range(panel: Panel) -> dict[str, Any]:
    """A panel's title and the smallest and largest value it draws (for checks and tools)."""
    values = [
        float(v)
        for c in ("mean", "ci_low", "ci_high")
        for v in panel.rows[c].to_list()
        if v is not None and v == v
    ]
    return {
        "title": panel.title,
        "share": panel.share,
        "min": min(values) if values else None,
        "max": max(values) if values else None,
    }


def _attainment(summary: pl.DataFrame, document: dict[str, Any], palette: dict[str, str]) -> str:
    grades = _mapping(document, "dispatch", "grades")
    targets = {g: _target_text(_mapping(grades, g)) for g in grades}
    aims: dict[str, tuple[Line, ...]] = {
        g: (Line(float(v), f"aspiration {v:.0%}"),) for g, v in _aspirations(document).items()
    }
    panels = _kpi_panels(summary, "dispatch", "attained_share", "{group} attended in time", aims)
    panels = [
        Panel(f"{p.title} ({targets.get(p.title.split()[0], '')})", p.rows, p.share, p.lines)
        for p in panels
    ]
    note = (
        "Share of incidents of each grade attended within the grade's target (appointments: "
        "by their booked slot), per year; dashed: the force's aspiration, where the scenario "
        "states one (aspiration_share)."
    )
    return _section("Attendance within target (SLA attainment)", note, panels, palette)


def _target_text(grade: dict[str, Any]) -> str:
    """The attainment rule of a grade in words: its target, or its appointment slot."""
    if grade.get("appointment") is not None:
        return "by the booked slot"
    return f"≤ {grade.get('target_min')} min"


def _aspirations(document: dict[str, Any]) -> dict[str, Any]:
    """Attainment aspirations per grade when the scenario states them (``aspiration_share``)."""
    grades = _mapping(document, "dispatch", "grades")
    found = {g: _mapping(grades, g).get("aspiration_share") for g in grades}
    return {g: v for g, v in found.items() if isinstance(v, int | float)}


def _distribution(summary: pl.DataFrame, document: dict[str, Any], palette: dict[str, str]) -> str:
    """Per attended grade: share attended within t minutes against t (first and last year)."""
    rows = summary.filter(pl.col("area") == AREA).with_columns(
        pl.col("kpi").map_elements(threshold_of, return_dtype=pl.Float64).alias("minutes")
    )
    if rows.is_empty():
        return ""
    years = sorted(set(rows["year"].to_list()))
    grades = _mapping(document, "dispatch", "grades")
    panels = []
    for (group,), part in rows.group_by(["group"], maintain_order=True):
        target = _mapping(grades, str(group)).get("target_min")
        marks = (Line(float(target), f"target {target:g} min"),) if target else ()
        for year in dict.fromkeys((years[0], years[-1])):
            mine = part.filter(pl.col("year") == year)
            if _not_produced(mine):
                continue
            title = f"{group}, {year}: share attended within"
            panels.append(Panel(title, mine, True, x="minutes", vlines=marks))
    note = (
        "Share of attended incidents reached within each time (log scale), by grade, in the "
        f"first and last planning year{'s' if len(years) > 1 else ''}: the further up and "
        "left, the faster. Bands are 95% intervals."
    )
    return _section("Response time distribution by grade", note, panels, palette)


def _response(summary: pl.DataFrame, palette: dict[str, str]) -> str:
    panels = []
    for kpi, label in (("response_median_min", "median"), ("response_p90_min", "90th percentile")):
        panels += _kpi_panels(summary, "dispatch", kpi, "{group} response, " + label + " (min)", {})
    panels.sort(key=lambda p: p.title.split(",")[0])  # by grade, median first (stable sort)
    note = "Response time (creation to arrival) by grade: the median and the 90th percentile."
    return _section("Response time median and 90th percentile by year", note, panels, palette)


def _contact(summary: pl.DataFrame, document: dict[str, Any], palette: dict[str, str]) -> str:
    channels = _mapping(document, "demand", "channels")
    lines: dict[str, tuple[Line, ...]] = {}
    for name, spec in channels.items():
        share = _mapping(channels, name).get("answer_target_share", 0.9 if spec else None)
        seconds = _mapping(channels, name).get("answer_target_sec", 10)
        if isinstance(share, int | float):
            lines[str(name)] = (Line(float(share), f"target {share:.0%} in {seconds} s"),)
    panels = _kpi_panels(
        summary, "contact", "answered_within_target_share", "{group} answered in time", lines
    )
    panels += _kpi_panels(summary, "contact", "abandoned_share", "{group} abandoned", {})
    note = "Share of contacts answered within the channel's threshold, and share abandoned."
    return _section("Contact service level", note, panels, palette)


def _backlogs(summary: pl.DataFrame, palette: dict[str, str]) -> str:
    panels = _kpi_panels(summary, "pools", "waiting_at_year_end", "{group}: incidents waiting", {})
    investigation = summary.filter(pl.col("area") == "investigation")
    for kpi in investigation["kpi"].unique(maintain_order=True).to_list():
        panels += _kpi_panels(summary, "investigation", kpi, "{group}: " + kpi, {})
    note = (
        "Work waiting at the end of each year: incidents queued for a dispatch pool and, "
        "when the scenario models investigations, open cases and their flow."
    )
    return _section("Backlog trajectories", note, panels, palette)


def _workforce(summary: pl.DataFrame, palette: dict[str, str]) -> str:
    workforce = summary.filter(pl.col("area") == "workforce")
    panels: list[Panel] = []
    for kpi in workforce["kpi"].unique(maintain_order=True).to_list():
        panels += _kpi_panels(summary, "workforce", kpi, "{group}: " + kpi, {})
    note = "Effective strength, tutors and students by department over time."
    return _section("Workforce: effective strength, tutors and students", note, panels, palette)

"""The report a leader opens: one self-contained HTML file written from a run folder.

No network, no script: charts are inline SVG (``report/charts.py``), styles are inline CSS,
so the file opens the same from a laptop, an e-mail attachment or an air-gapped machine.
Sections appear for the areas present in the results (contact, dispatch, pools, and the
investigation and workforce areas when a scenario has them) and are left out otherwise.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Any

import polars as pl

from fmssim.analytics.distribution import AREA, threshold_of
from fmssim.report.charts import Line, Panel, colours, panels_svg
from fmssim.report.console import format_value
from fmssim.report.uplift import uplift_gains_html
from fmssim.report.verdicts import verdicts

REPORT_FILE = "report.html"
HEADLINE_KPIS = ("attained_share", "answered_within_target_share", "abandoned_share")
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;
max-width:1100px;color:#222;line-height:1.45;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #1f5fa8;padding-bottom:.2em;
margin-top:2em}table{border-collapse:collapse;margin:.8em 0;font-size:.9em}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#eef3fa}td.n{text-align:right;font-variant-numeric:tabular-nums}
.meta{color:#555}.chart svg{max-width:100%;height:auto}.verdicts li{margin:.2em 0}
.note{color:#555;font-size:.9em}details{margin:1em 0}
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
    variants = list(dict.fromkeys(summary["variant"].to_list()))
    palette = colours(variants)
    sections = [
        _header(document, manifest, variants),
        _verdicts(comparison),
        _attainment(summary, document, palette),
        _distribution(summary, document, palette),
        _response(summary, palette),
        _contact(summary, document, palette),
        _backlogs(summary, palette),
        _workforce(summary, palette),
        _comparison_table(comparison),
        uplift_gains_html(comparison),
        _assumptions(document),
        _summary_table(summary),
    ]
    title = html.escape(str(document.get("name", folder.name)))
    body = "\n".join(s for s in sections if s)
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title} — fmssim report</title><style>{CSS}</style></head>\n"
        f"<body>\n{body}\n</body></html>\n"
    )


def _header(document: dict[str, Any], manifest: dict[str, Any], variants: list[str]) -> str:
    name = html.escape(str(document.get("name", "fmssim run")))
    described = html.escape(" ".join(str(document.get("description", "")).split()))
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
        f"<h1>{name}</h1><p class='meta'>{described}</p><table>{rows}</table>"
        "<p class='note'>Every figure is a mean over replications with its 95% interval "
        "(bands and bars). Variants share their random numbers replication by replication "
        "(common random numbers), so differences between them are measured sharply.</p>"
    )


def _verdicts(comparison: pl.DataFrame | None) -> str:
    if comparison is None or comparison.is_empty():
        return ""
    lines = verdicts(comparison.filter(pl.col("kpi").is_in(HEADLINE_KPIS)))
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines) or (
        "<li>No headline KPI differs beyond its 95% interval.</li>"
    )
    reference = html.escape(str(comparison["reference"][0]))
    return (
        f"<h2>Verdicts against {reference}</h2><p class='note'>Only where the paired 95% "
        f"interval of the difference excludes zero; every KPI is in comparison.csv.</p>"
        f"<ul class='verdicts'>{items}</ul>"
    )


def _kpi_panels(
    summary: pl.DataFrame, area: str, kpi: str, title: str, lines: dict[str, tuple[Line, ...]]
) -> list[Panel]:
    """One panel per group of ``area`` having ``kpi`` (groups in summary order)."""
    rows = summary.filter((pl.col("area") == area) & (pl.col("kpi") == kpi))
    panels = []
    for (group,), part in rows.group_by(["group"], maintain_order=True):
        if part["mean"].is_nan().all():
            continue
        name = str(group)
        panels.append(
            Panel(title.format(group=name), part, kpi.endswith("_share"), lines.get(name, ()))
        )
    return panels


def _section(heading: str, note: str, panels: list[Panel], palette: dict[str, str]) -> str:
    if not panels:
        return ""
    svg = panels_svg(panels, palette)
    return f"<h2>{heading}</h2><p class='note'>{note}</p><div class='chart'>{svg}</div>"


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


def _comparison_table(comparison: pl.DataFrame | None) -> str:
    if comparison is None or comparison.is_empty():
        return ""
    changed = (pl.col("difference") != 0.0) | (pl.col("ci_high") != pl.col("ci_low"))
    shown = comparison.filter(pl.col("kpi").is_in(HEADLINE_KPIS) & changed)
    head = (
        "<tr><th>year</th><th>area</th><th>group</th><th>KPI</th><th>variant</th>"
        "<th>reference</th><th>variant mean</th><th>difference [paired 95%]</th>"
        "<th>unpaired 95%</th></tr>"
    )
    rows = [head]
    for r in shown.iter_rows(named=True):
        k = r["kpi"]
        cells = [str(r["year"]), r["area"], r["group"], k, r["variant"]]
        numbers = [
            format_value(k, r["reference_mean"]),
            format_value(k, r["mean"]),
            f"{_points(k, r['difference'])} "
            f"[{_points(k, r['ci_low'])}, {_points(k, r['ci_high'])}]",
            f"[{_points(k, r['unpaired_ci_low'])}, {_points(k, r['unpaired_ci_high'])}]",
        ]
        rows.append(
            "<tr>"
            + "".join(f"<td>{html.escape(c)}</td>" for c in cells)
            + "".join(f"<td class='n'>{html.escape(c)}</td>" for c in numbers)
            + "</tr>"
        )
    return (
        "<h2>Paired differences</h2><p class='note'>Variant − reference, replication by "
        "replication; shares in percentage points. The unpaired interval is what the same "
        "replications would give without common random numbers. KPIs equal in every replication "
        "(untouched by the variant) are left out.</p><table>" + "".join(rows) + "</table>"
    )


def _points(kpi: str, value: float) -> str:
    return f"{value * 100.0 if kpi.endswith('_share') else value:+.2f}"


def _assumptions(document: dict[str, Any]) -> str:
    assumptions = _mapping(document, "assumptions")
    sources = _mapping(document, "sources")
    if not assumptions and not sources:
        return "<h2>Assumptions</h2><p>The scenario lists no assumptions.</p>"
    rows = "".join(
        f"<tr><td><code>{html.escape(str(k))}</code></td><td>{html.escape(str(v))}</td></tr>"
        for k, v in assumptions.items()
    )
    cited = "".join(
        f"<tr><td><code>{html.escape(str(k))}</code></td><td>{html.escape(str(v))}</td></tr>"
        for k, v in sources.items()
    )
    sourced = (
        f"<h3>Taken from the reference document</h3><table><tr><th>key</th><th>fact id</th>"
        f"</tr>{cited}</table>"
        if cited
        else ""
    )
    return (
        "<h2>Assumptions</h2><p class='note'>Values the scenario does not take from the "
        "force's own figures, with the reason each is plausible.</p><table><tr><th>key</th>"
        f"<th>assumption</th></tr>{rows}</table>{sourced}"
    )


def _summary_table(summary: pl.DataFrame) -> str:
    rows = [
        "<tr><th>variant</th><th>year</th><th>area</th><th>group</th><th>KPI</th>"
        "<th>mean</th><th>95% interval</th><th>reps</th></tr>"
    ]
    for r in summary.iter_rows(named=True):
        k = r["kpi"]
        interval = f"{format_value(k, r['ci_low'])} – {format_value(k, r['ci_high'])}"
        cells = [r["variant"], str(r["year"]), r["area"], r["group"], k]
        rows.append(
            "<tr>"
            + "".join(f"<td>{html.escape(c)}</td>" for c in cells)
            + f"<td class='n'>{format_value(k, r['mean'])}</td><td class='n'>{interval}</td>"
            + f"<td class='n'>{r['reps']}</td></tr>"
        )
    return (
        "<h2>Every KPI</h2><details><summary>The whole summary table "
        f"({summary.height} rows)</summary><table>{''.join(rows)}</table></details>"
    )


def _mapping(document: Any, *keys: str) -> dict[str, Any]:
    """The mapping at ``keys`` in a plain document, or an empty one."""
    node = document
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return dict(node) if isinstance(node, dict) else {}

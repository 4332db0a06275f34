"""The report's tables: the paired comparison, the scenario's assumptions, the summary."""

from __future__ import annotations

import html
from typing import Any

import polars as pl

from fmssim.report.units import format_difference, format_value

HEADLINE_KPIS = ("attained_share", "answered_within_target_share", "abandoned_share")


def comparison_table(comparison: pl.DataFrame | None, label: Any) -> str:
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
        cells = [label(r["year"]), r["area"], r["group"], k, r["variant"]]
        numbers = [
            format_value(k, r["reference_mean"]),
            format_value(k, r["mean"]),
            f"{format_difference(k, r['difference'])} "
            f"[{format_difference(k, r['ci_low'])}, {format_difference(k, r['ci_high'])}]",
            f"[{format_difference(k, r['unpaired_ci_low'])}, "
            f"{format_difference(k, r['unpaired_ci_high'])}]",
        ]
        if r.get("censored"):
            numbers = [*numbers[:2], "censored (not a result)", ""]
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


def assumptions_table(document: dict[str, Any]) -> str:
    assumptions = mapping(document, "assumptions")
    sources = mapping(document, "sources")
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


def summary_table(summary: pl.DataFrame, label: Any) -> str:
    rows = [
        "<tr><th>variant</th><th>year</th><th>area</th><th>group</th><th>KPI</th>"
        "<th>mean</th><th>95% interval</th><th>reps</th></tr>"
    ]
    for r in summary.iter_rows(named=True):
        k = r["kpi"]
        interval = f"{format_value(k, r['ci_low'])} – {format_value(k, r['ci_high'])}"
        if r.get("censored"):
            interval += " (censored: not a result)"
        cells = [r["variant"], label(r["year"]), r["area"], r["group"], k]
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


def mapping(document: Any, *keys: str) -> dict[str, Any]:
    """The mapping at ``keys`` in a plain document, or an empty one."""
    node = document
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return dict(node) if isinstance(node, dict) else {}

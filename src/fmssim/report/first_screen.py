"""The top of the HTML report: the headline, the ranking of allocations, and the caveats.

A comparison opens with one sentence (which allocation does best on the service-level
targets, what it uses, what 100 officers buy), then a table of every allocation against the
reference on the figures leaders set targets for, one row per allocation and figure, with the
paired difference and its interval per planning year and a verdict in words. A single run
opens with its figures per year. Caveats follow: overload warnings, censored statistics, how
planning years are labelled, and the assumptions behind what the variants change.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import polars as pl

from fmssim.report.leader import (
    OFFICERS,
    censored_figures,
    headline_sentence,
    headline_table,
    ranking,
    run_headline,
)
from fmssim.report.units import format_difference

Label = Callable[[int], str]


def headline_html(summary: pl.DataFrame, comparison: pl.DataFrame | None, label: Label) -> str:
    """The headline section: a comparison's table against its reference, or a run's figures."""
    if comparison is None or comparison.is_empty():
        return _run_headline(summary, label)
    table = headline_table(comparison)
    if table.is_empty():
        return ""
    reference = html.escape(str(comparison["reference"][0]))
    unit = str(table["unit"].drop_nulls()[0]) if table["unit"].drop_nulls().len() else ""
    ranked = ranking(comparison, summary)
    sentence = headline_sentence(ranked, unit)
    order = {name: i for i, name in enumerate(ranked["variant"].to_list())}
    table = table.with_columns(
        pl.col("variant").replace_strict(order, default=len(order)).alias("_rank")
    ).sort("_rank", maintain_order=True)
    years = sorted(set(table["year"].to_list()))
    head = "".join(f"<th>{html.escape(label(y))}</th>" for y in years)
    per_100 = unit == OFFICERS
    rows = []
    for (variant, figure), part in table.group_by(["variant", "figure"], maintain_order=True):
        cells = {r["year"]: r for r in part.iter_rows(named=True)}
        added = part["added"].drop_nulls()
        uses = f"{float(added.mean()):+,.0f}" if added.len() else "–"  # type: ignore[arg-type]
        gain = _per_100(part) if per_100 else ""
        rows.append(
            f"<tr><td>{html.escape(str(variant))}</td><td>{html.escape(str(figure))}</td>"
            f"<td class='n'>{uses}</td>"
            + "".join(_year_cell(cells.get(y)) for y in years)
            + (f"<td class='n'>{gain}</td>" if per_100 else "")
            + f"<td>{html.escape(_row_verdict(part, label))}</td></tr>"
        )
    gain_head = "<th>per 100 officers, last year</th>" if per_100 else ""
    return (
        f"<section id='headline'><h2>Headline: each allocation against {reference}</h2>"
        f"<p class='lead'>{html.escape(sentence)}</p>"
        f"<table class='headline'><tr><th>allocation</th><th>figure</th>"
        f"<th>{html.escape(unit or 'added')} added</th>{head}{gain_head}<th>verdict</th></tr>"
        + "".join(rows)
        + "</table><p class='note'>Difference to the reference (variant − reference) with its "
        "paired 95% interval, per planning year; shares in percentage points. “No clear "
        "difference”: the interval contains zero.</p></section>"
    )


def _year_cell(row: Mapping[str, Any] | None) -> str:
    if row is None:
        return "<td class='n'>–</td>"
    if row.get("censored"):
        return "<td class='n censored'>censored</td>"
    kpi = row["kpi"]
    low, high = row["ci_low"], row["ci_high"]
    if low == high == row["difference"] == 0.0:
        return "<td class='n'>no change</td>"
    interval = (
        ""
        if low is None or math.isnan(low)
        else f"<br><small>{_bare(kpi, low)} to {_bare(kpi, high)}</small>"
    )
    return f"<td class='n'>{html.escape(format_difference(kpi, row['difference']))}{interval}</td>"


def _bare(kpi: str, value: float) -> str:
    """An interval end without its unit when the cell above names it (points)."""
    return format_difference(kpi, value).removesuffix(" points")


def _per_100(part: pl.DataFrame) -> str:
    last = part.sort("year").row(-1, named=True)
    value = last.get("per_100")
    if value is None or math.isnan(value) or last.get("censored"):
        return "–"
    return html.escape(format_difference(last["kpi"], value))


def _row_verdict(part: pl.DataFrame, label: Label) -> str:
    """``better in 2021/22 and 2022/23; no clear difference in 2020/21`` for one row."""
    groups: dict[str, list[str]] = {}
    for r in part.sort("year").iter_rows(named=True):
        word = r["verdict"].split(":")[-1].strip() if ": " in r["verdict"] else ""
        if r["verdict"].startswith("no clear"):
            word = "no clear difference"
        elif r["verdict"].startswith("unchanged"):
            word = "unchanged"
        elif r["verdict"].startswith("censored"):
            word = "censored (not a result)"
        elif word not in ("better", "worse"):
            word = "different" if "interval" in r["verdict"] else "too few replications"
        groups.setdefault(word, []).append(label(r["year"]))
    years = part["year"].n_unique()
    return "; ".join(
        f"{word} {'in every year' if len(ys) == years and years > 1 else 'in ' + _and(ys)}"
        for word, ys in groups.items()
    )


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _run_headline(summary: pl.DataFrame, label: Label) -> str:
    rows = run_headline(summary)
    if rows.is_empty():
        return ""
    years = sorted(set(rows["year"].to_list()))
    head = "".join(f"<th>{html.escape(label(y))}</th>" for y in years)
    body = []
    for (variant, figure), part in rows.group_by(["variant", "figure"], maintain_order=True):
        cells = {r["year"]: r for r in part.iter_rows(named=True)}
        tds = "".join(
            "<td class='n'>–</td>"
            if cells.get(y) is None
            else f"<td class='n'>{html.escape(_run_value(cells[y]))}</td>"
            for y in years
        )
        body.append(
            f"<tr><td>{html.escape(str(variant))}</td><td>{html.escape(str(figure))}</td>{tds}</tr>"
        )
    return (
        "<section id='headline'><h2>Headline</h2><table class='headline'><tr><th>variant</th>"
        f"<th>figure</th>{head}</tr>" + "".join(body) + "</table><p class='note'>Means over "
        "replications with their 95% intervals.</p></section>"
    )


def _run_value(row: Mapping[str, Any]) -> str:
    return "censored (not a result)" if row.get("censored") else str(row["value"])


def ranking_html(summary: pl.DataFrame, comparison: pl.DataFrame | None) -> str:
    """The allocations best first on the service-level targets taken together."""
    if comparison is None or comparison.is_empty():
        return ""
    ranked = ranking(comparison, summary)
    if ranked.height < 2:
        return ""
    rows = "".join(
        f"<tr><td class='n'>{rank}</td><td>{html.escape(r['variant'])}"
        f"{' (reference)' if r['reference'] else ''}</td>"
        f"<td class='n'>{r['score_points']:+.1f}</td><td class='n'>{r['better']}</td>"
        f"<td class='n'>{r['worse']}</td><td class='n'>{r['added']:+,.0f}</td></tr>"
        for rank, r in enumerate(ranked.iter_rows(named=True), start=1)
    )
    return (
        "<section id='ranking'><h2>Ranking of allocations</h2><table><tr><th>rank</th>"
        "<th>allocation</th><th>points a year over the targets</th><th>figure-years better"
        "</th><th>figure-years worse</th><th>added</th></tr>"
        f"{rows}</table><p class='note'>Points: the mean over planning years of the sum of the "
        "differences to the reference in P1–P3 attendance within target and the 999 service "
        "level (those the scenario has), in percentage points. Better and worse count the "
        "figure-years whose paired 95% interval excludes zero.</p></section>"
    )


def caveats_html(
    warnings: Sequence[str],
    tables: Sequence[pl.DataFrame],
    document: Mapping[str, Any],
    label: Label,
    year_note: str,
) -> str:
    """Overload warnings, censored statistics, year labels and the key assumptions."""
    items = [
        f"<li class='warning'>{html.escape(w.removeprefix('warning: '))}</li>" for w in warnings
    ]
    censored = list(dict.fromkeys(p for t in tables for p in censored_figures(t, label)))
    if censored:
        listed = "".join(f"<li>{html.escape(c)}</li>" for c in censored)
        items.append(
            f"<li class='warning'>{len(censored)} "
            f"statistic{'s are' if len(censored) > 1 else ' is'}"
            " censored (an overloaded pool or department: taken over the finished work only, "
            "so not a result); they are not charted and get no verdict."
            f"<details><summary>Which</summary><ul>{listed}</ul></details></li>"
        )
    if year_note:
        items.append(f"<li>{html.escape(year_note)}</li>")
    items += [
        f"<li>Assumption behind <code>{html.escape(k)}</code>: {html.escape(v)}</li>"
        for k, v in key_assumptions(document).items()
    ]
    items.append(
        "<li>Interval ends are clipped to what a figure can be (shares 0–100%, counts and "
        "times at least 0).</li>"
    )
    return (
        f"<section id='caveats'><h2>Caveats</h2><ul class='caveats'>{''.join(items)}</ul></section>"
    )


def key_assumptions(document: Mapping[str, Any]) -> dict[str, str]:
    """The scenario's assumptions about the keys its variants change (what matters most to
    the comparison)."""
    assumptions = document.get("assumptions")
    variants = document.get("variants")
    if not isinstance(assumptions, Mapping) or not isinstance(variants, Mapping):
        return {}
    changed = {
        str(k)
        for spec in variants.values()
        if isinstance(spec, Mapping) and isinstance(spec.get("set"), Mapping)
        for k in spec["set"]
    }
    return {
        str(k): " ".join(str(v).split())
        for k, v in assumptions.items()
        if any(c.startswith(str(k)) or str(k).startswith(c) for c in changed)
    }

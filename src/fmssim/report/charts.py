"""Charts of a summary table as inline SVG text (matplotlib's SVG backend, no files, no network).

Every chart draws, per variant, the mean of a KPI by planning year with its 95% interval as a
band (a line and band over several years; a point and error bar when there is one year).
Text stays text in the SVG (searchable, sharp at any zoom), and element ids are salted with a
fixed string so the same summary gives the same bytes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("svg")  # no display needed; figures render straight to SVG text

import matplotlib.pyplot as plt  # after choosing the backend
import polars as pl
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

PALETTE = ("#1f5fa8", "#d1495b", "#2e933c", "#edae49", "#6c4f9e", "#00798c", "#8c564b", "#555555")
LOG_TICKS = (5, 15, 30, 60, 120, 240, 480, 1440)
"""Labelled ticks on a time axis in minutes (the other thresholds are still plotted)."""
DASHES = ("-", "--", ":", "-.")
"""Line style per variant too, so variants with equal results still show one above another."""
STYLE: dict[str, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "fmssim",
    "font.size": 9,
    "axes.grid": True,
}


@dataclass(frozen=True)
class Line:
    """A horizontal reference line on a panel: a target or aspiration."""

    value: float
    label: str


@dataclass(frozen=True)
class Panel:
    """One small chart: a KPI of one group, every variant drawn on it."""

    title: str
    rows: pl.DataFrame
    """Summary rows of this KPI and group (``variant, year, mean, ci_low, ci_high``)."""
    share: bool
    lines: tuple[Line, ...] = ()
    """Horizontal reference lines (targets and aspirations of the KPI)."""
    x: str = "year"
    """The column on the x axis: ``year``, or a numeric column drawn on a log scale."""
    vlines: tuple[Line, ...] = ()
    """Vertical reference lines (e.g. a grade's attendance target on a time axis)."""


def colours(variants: Sequence[str]) -> dict[str, str]:
    """A fixed colour per variant, in the order given (the same in every chart of a page)."""
    return {v: PALETTE[i % len(PALETTE)] for i, v in enumerate(variants)}


def panels_svg(panels: Sequence[Panel], palette: dict[str, str], columns: int = 3) -> str:
    """Small multiples of ``panels`` as one SVG element (empty string when none)."""
    if not panels:
        return ""
    columns = min(columns, len(panels))
    rows = -(-len(panels) // columns)
    with plt.rc_context(STYLE):  # type: ignore[arg-type]  # keys typed as literals
        figure, axes = plt.subplots(
            rows, columns, figsize=(3.4 * columns, 2.6 * rows), squeeze=False
        )
        for ax, panel in zip(axes.flat, panels, strict=False):
            _draw(ax, panel, palette)
        for ax in list(axes.flat)[len(panels) :]:
            ax.set_visible(False)
        handles, labels = axes.flat[0].get_legend_handles_labels()
        if handles:
            figure.legend(handles, labels, loc="lower center", ncol=min(len(labels), 4))
        figure.tight_layout(rect=(0.0, 0.08 if handles else 0.0, 1.0, 1.0))
        return _svg(figure)


def _draw(ax: Axes, panel: Panel, palette: dict[str, str]) -> None:
    """Each variant's mean against ``panel.x`` with its interval; reference lines dashed."""
    for (variant,), part in panel.rows.sort(panel.x).group_by(["variant"], maintain_order=True):
        colour = palette.get(str(variant), PALETTE[-1])
        order = list(palette).index(str(variant)) if str(variant) in palette else 0
        xs = part[panel.x].to_list()
        mean, low, high = (part[c].to_numpy() for c in ("mean", "ci_low", "ci_high"))
        if len(xs) > 1:
            style = DASHES[order % len(DASHES)]
            ax.plot(
                xs,
                mean,
                style,
                marker="o",
                markersize=3,
                color=colour,
                label=str(variant),
                clip_on=False,  # a line on the axis's limit (100%) stays visible
            )
            ax.fill_between(xs, low, high, color=colour, alpha=0.15, linewidth=0)
        else:  # one year: a bar per variant from zero, side by side, with its interval
            x = [xs[0] + 0.1 * (order - (len(palette) - 1) / 2.0)]
            errors = [[mean[0] - low[0]], [high[0] - mean[0]]] if low[0] == low[0] else None
            ax.bar(x, mean, width=0.08, color=colour, alpha=0.75, label=str(variant))
            ax.errorbar(x, mean, yerr=errors, fmt="none", capsize=4, color="#222222")
    _reference_lines(ax, panel)
    _limits(ax, panel)
    ax.set_title(panel.title, fontsize=9)
    ticks = sorted(set(panel.rows[panel.x].to_list()))
    if panel.x == "year":
        ax.set_xticks(ticks, [str(y) for y in ticks])
        ax.set_xlim(ticks[0] - 0.5, ticks[-1] + 0.5)
    else:
        ax.set_xscale("log")
        shown = [t for t in ticks if t in LOG_TICKS]
        ax.set_xticks(shown, [f"{t:g}" for t in shown])
        ax.minorticks_off()
        ax.set_xlabel(panel.x, fontsize=8)
    if panel.share:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))


def _limits(ax: Axes, panel: Panel) -> None:
    """The value axis within what the KPI can be (shares 0–100%, others from 0), and never
    zoomed so far that replication noise looks like an effect: a share axis spans at least
    20 points, another axis at least half its largest value."""
    values = [
        v
        for c in ("mean", "ci_low", "ci_high")
        for v in panel.rows[c].to_list()
        if v is not None and v == v
    ] + [line.value for line in panel.lines]
    if not values:
        return
    low, high = min(values), max(values)
    ceiling = 1.0 if panel.share else float("inf")
    span = max(high - low, 0.2 if panel.share else 0.5 * abs(high))
    pad = 0.1 * span
    bottom = max(0.0, low - pad if high - low >= span else (low + high - span) / 2.0 - pad)
    if panel.x == "year" and panel.rows["year"].n_unique() == 1:
        bottom = 0.0  # bars start from zero
    top = min(ceiling, max(high + pad, bottom + span + pad))
    if top > bottom:
        ax.set_ylim(bottom, top)


def _reference_lines(ax: Axes, panel: Panel) -> None:
    """Targets and aspirations: horizontal lines on the KPI, vertical ones on the x axis."""
    for line in panel.lines:
        ax.axhline(line.value, color="#333333", linestyle="--", linewidth=1)
        ax.annotate(
            line.label,
            (0.01, line.value),
            xycoords=("axes fraction", "data"),
            fontsize=7,
            va="bottom",
            color="#333333",
        )
    for line in panel.vlines:
        ax.axvline(line.value, color="#333333", linestyle="--", linewidth=1)
        ax.annotate(
            line.label,
            (line.value, 0.02),
            xycoords=("data", "axes fraction"),
            fontsize=7,
            ha="left",
            color="#333333",
        )


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    plt.close(figure)
    text = buffer.getvalue()
    # The RDF metadata block (creator, date) is noise in a report and names web addresses.
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.DOTALL)
    return text[text.index("<svg") :]

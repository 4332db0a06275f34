"""Whether every part of a scenario is used, and used with one meaning.

Problems here make a scenario unusable (a variant named ``base``, which ``compare`` reads as
the file as written, or a scenario in which nothing happens). Warnings name parts that do
nothing: a dispatch pool no grade or rule uses (often a misspelt name) and a volume or
growth for a year outside the planning horizon (it would be ignored).
"""

from __future__ import annotations

from collections.abc import Iterator

from fmssim.scenario.demand import MAX_ANNUAL_VOLUME
from fmssim.scenario.forecast import growth_path, planning_years
from fmssim.scenario.root import Scenario

RESERVED_VARIANT = "base"
"""The name ``compare --variants`` and sweeps give the scenario as written."""


def usage_problems(s: Scenario) -> list[tuple[str, str]]:
    """(dotted key, problem) for parts that cannot mean what they say."""
    problems = []
    if RESERVED_VARIANT in s.variants:
        message = "the name 'base' means the scenario as written; give this variant another name"
        problems.append((f"variants.{RESERVED_VARIANT}", message))
    problems.extend(_runaway_growth(s))
    if not _anything_happens(s):
        message = (
            "nothing to simulate: no incidents, channels or crimes with a volume, "
            "no workforce and no investigation backlog"
        )
        problems.append(("demand", message))
    return problems


def usage_warnings(s: Scenario) -> list[str]:
    """One ``warning: ...`` line per part of ``s`` that does nothing."""
    return [f"warning: {key}: {message}" for key, message in [*_unused(s), *_outside(s)]]


def _anything_happens(s: Scenario) -> bool:
    d = s.demand
    streams = [*d.channels.values(), *d.incidents.values(), *d.crimes.values()]
    volume = any(st.annual_volume > 0 or st.growth.volumes for st in streams)
    investigations = s.investigations
    backlog = investigations is not None and any(
        dept.backlog is not None for dept in investigations.departments.values()
    )
    return volume or s.workforce is not None or backlog


def _runaway_growth(s: Scenario) -> Iterator[tuple[str, str]]:
    """A volume compounded beyond the largest accepted (30 years at 1000% overflow floats)."""
    years = planning_years(s)
    d = s.demand
    for kind, streams in (
        ("channels", d.channels),
        ("incidents", d.incidents),
        ("crimes", d.crimes),
    ):
        for name, stream in streams.items():
            path = growth_path(stream.annual_volume, stream.growth, years)
            over = [(y, v) for y, v in zip(years, path, strict=True) if not v <= MAX_ANNUAL_VOLUME]
            if over:
                year, volume = over[0]
                yield (
                    f"demand.{kind}.{name}.growth",
                    f"grows to {volume:.3g} a year by {year}; the largest accepted is "
                    f"{MAX_ANNUAL_VOLUME:.0e}",
                )


def _unused(s: Scenario) -> Iterator[tuple[str, str]]:
    used = {g.pool for g in s.dispatch.grades.values() if g.pool is not None}
    options = s.dispatch.options
    used.update(options.p1_borrows_from)
    for rule in options.lending:
        used.update([rule.lender, *rule.pools])
    for name in s.pools:
        if name not in used:
            yield (
                f"pools.{name}",
                "no grade or lending rule uses this pool, so it does nothing (a misspelt name?)",
            )


def _outside(s: Scenario) -> Iterator[tuple[str, str]]:
    years = planning_years(s)
    span = f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
    for key, table in _by_year(s):
        for year in sorted(table):
            if year not in years:
                yield (
                    f"{key}.{year}",
                    f"year {year} is outside the planning years {span}; it is ignored",
                )


def _by_year(s: Scenario) -> Iterator[tuple[str, dict[int, object]]]:
    d = s.demand
    for kind, streams in (("channels", d.channels), ("incidents", d.incidents)):
        for name, stream in streams.items():
            yield f"demand.{kind}.{name}.growth.volumes", dict(stream.growth.volumes)
    for name, crime in d.crimes.items():
        yield f"demand.crimes.{name}.growth.volumes", dict(crime.growth.volumes)
    for name, growth in d.incident_forecast.items():
        yield f"demand.incident_forecast.{name}.volumes", dict(growth.volumes)
    for name, channel in d.channels.items():
        yield f"demand.channels.{name}.bot_share_by_year", dict(channel.bot_share_by_year)
    if s.workforce is not None:
        for name, dept in s.workforce.departments.items():
            yield f"workforce.departments.{name}.growth", dict(dept.growth)

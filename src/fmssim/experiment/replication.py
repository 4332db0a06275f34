"""One replication: draw, run the engine, reduce to KPIs (and optionally keep the records)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from fmssim.analytics import attempts, reduce
from fmssim.analytics.contact import contact_kpis, handler_share
from fmssim.analytics.dispatch import dispatch_kpis, type_kpis
from fmssim.analytics.investigation import case_table, investigation_kpis
from fmssim.analytics.pools import pool_kpis
from fmssim.analytics.tables import contact_table, incident_table
from fmssim.analytics.workforce import workforce_kpis, workforce_table
from fmssim.engine.records import ContactOutcome
from fmssim.engine.simulate import Simulated, simulate
from fmssim.model.contact_draws import ContactDraws
from fmssim.model.draws import Draws
from fmssim.model.inputs import Inputs
from fmssim.report.files import atomic_parquet


@dataclass(frozen=True)
class Task:
    """Everything a worker process needs for one replication (picklable)."""

    inputs: Inputs
    replication: int
    engine: str
    records_dir: Path | None = None
    more_kpis: Callable[[Inputs, dict[str, pl.DataFrame]], pl.DataFrame] | None = None
    """More KPIs from the replication's record tables (a module-level function, picklable);
    sweeps add response-time distributions this way."""


def run_replication(task: Task) -> pl.DataFrame:
    """The replication's KPI table; its records go to ``records_dir`` if given.

    Without records, the contact KPIs are reduced as soon as the contact stage ends and its
    arrays dropped (the largest of a replication), so the later stages run without them."""
    keep = task.records_dir is not None or task.more_kpis is not None
    contact: list[pl.DataFrame] = []

    def on_contacts(inputs: Inputs, made: ContactDraws, contacts: ContactOutcome) -> None:
        contact.append(attempts.contact_kpis(inputs, made, contacts))

    result = simulate(task.engine, task.inputs, task.replication, None if keep else on_contacts)
    inputs = result.inputs or task.inputs
    tables = record_tables(task, result) if keep else {}
    if task.records_dir is not None:
        for kind, table in tables.items():
            atomic_parquet(table, task.records_dir / kind / f"rep={task.replication:05d}.parquet")
    kpis = reduced_kpis(inputs, result, contact)
    if task.more_kpis is not None:
        kpis.append(task.more_kpis(inputs, tables))
    return pl.concat(kpis)


def record_tables(task: Task, result: Simulated) -> dict[str, pl.DataFrame]:
    """The replication's record tables (what ``--records`` writes)."""
    inputs, monthly = result.inputs or task.inputs, result.workforce
    tables = {"incidents": incident_table(inputs, result.draws, result.incidents)}
    if result.contacts is not None:
        tables["contacts"] = contact_table(inputs, result.draws, result.contacts)
    cases = result.draws.cases
    if cases is not None and result.cases is not None and task.records_dir is not None:
        tables["cases"] = case_table(inputs, cases, result.cases, task.replication)
    if monthly is not None and inputs.workforce is not None:
        tables["workforce"] = workforce_table(monthly, inputs.workforce.month_labels)
    return tables


def reduced_kpis(
    inputs: Inputs, result: Simulated, contact: list[pl.DataFrame] | None = None
) -> list[pl.DataFrame]:
    """The replication's KPIs straight from the engines' arrays (:mod:`fmssim.analytics.reduce`),
    bit-identical to :func:`table_kpis`; ``contact``: the contact KPIs, when reduced already
    (``result`` then has no contacts)."""
    grid, monthly = inputs.grid, result.workforce
    incidents = reduce.IncidentArrays.of(inputs, result.draws, result.incidents)
    kpis = [reduce.dispatch_kpis(incidents, inputs)]
    if inputs.grades.types is not None:
        kpis.append(reduce.type_kpis(incidents, inputs))
    kpis.append(reduce.pool_kpis(incidents, inputs))
    del incidents
    contacts = result.draws.contacts
    if result.contacts is not None and contacts is not None:  # not reduced yet
        kpis.append(attempts.contact_kpis(inputs, contacts, result.contacts))
    kpis += contact or []
    cases = result.draws.cases
    if cases is not None and result.cases is not None:
        kpis.append(investigation_kpis(inputs, cases, result.cases, grid.year_bounds_min))
    if monthly is not None and inputs.workforce is not None:
        kpis.append(workforce_kpis(monthly, inputs.workforce.step_year, grid.year_labels))
    return kpis


def table_kpis(inputs: Inputs, result: Simulated) -> list[pl.DataFrame]:
    """The replication's KPIs through its record tables: the reference for
    :func:`reduced_kpis` (slower: it builds every record table)."""
    grid, monthly = inputs.grid, result.workforce
    incidents = incident_table(inputs, result.draws, result.incidents)
    kpis = _dispatch_kpis(inputs, incidents)
    if result.contacts is not None:
        kpis.append(_contact_kpis(inputs, result.draws, result.contacts))
    cases = result.draws.cases
    if cases is not None and result.cases is not None:
        kpis.append(investigation_kpis(inputs, cases, result.cases, grid.year_bounds_min))
    if monthly is not None and inputs.workforce is not None:
        kpis.append(workforce_kpis(monthly, inputs.workforce.step_year, grid.year_labels))
    return kpis


def _contact_kpis(inputs: Inputs, draws: Draws, outcome: ContactOutcome) -> pl.DataFrame:
    """Contact KPIs through the attempt table."""
    grid = inputs.grid
    contacts = contact_table(inputs, draws, outcome)
    share = handler_share(inputs)
    return contact_kpis(contacts, grid.year_bounds_min, grid.year_labels, share)


def _dispatch_kpis(inputs: Inputs, incidents: pl.DataFrame) -> list[pl.DataFrame]:
    """Per grade, per incident type (when the scenario has types) and per pool."""
    grid = inputs.grid
    kpis = [dispatch_kpis(incidents, grid.year_bounds_min, grid.year_labels)]
    if inputs.grades.types is not None:
        kpis.append(type_kpis(incidents, grid.year_bounds_min, grid.year_labels))
    rosters = dict(
        zip(
            inputs.pools.names,
            zip(inputs.pools.change_min, inputs.pools.change_units, strict=True),
            strict=True,
        )
    )
    kpis.append(pool_kpis(incidents, rosters, grid.year_bounds_min, grid.year_labels))
    return kpis

"""The scenario reference, generated from the schema's models and their field docstrings."""

from __future__ import annotations

import itertools
import types
import typing
from pathlib import Path
from typing import Any

import click
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from fmssim.scenario.loader import load_scenario
from fmssim.scenario.root import Scenario

HEADER = """# Scenario reference

Generated from the code by `python -m fmssim.report.reference` (do not edit by hand; a test
checks it is current). Every section is one part of the format; keys not listed are
rejected. Durations are distributions (see *Fixed*, *Exponential*, *Lognormal*, *Gamma*,
*Empirical*) with the unit given by the key's suffix: `_min` minutes, `_sec` seconds,
`_days` days, `_hours` hours. Shares are fractions from 0 to 1.

Values are read strictly, as YAML 1.2 (a `%YAML 1.1` line is refused): `true`/`false` are
not numbers, a whole number (`int`) is written without a decimal point, numbers are finite
(no `.inf` or `.nan`), a date is `2019-01-01` (never an integer), a time of day is `"07:00"`
(never an integer), and text holds no control characters. A variant may not be named `base`,
which always means the scenario as written. `--set` and a variant's `set` change existing
entries of named mappings (pools, grades, departments): a misspelt name is an error, not a
new entry. `validate`, `run`, `compare` and `sweep` warn of a dispatch pool nothing uses, a
volume for a year outside the planning years, and a pool that can never keep up (no units
on duty, a grade needing more units than the pool has, or more offered work than people).
"""


def markdown_reference(root: type[BaseModel] = Scenario) -> str:
    """Markdown sections for ``root`` and every model it reaches, in the order met."""
    sections = [HEADER]
    for model in _models(root):
        sections.append(_section(model))
    return "\n".join(sections)


def _models(root: type[BaseModel]) -> list[type[BaseModel]]:
    seen: list[type[BaseModel]] = []
    queue = [root]
    while queue:
        model = queue.pop(0)
        if model in seen:
            continue
        seen.append(model)
        for field in model.model_fields.values():
            queue.extend(m for m in _nested(field.annotation) if m not in seen)
    return seen


def _nested(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found.extend(_nested(arg))
    return found


def _section(model: type[BaseModel]) -> str:
    doc = " ".join((model.__doc__ or "").split())
    rows = ["| key | type | default | meaning |", "| --- | --- | --- | --- |"]
    for name, field in model.model_fields.items():
        key = field.alias or name
        value = field.default_factory() if field.default_factory else field.default  # type: ignore[call-arg]
        default = _default(value, field.is_required())
        meaning = " ".join((field.description or "").split()).replace("|", "\\|")
        rows.append(f"| `{key}` | {_type_name(field.annotation)} | {default} | {meaning} |")
    return f"\n## {model.__name__}\n\n{doc}\n\n" + "\n".join(rows) + "\n"


def _default(value: Any, required: bool) -> str:
    if required or value is PydanticUndefined:
        return "required"
    if isinstance(value, BaseModel):
        return "see below"
    return f"`{value!r}`".replace("|", "\\|")


def _type_name(annotation: Any) -> str:
    if typing.get_origin(annotation) is typing.Annotated:
        return _type_name(typing.get_args(annotation)[0])
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return " or ".join(_type_name(a) for a in typing.get_args(annotation))
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in typing.get_args(annotation))
    if origin in (list, dict):
        inner = ", ".join(_type_name(a) for a in typing.get_args(annotation))
        return f"{origin.__name__}[{inner}]"
    if isinstance(annotation, type):
        return "null" if annotation is type(None) else annotation.__name__
    return str(annotation).replace("typing.", "").replace("|", "\\|")


def markdown_assumptions(paths: list[Path], root: Path) -> str:
    """Every value marked as an assumption or sourced in the given scenarios, as tables."""
    parts = [ASSUMPTIONS_HEADER]
    for path in paths:
        s = load_scenario(path, check_support=False).scenario
        rows = ["| key | assumption |", "| --- | --- |"]
        rows += [f"| `{k}` | {_cell(v)} |" for k, v in s.assumptions.items()]
        cited = ["| key | fact id |", "| --- | --- |"]
        cited += [f"| `{k}` | `{v}` |" for k, v in s.sources.items()]
        name = path.relative_to(root).as_posix()
        parts.append(f"\n## `{name}` — {s.name}\n\n### Assumptions\n\n" + "\n".join(rows))
        if s.sources:
            parts.append("\n### Taken from the reference document\n\n" + "\n".join(cited))
    return "\n".join(parts) + "\n"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


ASSUMPTIONS_HEADER = """# Assumptions in the shipped scenarios

Generated from each scenario's `assumptions:` and `sources:` blocks by
`python -m fmssim.report.reference` (a test checks it is current). A *source* is a fact id in
`../shared/reference/fms3-facts.md`; an *assumption* is a value no reference gives, with the
reason it is plausible. Each is also commented beside the value in the scenario file.
"""


CLI_HEADER = """# Command line

Generated from the commands' own help by `python -m fmssim.report.reference` (do not edit by
hand; a test checks it is current). `fmssim COMMAND --help` prints the same text.

## Exit codes

| code | meaning |
| --- | --- |
| `0` | success |
| `1` | internal error (a bug: a Python traceback is printed; please report it) |
| `2` | bad input: scenario, `--set` value, option or file; one line on stderr, \
`error: file:line: dotted.key: what was expected` |
| `130` | interrupted (Ctrl-C); an earlier run folder given with `--out` is left as it was |

`compare`, `sweep` and `optimise` use the same codes. Their bad input (exit `2`) also
includes: fewer than two `--variants`; a `--grid` with an empty or repeated value; a
`--scheduler` that is not `tcp://HOST:PORT` or cannot be reached; `--resume` without `--out`,
or with an `--out` folder holding a different sweep (another scenario, seed, replication
count, chunk size or set of variants); an `--out` folder holding files that are not
fmssim's; an `--objective` term that is not `AREA/GROUP/KPI=WEIGHT` or names no KPI of the
results. When they are interrupted (Ctrl-C, exit `130`, or killed outright), every finished
chunk stays in the `--out` folder: the same command with `--resume` runs only the rest, and
gives results identical to an uninterrupted run. `report` exits with `2` when the folder
holds no finished run.
"""


def markdown_cli(width: int = 88) -> str:
    """``fmssim --help`` and each subcommand's help, as one markdown page."""
    from fmssim.cli import main as cli  # the command line is imported only when asked for

    settings = {**cli.context_settings, "terminal_width": width, "max_content_width": width}
    root = click.Context(cli, info_name="fmssim", **settings)
    parts = [CLI_HEADER, _help_section("fmssim", cli, root)]
    assert isinstance(cli, click.Group)
    for name in sorted(cli.list_commands(root)):
        command = cli.get_command(root, name)
        assert command is not None
        ctx = click.Context(command, info_name=name, parent=root, terminal_width=width)
        parts.append(_help_section(f"fmssim {name}", command, ctx))
    return "\n".join(parts)


def _help_section(title: str, command: click.Command, ctx: click.Context) -> str:
    summary = command.get_short_help_str(limit=200)
    return f"\n## `{title}`\n\n{summary}\n\n```text\n{command.get_help(ctx)}\n```\n"


def markdown_kpis() -> str:
    """The KPI reference: every area of the summary, its group and each KPI's meaning."""
    from fmssim.analytics.catalogue import AREAS

    parts = [
        "# KPI reference",
        "",
        "<!-- generated by `python -m fmssim.report.reference` from "
        "src/fmssim/analytics/catalogue.py; do not edit -->",
        "",
        "A run's `summary.csv` is a long table: `variant, year, area, group, kpi, mean, ci_low,",
        "ci_high, reps`. Each row is one KPI of one group (a channel, grade, pool, department)",
        "in one planning year, averaged over the replications with its 95% Student-t interval.",
        "Shares are fractions (0.59 = 59%); times carry their unit in the name (`_sec`, `_min`,",
        "`_days`, `_hours`). Interval ends are clipped to what a KPI can be: shares to 0–1,",
        "every other KPI (counts, times, strengths, `utilisation`) to at least 0; `utilisation`",
        "has no upper limit, since units finishing a job after their shift (overtime) are busy",
        "while off the roster. When a pool or department is overloaded, the statistics taken",
        "over finished work only (response and wait times of its grades, a department's",
        "time-to-finalise and allocation wait) are censored: the console, the Python API",
        "(`censored` column) and the report mark them, and they get no verdict.",
        "",
    ]
    for area, spec in AREAS.items():
        parts += [f"## `{area}` (group = {spec.group})", "", "| KPI | meaning |", "| --- | --- |"]
        parts += [f"| `{kpi}` | {_cell(text)} |" for kpi, text in spec.kpis.items()]
        parts.append("")
    return "\n".join(parts)


API_HEADER = """# Python API

Generated from the docstrings of `fmssim.api` by `python -m fmssim.report.reference` (do not
edit by hand; a test checks it is current). `import fmssim` gives `fmssim.load`,
`fmssim.run` and `fmssim.compare`; the [how-to](../how-to/python-api.md) shows them at work.
"""


def markdown_api() -> str:
    """The public functions and result classes of :mod:`fmssim.api`, from their docstrings."""
    import inspect

    from fmssim import api

    parts = [API_HEADER]
    for name in ("load", "run", "compare", "RunResult", "Comparison"):
        thing = getattr(api, name)
        if inspect.isclass(thing):
            parts.append(f"\n## `{name}`\n\n{_doc(thing)}\n")
            hints = {f.name: f for f in getattr(thing, "__dataclass_fields__", {}).values()}
            rows = ["| attribute | meaning |", "| --- | --- |"]
            docs = _attribute_docs(thing)
            rows += [f"| `{f}` | {_cell(docs.get(f, ''))} |" for f in hints]
            parts.append("\n".join(rows) + "\n")
            for method, member in inspect.getmembers(thing, inspect.isfunction):
                if not method.startswith("_"):
                    signature = _signature(member)
                    parts.append(f"\n### `{name}.{method}{signature}`\n\n{_doc(member)}\n")
        else:
            parts.append(f"\n## `fmssim.{name}{_signature(thing)}`\n\n{_doc(thing)}\n")
    return "\n".join(parts)


def _signature(function: Any) -> str:
    import inspect

    text = str(inspect.signature(function)).replace("self, ", "").replace("(self)", "()")
    return text.replace("'", "")


def _doc(thing: Any) -> str:
    import inspect

    text = inspect.getdoc(thing) or ""
    return (
        text.replace(":func:", "")
        .replace(":class:", "")
        .replace(":meth:", "")
        .replace(":attr:", "")
        .replace(":mod:", "")
    )


def _attribute_docs(cls: type) -> dict[str, str]:
    """Attribute docstrings (a string right after the annotation) from the class source."""
    import ast
    import inspect
    import textwrap

    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
    found: dict[str, str] = {}
    for node, after in itertools.pairwise(body):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            found[node.target.id] = _doc_text(after.value.value)
    return found


def _doc_text(text: str) -> str:
    return " ".join(text.split()).replace(":attr:", "").replace(":func:", "")


def main() -> None:
    """Regenerate docs/reference/{scenario,cli,kpis,api}.md and docs/assumptions.md."""
    repo = Path(__file__).resolve().parents[3]
    (repo / "docs" / "reference").mkdir(parents=True, exist_ok=True)
    (repo / "docs" / "reference" / "scenario.md").write_text(markdown_reference())
    (repo / "docs" / "reference" / "cli.md").write_text(markdown_cli())
    (repo / "docs" / "reference" / "kpis.md").write_text(markdown_kpis())
    (repo / "docs" / "reference" / "api.md").write_text(markdown_api())
    scenarios = sorted((repo / "scenarios").rglob("*.yaml"))
    (repo / "docs" / "assumptions.md").write_text(markdown_assumptions(scenarios, repo))


if __name__ == "__main__":
    main()

"""The commands in the tutorial and the how-to pages run, as written, and succeed.

Every ```bash block of docs/tutorial.md and docs/how-to/*.md is run by bash (``set -euo
pipefail``) in a temporary folder holding a copy of the repository's ``scenarios/``, so the
shipped files are never touched. The blocks of one page share that folder and run in page
order (a later block may use a file an earlier one wrote); two pages run at a time, each
started when the first test asks. ``fmssim`` is replaced by this
virtual environment's console script, whose folder also comes first on ``PATH`` (so
``python`` is this interpreter too). A block preceded by ``<!-- not-run -->`` (installing,
cloning, the test suite) is skipped. The commands are written to be fast as they stand: the
whole module takes well under a minute.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
DOCS = ROOT / "docs"
PAGES = [DOCS / "tutorial.md", *sorted((DOCS / "how-to").glob("*.md"))]
NOT_RUN = "<!-- not-run -->"
BIN = Path(sys.executable).parent
FMSSIM = BIN / "fmssim"
COMMAND = re.compile(r"(?m)(^\s*|(?:&&|\|\||[;|(]|\bdo|\bthen)\s+)fmssim(?=\s|$)")
"""``fmssim`` where a command starts: a line, or after ``&&``, ``;``, ``|``, ``do``, ``then``."""
TIMEOUT_S = 120


@dataclass(frozen=True)
class Block:
    page: Path
    index: int
    """Position among the page's runnable blocks."""
    line: int
    script: str

    @property
    def name(self) -> str:
        return f"{self.page.relative_to(DOCS).as_posix()}:{self.line}"


def bash_blocks(page: Path) -> tuple[list[Block], list[int]]:
    """The page's runnable ```bash blocks, and the lines of those marked not-run."""
    runnable: list[Block] = []
    skipped: list[int] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    previous = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
            if line.strip() == "```bash":
                if previous.strip() == NOT_RUN:
                    skipped.append(i + 1)
                else:
                    script = "\n".join(lines[i + 1 : end]) + "\n"
                    runnable.append(Block(page, len(runnable), i + 1, script))
            elif previous.strip() == NOT_RUN:
                raise AssertionError(f"{page.name}:{i + 1}: {NOT_RUN} before a non-bash block")
            i, previous = end + 1, ""
            continue
        if line.strip():
            previous = line
        i += 1
    return runnable, skipped


BLOCKS = [block for page in PAGES for block in bash_blocks(page)[0]]


class Pages:
    """Each page's blocks run in order in a folder of its own; pages run two at a time."""

    def __init__(self, base: Path) -> None:
        pages = sorted({b.page for b in BLOCKS})
        self.pool = ThreadPoolExecutor(max_workers=2)
        self.results = {page: self.pool.submit(run_page, page, base / page.stem) for page in pages}

    def result(self, block: Block) -> subprocess.CompletedProcess[str] | None:
        """The block's run; ``None`` when an earlier block of its page failed."""
        return self.results[block.page].result().get(block.index)


def run_page(page: Path, folder: Path) -> dict[int, subprocess.CompletedProcess[str]]:
    """Run the page's blocks in order, up to the first that fails."""
    shutil.copytree(ROOT / "scenarios", folder / "scenarios")
    done: dict[int, subprocess.CompletedProcess[str]] = {}
    for block in (b for b in BLOCKS if b.page == page):
        done[block.index] = result = run(block, folder)
        if result.returncode != 0:
            break
    return done


def run(block: Block, folder: Path) -> subprocess.CompletedProcess[str]:
    script = COMMAND.sub(lambda m: m.group(1) + str(FMSSIM), block.script)
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )


def report(block: Block, result: subprocess.CompletedProcess[str]) -> str:
    return (
        f"{block.name}: exit code {result.returncode}\n--- script\n{block.script}"
        f"--- stdout (end)\n{result.stdout[-2000:]}\n--- stderr (end)\n{result.stderr[-2000:]}"
    )


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pages]:
    started = Pages(tmp_path_factory.mktemp("docs"))
    yield started
    started.pool.shutdown(wait=True)


def test_console_script_is_this_environments() -> None:
    assert FMSSIM.is_file(), f"{FMSSIM}: install with pip install -e '.[dev]'"


def test_every_page_has_commands_to_run() -> None:
    for page in PAGES:
        assert bash_blocks(page)[0], f"{page.name}: no runnable ```bash block"


def test_fmssim_is_replaced_where_a_command_starts() -> None:
    script = "fmssim new x\nfor n in 1; do fmssim run x.yaml; done\ncat fmssim.schema.json"
    replaced = COMMAND.sub(lambda m: m.group(1) + str(FMSSIM), script)
    assert replaced.count(str(FMSSIM)) == 2
    assert "cat fmssim.schema.json" in replaced


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b.name)
def test_doc_command_succeeds(block: Block, pages: Pages) -> None:
    result = pages.result(block)
    assert result is not None, f"{block.name}: not run, an earlier block of the page failed"
    assert result.returncode == 0, report(block, result)

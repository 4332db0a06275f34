"""The Python how-to runs as written: its ```python blocks, in page order, in one namespace
(as notebook cells), from a folder holding a copy of the repository's ``scenarios/``."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
PAGE = ROOT / "docs" / "how-to" / "python-api.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def test_the_python_how_to_runs_as_written(tmp_path: Path) -> None:
    blocks = BLOCK.findall(PAGE.read_text(encoding="utf-8"))
    assert len(blocks) >= 6
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    namespace: dict[str, object] = {"__name__": "how_to"}
    printed = io.StringIO()
    here = Path.cwd()
    os.chdir(tmp_path)
    try:
        for number, code in enumerate(blocks, start=1):
            with contextlib.redirect_stdout(printed):
                try:
                    exec(compile(code, f"{PAGE.name} block {number}", "exec"), namespace)
                except Exception as error:  # pragma: no cover - the failure message
                    pytest.fail(f"{PAGE.name} block {number} failed: {error!r}\n{code}")
    finally:
        os.chdir(here)
    text = printed.getvalue()
    assert "refused: " in text and "pools.response.roster.on_duty" in text
    assert "pool neighbourhood looks overloaded" in text  # the overloaded run's warning
    assert "response_median_min" in text  # listed among the censored statistics
    assert (tmp_path / "runs" / "from-python" / "summary.parquet").is_file()
    assert "paired intervals are" in text

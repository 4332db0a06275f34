"""Atomic file writes: a reader never sees a half-written file, even after a crash.

Files get the permissions the user's umask gives a new file (``0644`` under the usual
``022``), not the ``0600`` of a temporary file: a report on a shared drive opens for
colleagues as any file the user writes would.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl


def atomic_write(target: Path, write: Callable[[Path], Any]) -> None:
    """Call ``write`` on a temporary file beside ``target``, then rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, target)
    except OSError:
        raise
    except Exception as exc:  # polars reports a failed write (a full disk) as its own error
        text = str(exc)
        full = "os error 28" in text or "No space left" in text
        code = errno.ENOSPC if full else errno.EIO
        raise OSError(code, os.strerror(code), str(target)) from exc
    finally:
        tmp.unlink(missing_ok=True)


def atomic_text(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` atomically."""
    atomic_write(target, lambda p: p.write_text(text, encoding="utf-8"))


def atomic_parquet(table: pl.DataFrame, target: Path) -> None:
    """Write a Parquet file atomically."""
    atomic_write(target, table.write_parquet)


def atomic_csv(table: pl.DataFrame, target: Path) -> None:
    """Write a CSV file atomically."""
    atomic_write(target, table.write_csv)


def current_umask() -> int:
    """The process's umask (read by setting it and putting it back at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask

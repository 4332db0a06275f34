"""Reading the files a scenario names, bounded: regular files only, and at most so many bytes.

The limit applies to the bytes actually read, not to the size a file claims, so a device
(``/dev/zero``), a FIFO (which would block for ever) or a file growing while read cannot
exhaust memory or hang the loader: anything but a regular file is refused before reading.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

MAX_SCENARIO_BYTES = 20_000_000
"""A scenario file (and each base it extends)."""
MAX_PROFILE_BYTES = 1_000_000
"""A profile CSV: 168 rows need a few kilobytes."""


class FileRefused(Exception):  # noqa: N818 - reads as a condition, like ScenarioError
    """A file cannot be read as asked; the text says why, in words."""


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of the regular file ``path``; :class:`FileRefused` if it is anything else,
    missing, or longer than ``limit`` bytes."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise FileRefused(_why(exc)) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise FileRefused("is a folder, expected a file")
        if not stat.S_ISREG(mode):
            raise FileRefused("is not a regular file (a device, FIFO or socket)")
        data = _read_up_to(fd, limit + 1)
    except OSError as exc:
        raise FileRefused(_why(exc)) from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise FileRefused(f"is larger than the limit of {limit:,} bytes")
    return data


def _read_up_to(fd: int, size: int) -> bytes:
    """At most ``size`` bytes, read in blocks (no buffer of ``size`` allocated up front)."""
    parts: list[bytes] = []
    left = size
    while left > 0:
        block = os.read(fd, min(left, 1 << 16))
        if not block:
            break
        parts.append(block)
        left -= len(block)
    return b"".join(parts)


def _why(exc: OSError) -> str:
    if exc.errno == errno.ENOENT:
        return "file not found"
    if exc.errno == errno.ELOOP:
        return "is a loop of symbolic links"
    if exc.errno == errno.EISDIR:
        return "is a folder, expected a file"
    return f"cannot read: {exc.strerror or exc}"

"""Result folders as transactions: one writer at a time, and complete or untouched.

Every command that writes a result folder (``run``, ``compare``, ``sweep``, ``optimise``)
first takes a lock on it: an exclusive ``flock`` on ``.NAME.lock`` beside the folder. The
kernel releases it when the process ends, however it ends (SIGKILL included), so a lock is
never left stale; a second writer is refused with one line naming the holder's process id.

Work is then written to a staging folder beside the target, and the staging folder replaces
the target only when complete (two renames), so a reader sees the earlier results or the new
ones, never a mix.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from fmssim.scenario.errors import ScenarioError


class FolderLocked(Exception):  # noqa: N818 - reads as a condition, like ScenarioError
    """Another process is writing the result folder."""


def lock_path(folder: Path) -> Path:
    """The lock file of ``folder`` (beside it: the folder itself is replaced on success)."""
    place = resolved(folder)
    return place.parent / f".{place.name}.lock"


def resolved(folder: Path) -> Path:
    """``folder`` as an absolute path without links; a loop of links is refused."""
    try:
        return folder.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a loop of symbolic links
        raise ScenarioError(str(folder), 0, "--out", "a loop of symbolic links") from None


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold the exclusive lock on ``folder`` for the block; refuse at once if it is held.

    The lock file is removed on release. A process that opened it just before may then lock
    a file no longer in place: it checks after locking that the file it holds is still the
    one at the path, and starts again if not.
    """
    path = lock_path(folder)
    fd = _locked(path, folder)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(fd)  # releases the lock


def _locked(path: Path, folder: Path) -> int:
    """A descriptor of ``path``, exclusively locked (refused with one line if held)."""
    while True:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise ScenarioError(str(folder), 0, "--out", f"cannot lock: {exc.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            message = (
                f"{folder}: another fmssim process (pid {holder}) is writing this folder; "
                "wait for it to finish or choose another --out"
            )
            raise FolderLocked(message) from None
        try:
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)  # the holder removed it as we locked it: take the new one


def staging_path(folder: Path, kind: str) -> Path:
    """Where ``kind`` work for ``folder`` is staged (a fixed name, so a resume finds it)."""
    place = resolved(folder)
    return place.parent / f".{place.name}.{kind}-partial"


def swap_in(staging: Path, folder: Path) -> None:
    """Put the complete ``staging`` folder where ``folder`` is (an empty folder is kept:
    it may be the working directory)."""
    folder = resolved(folder)
    if folder.is_dir() and not any(folder.iterdir()):
        for entry in staging.iterdir():
            entry.rename(folder / entry.name)
        staging.rmdir()
        return
    old = staging.with_name(staging.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    staging.rename(folder)
    shutil.rmtree(old, ignore_errors=True)

"""Where chunks run: this process, local worker processes, or a Dask distributed cluster.

Every executor yields ``(index, result)`` as tasks finish, in whatever order they finish;
callers never depend on that order (results are saved per chunk and read back in plan order),
which is why a sweep gives bit-identical results on any executor.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any, Protocol


class SchedulerUnreachable(Exception):  # noqa: N818 - reads as a condition, like ScenarioError
    """The Dask scheduler given with ``--scheduler`` could not be reached."""


class ClusterLost(Exception):  # noqa: N818 - reads as a condition
    """The Dask cluster went away while the sweep ran (finished chunks are kept)."""


def die_with_parent(parent: int) -> None:
    """In a worker process of ``parent``: be killed when the parent dies, even by SIGKILL
    (Linux), so a killed run leaves no orphaned workers holding hundreds of megabytes."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


PR_SET_PDEATHSIG = 1


class Executor(Protocol):
    """Runs ``function`` on every task, yielding ``(task index, result)`` as each finishes."""

    def map_unordered(
        self, function: Callable[[Any], Any], tasks: Sequence[Any]
    ) -> Iterator[tuple[int, Any]]: ...

    @property
    def description(self) -> str: ...


@dataclass(frozen=True)
class LocalExecutor:
    """``workers`` processes on this machine (in this process when 1)."""

    workers: int = 1

    @property
    def description(self) -> str:
        return f"local, {self.workers} worker{'s' if self.workers != 1 else ''}"

    def map_unordered(
        self, function: Callable[[Any], Any], tasks: Sequence[Any]
    ) -> Iterator[tuple[int, Any]]:
        if self.workers <= 1:
            for i, task in enumerate(tasks):
                yield i, function(task)
            return
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=die_with_parent,
            initargs=(os.getpid(),),
        ) as pool:
            futures = {pool.submit(function, task): i for i, task in enumerate(tasks)}
            for future in as_completed(futures):
                yield futures[future], future.result()


@dataclass(frozen=True)
class DaskExecutor:
    """A Dask distributed cluster at ``address`` (``tcp://HOST:PORT``).

    The workers must have fmssim installed (the same version); they need no shared files:
    tasks carry compiled inputs, and results come back to this process, which saves them.
    """

    address: str
    timeout_s: float = 10.0

    @property
    def description(self) -> str:
        return f"dask, scheduler {self.address}"

    def map_unordered(
        self, function: Callable[[Any], Any], tasks: Sequence[Any]
    ) -> Iterator[tuple[int, Any]]:
        from distributed import Client, as_completed  # heavy: imported only when asked for

        try:
            client = Client(  # type: ignore[no-untyped-call]
                self.address, timeout=self.timeout_s, set_as_default=False
            )
        except (OSError, TimeoutError, ValueError, TypeError) as exc:
            message = f"{self.address}: cannot reach the Dask scheduler ({exc})"
            raise SchedulerUnreachable(message) from None
        with client:
            shared: dict[int, Any] = {}
            futures = [_submit(client, function, task, shared) for task in tasks]
            index = {f.key: i for i, f in enumerate(futures)}
            for future in as_completed(futures, loop=client.loop):  # type: ignore[no-untyped-call]
                try:
                    result = future.result()
                except Exception as exc:
                    if not _lost(exc):
                        raise
                    message = f"{self.address}: lost the Dask cluster ({type(exc).__name__})"
                    raise ClusterLost(message) from None
                yield index[future.key], result
                future.release()


def _lost(exc: BaseException) -> bool:
    """Whether ``exc`` means the cluster went away (not that a task failed)."""
    names = {type(exc).__name__, *(t.__name__ for t in type(exc).__mro__)}
    lost = {"CancelledError", "FutureCancelledError", "CommClosedError", "KilledWorker"}
    return bool(names & lost) or isinstance(exc, OSError | TimeoutError)


def _submit(client: Any, function: Callable[[Any], Any], task: Any, shared: dict[int, Any]) -> Any:
    """Submit ``function(task)``; a task's ``inputs`` are sent to the cluster once, not per task.

    Compiled inputs are large (about 2 MB for the 2019 baseline) and shared by every chunk of
    a variant: they are scattered once and each task carries only a reference to them.
    """
    inputs = getattr(task, "inputs", None)
    if inputs is None or not dataclasses.is_dataclass(task) or isinstance(task, type):
        return client.submit(function, task, pure=False)
    if id(inputs) not in shared:
        shared[id(inputs)] = client.scatter(inputs, hash=False)
    light = dataclasses.replace(task, inputs=None)
    return client.submit(_with_inputs, function, light, shared[id(inputs)], pure=False)


def _with_inputs(function: Callable[[Any], Any], task: Any, inputs: Any) -> Any:
    """On the worker: put the scattered inputs back into the task and run it."""
    return function(dataclasses.replace(task, inputs=inputs))
